/**
 * The rollout strategies a release can ask for, narrowed to what the serving platform of the
 * target (or project) says it can do (`supportedStrategies`, e.g. MLServer: no CANARY). When
 * the platform did not answer (null: the inference subgraph is down), every strategy is offered
 * and the gateway still refuses the impossible one with a payload error.
 */
export type Rollout = 'CANARY' | 'HOT_SWAP';

const ALL: readonly Rollout[] = ['CANARY', 'HOT_SWAP'];
export const ROLLOUT_LABEL: Record<Rollout, string> = { CANARY: 'canary', HOT_SWAP: 'hot swap' };
/** The same, capitalised for radio buttons. */
export const ROLLOUT_TITLE: Record<Rollout, string> = { CANARY: 'Canary', HOT_SWAP: 'Hot swap' };

export function rolloutChoices(supported: readonly string[] | null | undefined): Rollout[] {
  return supported ? ALL.filter((s) => supported.includes(s)) : [...ALL];
}

/** The preferred strategy if offered, else the first one offered. */
export function initialRollout(preferred: string | null | undefined, choices: readonly Rollout[]): Rollout {
  return choices.find((c) => c === preferred) ?? choices[0] ?? 'HOT_SWAP';
}
