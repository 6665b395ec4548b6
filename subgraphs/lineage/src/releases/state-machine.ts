/**
 * Release transitions, validated in one place. Every mutation names the transition it wants;
 * anything not listed here is refused with INVALID_STATE and changes nothing.
 */
import type { ReleaseStatus } from './types.ts';

export type Transition = 'approve' | 'reject' | 'override' | 'startRollout' | 'rolloutDone' | 'promote' | 'rollback' | 'cancel';

const ALLOWED: Record<Transition, readonly ReleaseStatus[]> = {
  approve: ['PENDING_APPROVAL'],
  reject: ['PENDING_APPROVAL'],
  override: ['PENDING_APPROVAL'],
  startRollout: ['APPROVED'],
  rolloutDone: ['ROLLING_OUT'],
  promote: ['CANARY'],
  rollback: ['CANARY', 'COMPLETED', 'ROLLED_BACK'],
  cancel: ['PENDING_APPROVAL', 'APPROVED'],
};

export const TERMINAL: readonly ReleaseStatus[] = ['REJECTED', 'CANCELLED', 'FAILED', 'ROLLED_BACK', 'COMPLETED'];
export const PENDING: readonly ReleaseStatus[] = ['PENDING_APPROVAL', 'APPROVED', 'ROLLING_OUT', 'CANARY'];

export class TransitionError extends Error {
  constructor(
    readonly code: 'INVALID_STATE',
    message: string,
  ) {
    super(message);
  }
}

/** Throws a TransitionError unless `t` is allowed from `from`. */
export function assertTransition(from: ReleaseStatus, t: Transition): void {
  if (!ALLOWED[t].includes(from)) {
    throw new TransitionError('INVALID_STATE', `cannot ${t} a release that is ${from}; allowed from ${ALLOWED[t].join(' or ')}`);
  }
}
