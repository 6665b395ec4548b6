/** Release management records and the store that keeps them with their audit trail. */
import type { Page, PageRequest } from '@mlops/kit';
import type { DerivedModel, ImpactTarget, PendingRelease } from '../store/types.ts';
import type { IdempotencyKey } from './idempotency.ts';

export type ReleaseStatus = 'PENDING_APPROVAL' | 'APPROVED' | 'REJECTED' | 'ROLLING_OUT' | 'CANARY' | 'COMPLETED' | 'ROLLED_BACK' | 'CANCELLED' | 'FAILED';
export type TargetStatus = 'PENDING' | 'CANARY' | 'DEPLOYED' | 'ROLLED_BACK' | 'FAILED';
export type Strategy = 'HOT_SWAP' | 'CANARY';

export interface Policy {
  requiredApprovals: number;
  gateMetric: string;
  tolerance: number;
  allowOverride: boolean;
  defaultStrategy: Strategy;
  defaultCanaryPercent: number;
  webhookUrl: string | null;
}

export const DEFAULT_POLICY: Policy = {
  requiredApprovals: 2,
  gateMetric: 'f1',
  tolerance: 0.01,
  allowOverride: true,
  defaultStrategy: 'CANARY',
  defaultCanaryPercent: 10,
  webhookUrl: null,
};

export interface GateResult {
  gate: 'METRIC' | 'LINEAGE' | 'ALERTS' | 'DEPRECATION';
  targetId: string | null;
  passed: boolean;
  detail: string;
}

export interface ApprovalRecord {
  id: string;
  approver: string;
  decision: 'APPROVE' | 'REJECT';
  comment: string | null;
  at: string;
}

export interface ReleaseTargetState {
  targetId: string;
  status: TargetStatus;
  previousModelVersionId: string | null;
  updatedAt: string;
}

export interface ReleaseDoc {
  id: string;
  projectId: string;
  modelVersionId: string;
  strategy: Strategy;
  canaryPercent: number | null;
  note: string | null;
  status: ReleaseStatus;
  requestedBy: string;
  requestedAt: string;
  updatedAt: string;
  targets: ReleaseTargetState[];
  gates: GateResult[];
  override: { by: string; reason: string; at: string } | null;
  approvals: ApprovalRecord[];
  requiredApprovals: number;
}

/** What a change asks to audit; the store numbers and chains it. */
export interface AuditInput {
  entityId: string;
  action: string;
  actor: string;
  at: string;
  before: unknown;
  after: unknown;
  reason: string | null;
}

export interface AuditEventRecord {
  id: string;
  entityId: string;
  seq: number;
  action: string;
  actor: string;
  at: string;
  before: string | null;
  after: string | null;
  reason: string | null;
  prevHash: string;
  hash: string;
}

/** What `decide` returns: the new release (or none for no change), the audit events, the answer. */
export interface Decision<T> {
  next: ReleaseDoc | null;
  audit: AuditInput[];
  result: T;
}

export type DeprecationStatus = 'ANNOUNCED' | 'EFFECTIVE' | 'WITHDRAWN';
export const ACTIVE_DEPRECATION: readonly DeprecationStatus[] = ['ANNOUNCED', 'EFFECTIVE'];

export interface DeprecationProjectModel {
  projectId: string;
  owners: string[];
  /** Affected targets of the project: serving (or able to roll back to) the version, or serving a derived model. */
  targetIds: string[];
}

/** The impact as it was when the deprecation was announced: what the owners were told. */
export interface DeprecationSnapshot {
  targets: ImpactTarget[];
  derivedModels: DerivedModel[];
  derivedTargets: ImpactTarget[];
  pendingReleases: PendingRelease[];
  projects: DeprecationProjectModel[];
}

export interface DeprecationDoc {
  id: string;
  modelVersionId: string;
  replacementId: string;
  /** The project of the deprecated version (whose approvers decide). */
  projectId: string;
  reason: string;
  effectiveAt: string;
  requestedBy: string;
  requestedAt: string;
  updatedAt: string;
  status: DeprecationStatus;
  forced: boolean;
  snapshot: DeprecationSnapshot;
}

