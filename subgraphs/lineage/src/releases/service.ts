/**
 * The release workflow: request (with gates), approve with four-eyes, reject, override,
 * roll out through the serving platform (canary or hot swap), promote, roll back, cancel.
 * Expected failures come back as payload errors; every applied change is one store mutation
 * that writes the release and its audit event together, keyed for idempotent retries. Before
 * that write, and without writing anything: the caller is signed in, the arguments are within
 * their limits, the idempotency key is not reused with other arguments, and the caller holds
 * the role; a refusal decided inside the store transaction rolls it back.
 */
import { randomUUID } from 'node:crypto';
import { GraphQLError } from 'graphql';
import type { CatalogConnector } from '@mlops/connectors/catalog';
import type { DeploymentModel, InferenceConnector } from '@mlops/connectors/inference';
import type { MonitoringConnector } from '@mlops/connectors/monitoring';
import type { ModelVersionModel, TrainingConnector } from '@mlops/connectors/training';
import { badInput, ConnectorError, hasRole, normalizeSubject, roleOn, visibleProjects, type Identity, type Logger, type Role } from '@mlops/kit';
import type { LineageStore, ReleaseTargetFilterInput } from '../store/types.ts';
import * as V from '../validate.ts';
import { DeprecationService } from './deprecations.ts';
import { bindKey, IdempotencyConflict, type IdempotencyKey } from './idempotency.ts';
import { assertTransition, TransitionError, type Transition } from './state-machine.ts';
import { DEFAULT_POLICY, type AuditInput, type DeprecationDoc, type Decision, type GateResult, type Policy, type ReleaseDoc, type ReleaseStore, type Strategy } from './types.ts';
import { resolveHost, webhookUrlProblem, type Resolve } from './webhook-url.ts';
import type { WebhookSender } from './webhooks.ts';

export interface Platforms {
  training: TrainingConnector;
  catalog: CatalogConnector;
  inference: InferenceConnector;
  monitoring: MonitoringConnector;
}

export interface MutationError {
  code: string;
  message: string;
  field: string | null;
}

export interface Outcome {
  releaseId: string | null;
  errors: MutationError[];
}

export interface RequestInput {
  modelVersionId: string;
  targetIds?: string[] | null;
  wave?: { projectId: string; filter?: ReleaseTargetFilterInput | null } | null;
  strategy?: Strategy | null;
  canaryPercent?: number | null;
  note?: string | null;
  idempotencyKey?: string | null;
}

export interface ReleaseServiceOptions {
  now?: () => string;
  /** Let projects set webhook URLs on loopback and private networks (development); default false. */
  allowPrivateWebhooks?: boolean;
  /** Resolves a webhook host to its addresses (default: the system resolver, 5 s). */
  resolveHost?: Resolve;
}

/** Most targets one release covers. */
export const MAX_TARGETS = 500;
const PRUNE_EVERY_MS = 3600 * 1000;
const fail = (code: string, message: string, field: string | null = null): Outcome => ({ releaseId: null, errors: [{ code, message, field }] });
const failOn = (releaseId: string, code: string, message: string, field: string | null = null): Outcome => ({ releaseId, errors: [{ code, message, field }] });
const CONFLICT: MutationError = { code: 'IDEMPOTENCY_CONFLICT', message: new IdempotencyConflict().message, field: 'idempotencyKey' };
const ANONYMOUS: MutationError = { code: 'UNAUTHENTICATED', message: 'changing releases needs a signed-in caller; anonymous access is read-only', field: null };
const same = (a: string, b: string) => normalizeSubject(a) === normalizeSubject(b);

/** Runs argument checks; the first failure as a payload error naming the argument. */
function inputProblem(check: () => void): MutationError | null {
  try {
    check();
    return null;
  } catch (e) {
    if (e instanceof GraphQLError && e.extensions.code === 'BAD_USER_INPUT') {
      return { code: 'BAD_USER_INPUT', message: e.message, field: (e.extensions.argument as string | undefined) ?? null };
    }
    throw e;
  }
}

class Refusal extends Error {
  constructor(readonly outcome: Outcome) {
    super(outcome.errors[0]?.message);
  }
}

export class ReleaseService {
  readonly now: () => string;
  private readonly allowPrivateWebhooks: boolean;
  private readonly resolve: Resolve;
  private lastPrune = Date.now();
  /** The deprecation workflow, on the same stores, gates and webhooks. */
  readonly deprecations: DeprecationService;