/** What `decideDeprecation` returns, as `Decision` does for releases. */
export interface DeprecationDecision<T> {
  next: DeprecationDoc | null;
  audit: AuditInput[];
  result: T;
}

/** Projects a deprecation touches: the version's own and every affected one (sorted). */
export function deprecationProjects(d: DeprecationDoc): string[] {
  return [...new Set([d.projectId, ...d.snapshot.projects.map((p) => p.projectId)])].sort();
}

export interface DeprecationFilter {
  /** Deprecations whose snapshot touches one of these projects (null: all). */
  projectIds: string[] | null;
  modelVersionId?: string | null;
  status?: DeprecationStatus | null;
  /** Only those whose effective date is at or before this time (ISO-8601): the ones due. */
  effectiveBy?: string | null;
}

export interface ReleaseFilter {
  projectIds: string[] | null;
  status?: ReleaseStatus | null;
  modelVersionId?: string | null;
  targetId?: string | null;
}

export interface ReleaseStoreOptions {
  /** How long an idempotency key answers retries (default 24 h); expired keys are ignored and pruned. */
  keyTtlMs?: number;
  /** Clock in epoch ms (tests move it to expire keys). */
  nowMs?: () => number;
}

export interface ReleaseStore {
  /**
   * One atomic step: locks the release (and the idempotency key), hands the current state to
   * `decide` (pure, may throw to abort), and writes the next state and its audit events in the
   * same transaction, remembering `key` with the result so a retry returns it without applying
   * again. A decision that changes nothing (no next state, no audit) writes nothing at all: no
   * key, no audit head, no node; a retry with the same key is then decided afresh. A live key
   * with another body hash throws IdempotencyConflict.
   */
  mutate<T>(releaseId: string, key: IdempotencyKey | null, decide: (current: ReleaseDoc | null) => Decision<T>): Promise<T>;
  /** The first result kept under a live key (read only); throws IdempotencyConflict on another body. */
  replay<T>(key: IdempotencyKey): Promise<{ result: T } | null>;
  /** Deletes expired idempotency keys; returns how many. */
  pruneKeys(): Promise<number>;
  getReleases(ids: readonly string[]): Promise<(ReleaseDoc | null)[]>;
  /** Newest first. */
  listReleases(filter: ReleaseFilter, page: PageRequest): Promise<Page<ReleaseDoc>>;
  /** Oldest first. */
  auditTrail(entityId: string, page: PageRequest): Promise<Page<AuditEventRecord>>;
  /** Every event of an entity plus the chain head recorded with it, for verification. */
  auditChain(entityId: string): Promise<{ events: AuditEventRecord[]; head: { count: number; hash: string } | null }>;
  /** Project-level changes (policy) are audited the same way, keyed by project id. */
  getPolicy(projectId: string): Promise<Policy | null>;
  setPolicy(projectId: string, policy: Policy, audit: AuditInput, key: IdempotencyKey | null): Promise<Policy>;
  /**
   * `mutate` for deprecations: one atomic, keyed, audited step on a deprecation. The lock is the
   * deprecated model version's (`lockId`), so two announcements of one version serialise and
   * `decide` sees every deprecation of that version (`siblings`) as of inside the transaction.
   */
  mutateDeprecation<T>(
    deprecationId: string,
    modelVersionId: string,
    key: IdempotencyKey | null,
    decide: (current: DeprecationDoc | null, siblings: DeprecationDoc[]) => DeprecationDecision<T>,
  ): Promise<T>;
  getDeprecations(ids: readonly string[]): Promise<(DeprecationDoc | null)[]>;
  /** Newest first. */
  listDeprecations(filter: DeprecationFilter): Promise<DeprecationDoc[]>;
  /** The ANNOUNCED or EFFECTIVE deprecation of each model version (key order; null for none), in one read. */
  activeDeprecations(modelVersionIds: readonly string[]): Promise<(DeprecationDoc | null)[]>;
}