  constructor(
    readonly store: LineageStore,
    readonly releases: ReleaseStore,
    readonly platforms: Platforms,
    readonly webhooks: WebhookSender,
    readonly logger: Logger,
    opts: ReleaseServiceOptions = {},
  ) {
    this.now = opts.now ?? (() => new Date().toISOString());
    this.allowPrivateWebhooks = opts.allowPrivateWebhooks ?? false;
    this.resolve = opts.resolveHost ?? resolveHost();
    this.deprecations = new DeprecationService(this);
  }

  async policy(projectId: string): Promise<Policy> {
    return (await this.releases.getPolicy(projectId)) ?? DEFAULT_POLICY;
  }

  /** Visible to the caller: a role on the project (or on every project). */
  canSee(who: Identity, projectId: string): boolean {
    return roleOn(who, projectId) !== null;
  }

  projectFilter(who: Identity): string[] | null {
    const v = visibleProjects(who);
    return v === null ? null : [...v];
  }

  /* ---------- gates and comparison ---------- */

  /** The champion (most traffic) per target now, from the serving platform. */
  async champions(targetIds: readonly string[]): Promise<Map<string, DeploymentModel | null>> {
    const deps = await this.platforms.inference.deploymentsByTargets(targetIds);
    return new Map(
      targetIds.map((t, i) => [t, (deps[i] ?? []).filter((d) => d.until === null).sort((a, b) => b.trafficPercent - a.trafficPercent)[0] ?? null]),
    );
  }

  /**
   * Gates for a candidate on targets: metric vs each champion, lineage completeness, open
   * critical alerts. `champs` are the targets' champions when the caller already fetched them.
   */
  async gates(candidate: ModelVersionModel, targetIds: readonly string[], policy: Policy, champs?: Map<string, DeploymentModel | null>): Promise<GateResult[]> {
    const out: GateResult[] = [];
    const [run] = candidate.runId ? await this.platforms.training.getRuns([candidate.runId]) : [null];
    if (!run) {
      out.push({ gate: 'LINEAGE', targetId: null, passed: false, detail: `the training run of ${candidate.id} is not in the registry` });
    } else {
      const found = await this.platforms.catalog.getDatasetVersions(run.inputs);
      const missing = run.inputs.filter((_, i) => !found[i]);
      out.push({
        gate: 'LINEAGE',
        targetId: null,
        passed: run.inputs.length > 0 && missing.length === 0,
        detail:
          run.inputs.length === 0
            ? 'the training run logged no input datasets'
            : missing.length
              ? `dataset versions not in the catalog: ${missing.join(', ')}`
              : `all ${run.inputs.length} training dataset version(s) resolve in the catalog`,
      });
    }
    champs ??= await this.champions(targetIds);
    const champIds = [...new Set([...champs.values()].filter((d) => d).map((d) => d!.modelVersionId))];
    const champModels = new Map((await this.platforms.training.getModelVersions(champIds)).filter((m) => m).map((m) => [m!.id, m!]));
    const m = policy.gateMetric;
    const cand = candidate.metrics[m];
    for (const t of targetIds) {
      const d = champs.get(t);
      const champ = d ? champModels.get(d.modelVersionId) : undefined;
      if (!d || !champ) {
        out.push({ gate: 'METRIC', targetId: t, passed: cand !== undefined, detail: cand === undefined ? `${candidate.id} has no ${m}` : 'no champion serves this target' });
      } else if (champ.id === candidate.id) {
        out.push({ gate: 'METRIC', targetId: t, passed: true, detail: `${candidate.id} already serves this target` });
      } else {
        const c = champ.metrics[m];
        const passed = cand !== undefined && (c === undefined || cand >= c - policy.tolerance);
        out.push({
          gate: 'METRIC',
          targetId: t,
          passed,
          detail: `${m} ${cand ?? 'missing'} vs champion ${champ.id} ${c ?? 'missing'} (tolerance ${policy.tolerance})`,
        });
      }
    }
    const alerts = await this.platforms.monitoring.alertsByTargets(targetIds);
    targetIds.forEach((t, i) => {
      const open = (alerts[i] ?? []).filter((a) => a.severity === 'CRITICAL' && a.resolvedAt === null);
      out.push({ gate: 'ALERTS', targetId: t, passed: open.length === 0, detail: open.length ? `open critical alert: ${open[0]!.message}` : 'no open critical alert' });
    });
    return out;
  }

  /* ---------- mutations ---------- */

  /**
   * What every mutation does before anything else, in this order and without writing: refuse
   * anonymous callers, check the arguments, bind the idempotency key to (caller, operation,
   * arguments) and answer a replay with the first result (or IDEMPOTENCY_CONFLICT).
   */
  /** @internal shared with the deprecation workflow. */
  async begin<R>(
    who: Identity,
    op: string,
    rawKey: string | null | undefined,
    body: Record<string, unknown>,
    check: () => void,
    failed: (e: MutationError) => R,
    fromStored: (stored: unknown) => R,
  ): Promise<{ key: IdempotencyKey | null } | { answer: R }> {
    if (who.anonymous) return { answer: failed(ANONYMOUS) };
    const bad = inputProblem(() => {
      V.idempotencyKey(rawKey);
      check();
    });
    if (bad) return { answer: failed(bad) };
    const key = bindKey(who.sub, op, rawKey, body);
    if (key) {
      try {
        const hit = await this.releases.replay(key);
        if (hit) return { answer: fromStored(hit.result) };
      } catch (e) {
        if (e instanceof IdempotencyConflict) return { answer: failed(CONFLICT) };
        throw e;
      }
    }
    return { key };
  }

  private beginOutcome(who: Identity, op: string, rawKey: string | null | undefined, body: Record<string, unknown>, check: () => void) {
    return this.begin<Outcome>(who, op, rawKey, body, check, (e) => ({ releaseId: null, errors: [e] }), (o) => o as Outcome);
  }

  /** A keyed store mutation; a conflict found inside the transaction (a race with another body) is a payload error. */
  private async keyedMutate(releaseId: string, key: IdempotencyKey | null, decide: (cur: ReleaseDoc | null) => Decision<Outcome>): Promise<Outcome> {
    try {
      const out = await this.releases.mutate<Outcome>(releaseId, key, decide);
      if (key) this.pruneNowAndThen();
      return out;
    } catch (e) {
      if (e instanceof IdempotencyConflict) return { releaseId: null, errors: [CONFLICT] };
      throw e;
    }
  }

  /** Expired keys are ignored on read; they are deleted at most hourly, in the background. */
  /** @internal */
  pruneNowAndThen() {
    if (Date.now() - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = Date.now();
    this.releases.pruneKeys().then(
      (n) => n && this.logger.info({ deleted: n }, 'expired idempotency keys pruned'),
      (e) => this.logger.warn({ err: (e as Error).message }, 'pruning idempotency keys failed; retrying in an hour'),
    );
  }

  async request(who: Identity, input: RequestInput): Promise<Outcome> {
    const body = {
      modelVersionId: input.modelVersionId,
      targetIds: input.targetIds,
      wave: input.wave,
      strategy: input.strategy,
      canaryPercent: input.canaryPercent,
      note: input.note,
    };
    const b = await this.beginOutcome(who, 'request', input.idempotencyKey, body, () => {
      V.id('modelVersionId', input.modelVersionId);
      V.idList('targetIds', input.targetIds);
      if (input.wave) {
        V.id('wave.projectId', input.wave.projectId);
        V.waveFilter(input.wave.filter);
      }
      V.text('note', input.note);
    });
    if ('answer' in b) return b.answer;
    const v = await this.validateRequest(who, input);
    if ('errors' in v) return v;
    const { model, projectId, targetIds, strategy, canaryPercent, policy } = v;
    const champs = await this.champions(targetIds);
    const gates = await this.gates(model, targetIds, policy, champs);
    const dep = await this.activeDeprecation(model.id);
    if (dep) {
      gates.push({
        gate: 'DEPRECATION',
        targetId: null,
        passed: false,
        detail: `${model.id} is deprecated (${dep.id}, ${dep.status}, effective ${dep.effectiveAt}): release its replacement ${dep.replacementId} instead`,
      });
    }
    const at = this.now();
    const id = `rel-${randomUUID()}`;
    const doc: ReleaseDoc = {
      id,
      projectId,
      modelVersionId: model.id,
      strategy,
      canaryPercent,
      note: input.note ?? null,
      status: 'PENDING_APPROVAL',
      requestedBy: who.sub,
      requestedAt: at,
      updatedAt: at,
      targets: targetIds.map((t) => ({ targetId: t, status: 'PENDING', previousModelVersionId: champs.get(t)?.modelVersionId ?? null, updatedAt: at })),
      gates,
      override: null,
      approvals: [],
      requiredApprovals: policy.requiredApprovals,
    };
    const outcome = await this.keyedMutate(id, b.key, () => ({
      next: doc,
      audit: [{ entityId: id, action: 'release.requested', actor: who.sub, at, before: null, after: summary(doc), reason: input.note ?? null }],
      result: { releaseId: id, errors: [] },
    }));
    if (outcome.releaseId === id) this.notify(policy, doc, 'release.requested', who.sub);
    return outcome;
  }

  /** Access first (a project the caller cannot see or request in is answered before any listing), then the rest. */
  private async validateRequest(who: Identity, input: RequestInput) {
    const hasIds = input.targetIds != null;
    if (hasIds === (input.wave != null)) return fail('BAD_USER_INPUT', 'give either targetIds or wave, not both and not neither', 'targetIds');
    let targetIds: string[];
    if (hasIds) {
      targetIds = [...new Set(input.targetIds!)];
      if (targetIds.length === 0 || targetIds.length > MAX_TARGETS) return fail('BAD_USER_INPUT', `give 1 to ${MAX_TARGETS} target ids, got ${targetIds.length}`, 'targetIds');
    } else {
      const { projectId } = input.wave!;
      if (!this.canSee(who, projectId)) return fail('NOT_FOUND', `project ${JSON.stringify(projectId)} not found`, 'wave.projectId');
      if (!hasRole(who, projectId, 'requester')) return fail('FORBIDDEN', `requesting a release in project ${JSON.stringify(projectId)} needs the requester role`);
      const filter = V.waveFilter(input.wave!.filter);
      const page = await this.store.listTargets(projectId, filter, { first: MAX_TARGETS, after: null });
      if (page.totalCount === 0) return fail('BAD_USER_INPUT', 'the wave matches no release target', 'wave');
      if (page.totalCount > MAX_TARGETS) return fail('BAD_USER_INPUT', `the wave matches ${page.totalCount} targets; at most ${MAX_TARGETS} per release`, 'wave');
      targetIds = page.items.map((t) => t.id);
    }
    const targets = await this.store.getTargets(targetIds);
    // A target of a project the caller cannot see is as unknown as one that does not exist.
    const unknown = targetIds.filter((_, i) => !targets[i] || !this.canSee(who, targets[i]!.projectId));
    if (unknown.length) return fail('NOT_FOUND', `unknown release target(s): ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ` and ${unknown.length - 5} more` : ''}`, 'targetIds');
    const projects = [...new Set(targets.map((t) => t!.projectId))];
    if (projects.length > 1) return fail('BAD_USER_INPUT', `a release covers one project; these targets are in ${projects.join(', ')}`, 'targetIds');
    const projectId = projects[0]!;
    if (!hasRole(who, projectId, 'requester')) return fail('FORBIDDEN', `requesting a release in project ${JSON.stringify(projectId)} needs the requester role`);
    const [model] = await this.platforms.training.getModelVersions([input.modelVersionId]);
    if (!model) return fail('NOT_FOUND', `model version ${JSON.stringify(input.modelVersionId)} is not in the registry`, 'modelVersionId');
    const modelProject = model.tags.project ?? null;
    if (modelProject !== projectId) {
      return fail('BAD_USER_INPUT', `model version ${model.id} belongs to project ${JSON.stringify(modelProject)}, not ${JSON.stringify(projectId)}`, 'modelVersionId');
    }
    const policy = await this.policy(projectId);
    const strategy = input.strategy ?? policy.defaultStrategy;
    // Refused before any approval is spent: the serving platform could not roll it out.
    const supported = this.platforms.inference.supportedStrategies;
    if (Array.isArray(supported) && !supported.includes(strategy)) {
      return fail('BAD_USER_INPUT', `the serving platform cannot do a ${strategy} rollout; it supports ${supported.join(', ')}`, 'strategy');
    }
    let canaryPercent: number | null = null;
    if (strategy === 'CANARY') {
      canaryPercent = input.canaryPercent ?? policy.defaultCanaryPercent;
      if (!Number.isInteger(canaryPercent) || canaryPercent < 1 || canaryPercent > 99) return fail('BAD_USER_INPUT', `canaryPercent must be an integer from 1 to 99, got ${canaryPercent}`, 'canaryPercent');
    } else if (input.canaryPercent != null) {
      return fail('BAD_USER_INPUT', 'canaryPercent applies only to the CANARY strategy', 'canaryPercent');
    }
    return { model, projectId, targetIds, strategy, canaryPercent, policy };
  }

  /** NOT_FOUND for a release the caller cannot see, FORBIDDEN without the role; null when allowed. */
  private denied(who: Identity, cur: ReleaseDoc | null, releaseId: string, t: Transition, role: Role): Outcome | null {
    if (!cur || !this.canSee(who, cur.projectId)) return fail('NOT_FOUND', `release ${JSON.stringify(releaseId)} not found`, 'releaseId');
    if (!hasRole(who, cur.projectId, role)) return failOn(releaseId, 'FORBIDDEN', `${t} on project ${JSON.stringify(cur.projectId)} needs the ${role} role`);
    return null;
  }

  /**
   * Runs one validated transition as a store mutation; refusals become payload errors. Access
   * is checked on a read before the write transaction opens, and again inside it.
   */
  private async transition(
    who: Identity,
    releaseId: string,
    key: IdempotencyKey | null,
    t: Transition,
    role: Role,
    apply: (cur: ReleaseDoc, at: string) => { next: ReleaseDoc; action: string; reason: string | null } | null,
  ): Promise<Outcome> {
    const [pre] = await this.releases.getReleases([releaseId]);
    const early = this.denied(who, pre ?? null, releaseId, t, role);
    if (early) return early;
    let applied: { doc: ReleaseDoc; action: string } | null = null;
    const outcome = await this.keyedMutate(releaseId, key, (cur): Decision<Outcome> => {
      const refuse = (o: Outcome): Decision<Outcome> => ({ next: null, audit: [], result: o });
      const no = this.denied(who, cur, releaseId, t, role);
      if (no) return refuse(no);
      try {
        assertTransition(cur!.status, t);
        const at = this.now();
        const change = apply(cur!, at);
        if (!change) return refuse({ releaseId, errors: [] });
        const next = { ...change.next, updatedAt: at };
        applied = { doc: next, action: change.action };
        return {
          next,
          audit: [{ entityId: releaseId, action: change.action, actor: who.sub, at, before: summary(cur!), after: summary(next), reason: change.reason }],
          result: { releaseId, errors: [] },
        };
      } catch (e) {
        if (e instanceof TransitionError) return refuse(failOn(releaseId, e.code, e.message));
        if (e instanceof Refusal) return refuse(e.outcome);
        throw e;
      }
    });
    if (applied) {
      const { doc, action } = applied as { doc: ReleaseDoc; action: string };
      this.notify(await this.policy(doc.projectId), doc, action, who.sub);
    }
    return outcome;
  }

  async approve(who: Identity, releaseId: string, comment: string | null, rawKey: string | null): Promise<Outcome> {
    const b = await this.beginOutcome(who, 'approve', rawKey, { releaseId, comment }, () => {
      V.id('releaseId', releaseId);
      V.text('comment', comment);
    });
    if ('answer' in b) return b.answer;
    return this.transition(who, releaseId, b.key, 'approve', 'approver', (cur, at) => {
      // Four-eyes compares people, not spellings: `Rita`, ` rita ` and `ｒｉｔａ` are one subject.
      if (same(cur.requestedBy, who.sub)) throw new Refusal(failOn(releaseId, 'FOUR_EYES', 'the requester of a release cannot approve it; another approver must'));
      if (!cur.gates.every((g) => g.passed) && !cur.override) {
        throw new Refusal(failOn(releaseId, 'GATES_FAILED', `gates failed (${cur.gates.filter((g) => !g.passed).map((g) => g.gate).join(', ')}); an admin may override them with a reason`));
      }
      if (cur.approvals.some((a) => same(a.approver, who.sub) && a.decision === 'APPROVE')) return null;
      const approvals = [...cur.approvals, { id: `${releaseId}/approval/${cur.approvals.length + 1}`, approver: who.sub, decision: 'APPROVE' as const, comment, at }];
      const done = approvers(approvals) >= cur.requiredApprovals;
      return { next: { ...cur, approvals, status: done ? 'APPROVED' : cur.status }, action: done ? 'release.approved' : 'approval.added', reason: comment };
    });
  }

  async reject(who: Identity, releaseId: string, comment: string, rawKey: string | null): Promise<Outcome> {
    const b = await this.beginOutcome(who, 'reject', rawKey, { releaseId, comment }, () => {
      V.id('releaseId', releaseId);
      V.text('comment', comment);
      if (!comment.trim()) throw badInput('comment', 'a rejection needs a comment');
    });
    if ('answer' in b) return b.answer;
    return this.transition(who, releaseId, b.key, 'reject', 'approver', (cur, at) => {
      if (same(cur.requestedBy, who.sub)) throw new Refusal(failOn(releaseId, 'FOUR_EYES', 'the requester cannot decide on their own release; cancel it instead'));
      const approvals = [...cur.approvals, { id: `${releaseId}/approval/${cur.approvals.length + 1}`, approver: who.sub, decision: 'REJECT' as const, comment, at }];
      return { next: { ...cur, approvals, status: 'REJECTED' }, action: 'release.rejected', reason: comment };
    });
  }

  async overrideGates(who: Identity, releaseId: string, reason: string, rawKey: string | null): Promise<Outcome> {
    const b = await this.beginOutcome(who, 'override', rawKey, { releaseId, reason }, () => {
      V.id('releaseId', releaseId);
      V.text('reason', reason);
      if (!reason.trim()) throw badInput('reason', 'an override needs a reason');
    });
    if ('answer' in b) return b.answer;
    const [cur] = await this.releases.getReleases([releaseId]);
    const policy = cur ? await this.policy(cur.projectId) : DEFAULT_POLICY;
    return this.transition(who, releaseId, b.key, 'override', 'admin', (c, at) => {
      if (!policy.allowOverride) throw new Refusal(failOn(releaseId, 'NOT_ALLOWED', `project ${c.projectId} does not allow gate overrides`));
      if (c.gates.every((g) => g.passed)) throw new Refusal(failOn(releaseId, 'NOT_NEEDED', 'every gate passed; nothing to override'));
      return { next: { ...c, override: { by: who.sub, reason, at } }, action: 'gates.overridden', reason };
    });
  }

  async cancel(who: Identity, releaseId: string, reason: string | null, rawKey: string | null): Promise<Outcome> {
    const b = await this.beginOutcome(who, 'cancel', rawKey, { releaseId, reason }, () => {
      V.id('releaseId', releaseId);
      V.text('reason', reason);
    });
    if ('answer' in b) return b.answer;
    return this.transition(who, releaseId, b.key, 'cancel', 'requester', (cur) => {
      if (!same(cur.requestedBy, who.sub) && !hasRole(who, cur.projectId, 'admin')) {
        throw new Refusal(failOn(releaseId, 'FORBIDDEN', 'only the requester or an admin can cancel a release'));
      }
      return { next: { ...cur, status: 'CANCELLED' }, action: 'release.cancelled', reason };
    });
  }

  /** APPROVED → ROLLING_OUT (audited), deploy through the serving platform, then CANARY or COMPLETED. */
  async startRollout(who: Identity, releaseId: string, rawKey: string | null): Promise<Outcome> {
    const b = await this.beginOutcome(who, 'rollout', rawKey, { releaseId }, () => V.id('releaseId', releaseId));
    if ('answer' in b) return b.answer;
    const started = await this.transition(who, releaseId, b.key, 'startRollout', 'requester', (cur) => ({
      next: { ...cur, status: 'ROLLING_OUT' },
      action: 'rollout.started',
      reason: null,
    }));
    if (started.errors.length) return started;
    const [doc] = await this.releases.getReleases([releaseId]);
    if (!doc || doc.status !== 'ROLLING_OUT') return started; // a replayed key: already past this point
    return this.deployAll(who, doc, doc.strategy === 'CANARY' ? 'CANARY' : 'HOT_SWAP');
  }

  /** CANARY → ROLLING_OUT → COMPLETED: the candidate takes all traffic on every target. */
  async promote(who: Identity, releaseId: string, rawKey: string | null): Promise<Outcome> {
    const b = await this.beginOutcome(who, 'promote', rawKey, { releaseId }, () => V.id('releaseId', releaseId));
    if ('answer' in b) return b.answer;
    const started = await this.transition(who, releaseId, b.key, 'promote', 'requester', (cur) => ({
      next: { ...cur, status: 'ROLLING_OUT' },
      action: 'promotion.started',
      reason: null,
    }));
    if (started.errors.length) return started;
    const [doc] = await this.releases.getReleases([releaseId]);
    if (!doc || doc.status !== 'ROLLING_OUT') return started;
    return this.deployAll(who, doc, 'PROMOTION');
  }

  private async deployAll(who: Identity, doc: ReleaseDoc, mode: 'CANARY' | 'HOT_SWAP' | 'PROMOTION'): Promise<Outcome> {
    const results = new Map<string, boolean>();
    const failures: string[] = [];
    for (const t of doc.targets) {
      if (t.status === 'FAILED' || t.status === 'ROLLED_BACK') continue;
      try {
        await this.platforms.inference.deploy({
          targetId: t.targetId,
          modelVersionId: doc.modelVersionId,
          strategy: mode,
          ...(mode === 'CANARY' ? { trafficPercent: doc.canaryPercent ?? 10 } : {}),
          at: this.now(),
        });
        results.set(t.targetId, true);
      } catch (e) {
        this.logger.error({ err: e, target: t.targetId, release: doc.id }, 'deploy failed');
        results.set(t.targetId, false);
        // The audit reason names the platform's failure (its message carries no host or upstream body).
        failures.push(`${t.targetId}: ${e instanceof ConnectorError ? `${e.platform} ${e.kind.toLowerCase()}: ${e.message}` : 'deploy failed'}`);
      }
    }
    await this.reflectInGraph(doc.targets.map((t) => t.targetId));
    const ok = [...results.values()].filter(Boolean).length;
    return this.transition(who, doc.id, null, 'rolloutDone', 'requester', (cur, at) => {
      const targets = cur.targets.map((t) =>
        results.has(t.targetId) ? { ...t, status: results.get(t.targetId) ? (mode === 'CANARY' ? ('CANARY' as const) : ('DEPLOYED' as const)) : ('FAILED' as const), updatedAt: at } : t,
      );
      const status = ok === 0 ? 'FAILED' : mode === 'CANARY' ? 'CANARY' : 'COMPLETED';
      return { next: { ...cur, targets, status }, action: ok === 0 ? 'rollout.failed' : mode === 'CANARY' ? 'rollout.canary' : 'rollout.completed', reason: `${ok} of ${results.size} target(s) deployed${failures.length ? `; ${failures.slice(0, 3).join('; ')}${failures.length > 3 ? ` and ${failures.length - 3} more` : ''}` : ''}` };
    });
  }

  /** Restores, on one target, what served before the latest live release there. */
  async rollback(who: Identity, targetId: string, reason: string, rawKey: string | null, overrideDeprecation = false): Promise<Outcome> {
    // `false` hashes as absent, so keys sent before the override existed keep their meaning.
    const b = await this.beginOutcome(who, 'rollback', rawKey, { targetId, reason, overrideDeprecation: overrideDeprecation || undefined }, () => {
      V.id('targetId', targetId);
      V.text('reason', reason);
      if (!reason.trim()) throw badInput('reason', 'a rollback needs a reason');
    });
    if ('answer' in b) return b.answer;
    const [target] = await this.store.getTargets([targetId]);
    if (!target || !this.canSee(who, target.projectId)) return fail('NOT_FOUND', `release target ${JSON.stringify(targetId)} not found`, 'targetId');
    if (!hasRole(who, target.projectId, 'requester')) return fail('FORBIDDEN', `rollback on project ${JSON.stringify(target.projectId)} needs the requester role`);
    const page = await this.releases.listReleases({ projectIds: [target.projectId], targetId }, { first: 50, after: null });
    const live = page.items.find((r) => r.targets.some((t) => t.targetId === targetId && (t.status === 'CANARY' || t.status === 'DEPLOYED')));
    if (!live) return fail('NOT_FOUND', `no release of this gateway is live on ${targetId}; nothing to roll back`, 'targetId');
    const state = live.targets.find((t) => t.targetId === targetId)!;
    if (!state.previousModelVersionId) return failOn(live.id, 'NOT_ALLOWED', `nothing served ${targetId} before release ${live.id}`);
    // After its effective date, a deprecated version comes back only by an admin's audited decision.
    const dep = await this.activeDeprecation(state.previousModelVersionId);
    const overridden = dep?.status === 'EFFECTIVE';
    if (overridden && !overrideDeprecation) {
      return failOn(live.id, 'DEPRECATED', `${dep.modelVersionId} is deprecated since ${dep.effectiveAt} (${dep.id}, replacement ${dep.replacementId}); rolling back to it needs an admin override with a reason`, 'overrideDeprecation');
    }
    if (overridden && !hasRole(who, target.projectId, 'admin')) return failOn(live.id, 'FORBIDDEN', 'overriding a deprecation needs the admin role');
    // A retry with the same key and arguments was answered above without deploying again.
    await this.platforms.inference.deploy({ targetId, modelVersionId: state.previousModelVersionId, strategy: 'ROLLBACK', at: this.now() });
    await this.reflectInGraph([targetId]);
    return this.transition(who, live.id, b.key, 'rollback', 'requester', (cur, at) => {
      const targets = cur.targets.map((t) => (t.targetId === targetId ? { ...t, status: 'ROLLED_BACK' as const, updatedAt: at } : t));
      const all = targets.every((t) => t.status === 'ROLLED_BACK' || t.status === 'FAILED');
      const why = overridden ? `${targetId}: ${reason} (admin override of deprecation ${dep.id})` : `${targetId}: ${reason}`;
      return { next: { ...cur, targets, status: all ? 'ROLLED_BACK' : cur.status }, action: 'target.rolled_back', reason: why };
    });
  }

  async setPolicy(who: Identity, projectId: string, policy: Policy, rawKey: string | null): Promise<{ policy: Policy | null; errors: MutationError[] }> {
    const b = await this.begin<{ policy: Policy | null; errors: MutationError[] }>(
      who,
      'policy',
      rawKey,
      { projectId, policy },
      () => V.id('projectId', projectId),
      (e) => ({ policy: null, errors: [e] }),
      (p) => ({ policy: p as Policy, errors: [] }),
    );
    if ('answer' in b) return b.answer;
    const [project] = await this.store.getProjects([projectId]);
    if (!project || !this.canSee(who, projectId)) return { policy: null, errors: [{ code: 'NOT_FOUND', message: `project ${JSON.stringify(projectId)} not found`, field: 'projectId' }] };
    if (!hasRole(who, projectId, 'admin')) return { policy: null, errors: [{ code: 'FORBIDDEN', message: `changing the release policy of ${projectId} needs the admin role`, field: null }] };
    const problems: MutationError[] = [];
    if (!Number.isInteger(policy.requiredApprovals) || policy.requiredApprovals < 1 || policy.requiredApprovals > 10) problems.push({ code: 'BAD_USER_INPUT', message: 'requiredApprovals must be 1–10', field: 'policy.requiredApprovals' });
    if (!/^[a-z0-9_.]{1,64}$/i.test(policy.gateMetric)) problems.push({ code: 'BAD_USER_INPUT', message: 'gateMetric must be a metric key', field: 'policy.gateMetric' });
    if (!(policy.tolerance >= 0 && policy.tolerance <= 1)) problems.push({ code: 'BAD_USER_INPUT', message: 'tolerance must be 0–1', field: 'policy.tolerance' });
    if (!Number.isInteger(policy.defaultCanaryPercent) || policy.defaultCanaryPercent < 1 || policy.defaultCanaryPercent > 99) problems.push({ code: 'BAD_USER_INPUT', message: 'defaultCanaryPercent must be 1–99', field: 'policy.defaultCanaryPercent' });
    // A default the serving platform cannot roll out would make every request that takes it fail.
    const supported = this.platforms.inference.supportedStrategies;
    if (Array.isArray(supported) && !supported.includes(policy.defaultStrategy)) {
      problems.push({ code: 'BAD_USER_INPUT', message: `the serving platform cannot do a ${policy.defaultStrategy} rollout; it supports ${supported.join(', ')}`, field: 'policy.defaultStrategy' });
    }
    if (policy.webhookUrl !== null) {
      const why = await webhookUrlProblem(policy.webhookUrl, { allowPrivate: this.allowPrivateWebhooks, resolve: this.resolve });
      if (why) problems.push({ code: 'BAD_USER_INPUT', message: `policy.webhookUrl: ${why}`, field: 'policy.webhookUrl' });
    }
    if (problems.length) return { policy: null, errors: problems };
    const before = await this.policy(projectId);
    const audit: AuditInput = { entityId: projectId, action: 'policy.changed', actor: who.sub, at: this.now(), before, after: policy, reason: null };
    try {
      const saved = await this.releases.setPolicy(projectId, policy, audit, b.key);
      if (b.key) this.pruneNowAndThen();
      return { policy: saved, errors: [] };
    } catch (e) {
      if (e instanceof IdempotencyConflict) return { policy: null, errors: [CONFLICT] };
      throw e;
    }
  }

  /** The ANNOUNCED or EFFECTIVE deprecation of a model version, if any. */
  async activeDeprecation(modelVersionId: string): Promise<DeprecationDoc | null> {
    const [d] = await this.releases.activeDeprecations([modelVersionId]);
    return d ?? null;
  }

  /** Writes the targets' deployments into the graph now, rather than at the next sync. */
  private async reflectInGraph(targetIds: string[]) {
    const deps = (await this.platforms.inference.deploymentsByTargets(targetIds)).flat();
    await this.store.applyBatch({
      source: 'inference',
      syncedAt: this.now(),
      deployments: deps.map((d) => ({ id: d.id, targetId: d.targetId, modelVersionId: d.modelVersionId, from: d.since, to: d.until, trafficPercent: d.trafficPercent, state: d.state })),
    });
  }

  private notify(policy: Policy, doc: ReleaseDoc, type: string, actor: string) {
    this.webhooks.send(policy.webhookUrl, { type, releaseId: doc.id, projectId: doc.projectId, status: doc.status, actor, at: doc.updatedAt });
  }
}

/** Distinct people who approved (normalized): one person never counts twice. */
function approvers(list: ReleaseDoc['approvals']): number {
  return new Set(list.filter((a) => a.decision === 'APPROVE').map((a) => normalizeSubject(a.approver))).size;
}

/** What the audit trail records of a release: its state, not its full gate details. */
function summary(r: ReleaseDoc) {
  return {
    status: r.status,
    approvals: r.approvals.map((a) => `${a.decision}:${a.approver}`),
    targets: r.targets.map((t) => `${t.targetId}:${t.status}`),
    override: r.override ? `${r.override.by}: ${r.override.reason}` : null,
  };
}
