/**
 * The release workflow: request (with gates), approve with four-eyes, reject, override,
 * roll out through the serving platform (canary or hot swap), promote, roll back, cancel.
 * Expected failures come back as payload errors; every applied change is one store mutation
 * that writes the release and its audit event together, keyed for idempotent retries.
 */
import { randomUUID } from 'node:crypto';
import type { CatalogConnector } from '@mlops/connectors/catalog';
import type { DeploymentModel, InferenceConnector } from '@mlops/connectors/inference';
import type { MonitoringConnector } from '@mlops/connectors/monitoring';
import type { ModelVersionModel, TrainingConnector } from '@mlops/connectors/training';
import { hasRole, roleOn, visibleProjects, type Identity, type Logger, type Role } from '@mlops/kit';
import type { LineageStore, ReleaseTargetFilterInput } from '../store/types.ts';
import { assertTransition, TransitionError, type Transition } from './state-machine.ts';
import { DEFAULT_POLICY, type AuditInput, type Decision, type GateResult, type Policy, type ReleaseDoc, type ReleaseStore, type Strategy } from './types.ts';
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

export const MAX_TARGETS = 500;
const fail = (code: string, message: string, field: string | null = null): Outcome => ({ releaseId: null, errors: [{ code, message, field }] });
const failOn = (releaseId: string, code: string, message: string, field: string | null = null): Outcome => ({ releaseId, errors: [{ code, message, field }] });

class Refusal extends Error {
  constructor(readonly outcome: Outcome) {
    super(outcome.errors[0]?.message);
  }
}

export class ReleaseService {
  constructor(
    readonly store: LineageStore,
    readonly releases: ReleaseStore,
    readonly platforms: Platforms,
    private readonly webhooks: WebhookSender,
    private readonly logger: Logger,
    private readonly now: () => string = () => new Date().toISOString(),
  ) {}

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

  async request(who: Identity, input: RequestInput): Promise<Outcome> {
    const v = await this.validateRequest(who, input);
    if ('errors' in v) return v;
    const { model, projectId, targetIds, strategy, canaryPercent, policy } = v;
    const champs = await this.champions(targetIds);
    const gates = await this.gates(model, targetIds, policy, champs);
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
    const outcome = await this.releases.mutate<Outcome>(id, input.idempotencyKey ?? null, () => ({
      next: doc,
      audit: [{ entityId: id, action: 'release.requested', actor: who.sub, at, before: null, after: summary(doc), reason: input.note ?? null }],
      result: { releaseId: id, errors: [] },
    }));
    if (outcome.releaseId === id) this.notify(policy, doc, 'release.requested', who.sub);
    return outcome;
  }

  private async validateRequest(who: Identity, input: RequestInput) {
    const [model] = await this.platforms.training.getModelVersions([input.modelVersionId]);
    if (!model) return fail('NOT_FOUND', `model version ${JSON.stringify(input.modelVersionId)} is not in the registry`, 'modelVersionId');
    const hasIds = input.targetIds != null;
    if (hasIds === (input.wave != null)) return fail('BAD_USER_INPUT', 'give either targetIds or wave, not both and not neither', 'targetIds');
    let targetIds: string[];
    if (hasIds) {
      targetIds = [...new Set(input.targetIds!)];
      if (targetIds.length === 0 || targetIds.length > MAX_TARGETS) return fail('BAD_USER_INPUT', `give 1 to ${MAX_TARGETS} target ids, got ${targetIds.length}`, 'targetIds');
    } else {
      const page = await this.store.listTargets(input.wave!.projectId, input.wave!.filter ?? {}, { first: MAX_TARGETS, after: null });
      if (page.totalCount === 0) return fail('BAD_USER_INPUT', 'the wave matches no release target', 'wave');
      if (page.totalCount > MAX_TARGETS) return fail('BAD_USER_INPUT', `the wave matches ${page.totalCount} targets; at most ${MAX_TARGETS} per release`, 'wave');
      targetIds = page.items.map((t) => t.id);
    }
    const targets = await this.store.getTargets(targetIds);
    const unknown = targetIds.filter((_, i) => !targets[i]);
    if (unknown.length) return fail('NOT_FOUND', `unknown release target(s): ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ` and ${unknown.length - 5} more` : ''}`, 'targetIds');
    const projects = [...new Set(targets.map((t) => t!.projectId))];
    if (projects.length > 1) return fail('BAD_USER_INPUT', `a release covers one project; these targets are in ${projects.join(', ')}`, 'targetIds');
    const projectId = projects[0]!;
    if (!hasRole(who, projectId, 'requester')) return fail('FORBIDDEN', `requesting a release in project ${JSON.stringify(projectId)} needs the requester role`);
    const modelProject = model.tags.project ?? null;
    if (modelProject !== projectId) {
      return fail('BAD_USER_INPUT', `model version ${model.id} belongs to project ${JSON.stringify(modelProject)}, not ${JSON.stringify(projectId)}`, 'modelVersionId');
    }
    const policy = await this.policy(projectId);
    const strategy = input.strategy ?? policy.defaultStrategy;
    let canaryPercent: number | null = null;
    if (strategy === 'CANARY') {
      canaryPercent = input.canaryPercent ?? policy.defaultCanaryPercent;
      if (!Number.isInteger(canaryPercent) || canaryPercent < 1 || canaryPercent > 99) return fail('BAD_USER_INPUT', `canaryPercent must be an integer from 1 to 99, got ${canaryPercent}`, 'canaryPercent');
    } else if (input.canaryPercent != null) {
      return fail('BAD_USER_INPUT', 'canaryPercent applies only to the CANARY strategy', 'canaryPercent');
    }
    if (input.note && input.note.length > 2000) return fail('BAD_USER_INPUT', 'note: at most 2,000 characters', 'note');
    return { model, projectId, targetIds, strategy, canaryPercent, policy };
  }

  /** Runs one validated transition as a store mutation; refusals become payload errors. */
  private async transition(
    who: Identity,
    releaseId: string,
    key: string | null,
    t: Transition,
    role: Role,
    apply: (cur: ReleaseDoc, at: string) => { next: ReleaseDoc; action: string; reason: string | null } | null,
  ): Promise<Outcome> {
    let applied: { doc: ReleaseDoc; action: string } | null = null;
    const outcome = await this.releases.mutate<Outcome>(releaseId, key, (cur): Decision<Outcome> => {
      const refuse = (o: Outcome): Decision<Outcome> => ({ next: null, audit: [], result: o });
      if (!cur || !this.canSee(who, cur.projectId)) return refuse(fail('NOT_FOUND', `release ${JSON.stringify(releaseId)} not found`, 'releaseId'));
      if (!hasRole(who, cur.projectId, role)) return refuse(failOn(releaseId, 'FORBIDDEN', `${t} on project ${JSON.stringify(cur.projectId)} needs the ${role} role`));
      try {
        assertTransition(cur.status, t);
        const at = this.now();
        const change = apply(cur, at);
        if (!change) return refuse({ releaseId, errors: [] });
        const next = { ...change.next, updatedAt: at };
        applied = { doc: next, action: change.action };
        return {
          next,
          audit: [{ entityId: releaseId, action: change.action, actor: who.sub, at, before: summary(cur), after: summary(next), reason: change.reason }],
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

  approve(who: Identity, releaseId: string, comment: string | null, key: string | null): Promise<Outcome> {
    return this.transition(who, releaseId, key, 'approve', 'approver', (cur, at) => {
      if (cur.requestedBy === who.sub) throw new Refusal(failOn(releaseId, 'FOUR_EYES', 'the requester of a release cannot approve it; another approver must'));
      if (!cur.gates.every((g) => g.passed) && !cur.override) {
        throw new Refusal(failOn(releaseId, 'GATES_FAILED', `gates failed (${cur.gates.filter((g) => !g.passed).map((g) => g.gate).join(', ')}); an admin may override them with a reason`));
      }
      if (cur.approvals.some((a) => a.approver === who.sub && a.decision === 'APPROVE')) return null;
      const approvals = [...cur.approvals, { id: `${releaseId}/approval/${cur.approvals.length + 1}`, approver: who.sub, decision: 'APPROVE' as const, comment, at }];
      const done = approvals.filter((a) => a.decision === 'APPROVE').length >= cur.requiredApprovals;
      return { next: { ...cur, approvals, status: done ? 'APPROVED' : cur.status }, action: done ? 'release.approved' : 'approval.added', reason: comment };
    });
  }

  reject(who: Identity, releaseId: string, comment: string, key: string | null): Promise<Outcome> {
    if (!comment.trim()) return Promise.resolve(failOn(releaseId, 'BAD_USER_INPUT', 'a rejection needs a comment', 'comment'));
    return this.transition(who, releaseId, key, 'reject', 'approver', (cur, at) => {
      if (cur.requestedBy === who.sub) throw new Refusal(failOn(releaseId, 'FOUR_EYES', 'the requester cannot decide on their own release; cancel it instead'));
      const approvals = [...cur.approvals, { id: `${releaseId}/approval/${cur.approvals.length + 1}`, approver: who.sub, decision: 'REJECT' as const, comment, at }];
      return { next: { ...cur, approvals, status: 'REJECTED' }, action: 'release.rejected', reason: comment };
    });
  }

  async overrideGates(who: Identity, releaseId: string, reason: string, key: string | null): Promise<Outcome> {
    if (!reason.trim()) return failOn(releaseId, 'BAD_USER_INPUT', 'an override needs a reason', 'reason');
    const [cur] = await this.releases.getReleases([releaseId]);
    const policy = cur ? await this.policy(cur.projectId) : DEFAULT_POLICY;
    return this.transition(who, releaseId, key, 'override', 'admin', (c, at) => {
      if (!policy.allowOverride) throw new Refusal(failOn(releaseId, 'NOT_ALLOWED', `project ${c.projectId} does not allow gate overrides`));
      if (c.gates.every((g) => g.passed)) throw new Refusal(failOn(releaseId, 'NOT_NEEDED', 'every gate passed; nothing to override'));
      return { next: { ...c, override: { by: who.sub, reason, at } }, action: 'gates.overridden', reason };
    });
  }

  cancel(who: Identity, releaseId: string, reason: string | null, key: string | null): Promise<Outcome> {
    return this.transition(who, releaseId, key, 'cancel', 'requester', (cur) => {
      if (cur.requestedBy !== who.sub && !hasRole(who, cur.projectId, 'admin')) {
        throw new Refusal(failOn(releaseId, 'FORBIDDEN', 'only the requester or an admin can cancel a release'));
      }
      return { next: { ...cur, status: 'CANCELLED' }, action: 'release.cancelled', reason };
    });
  }

  /** APPROVED → ROLLING_OUT (audited), deploy through the serving platform, then CANARY or COMPLETED. */
  async startRollout(who: Identity, releaseId: string, key: string | null): Promise<Outcome> {
    const started = await this.transition(who, releaseId, key, 'startRollout', 'requester', (cur) => ({
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
  async promote(who: Identity, releaseId: string, key: string | null): Promise<Outcome> {
    const started = await this.transition(who, releaseId, key, 'promote', 'requester', (cur) => ({
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
      }
    }
    await this.reflectInGraph(doc.targets.map((t) => t.targetId));
    const ok = [...results.values()].filter(Boolean).length;
    return this.transition(who, doc.id, null, 'rolloutDone', 'requester', (cur, at) => {
      const targets = cur.targets.map((t) =>
        results.has(t.targetId) ? { ...t, status: results.get(t.targetId) ? (mode === 'CANARY' ? ('CANARY' as const) : ('DEPLOYED' as const)) : ('FAILED' as const), updatedAt: at } : t,
      );
      const status = ok === 0 ? 'FAILED' : mode === 'CANARY' ? 'CANARY' : 'COMPLETED';
      return { next: { ...cur, targets, status }, action: ok === 0 ? 'rollout.failed' : mode === 'CANARY' ? 'rollout.canary' : 'rollout.completed', reason: `${ok} of ${results.size} target(s) deployed` };
    });
  }

  /** Restores, on one target, what served before the latest live release there. */
  async rollback(who: Identity, targetId: string, reason: string, key: string | null): Promise<Outcome> {
    if (!reason.trim()) return fail('BAD_USER_INPUT', 'a rollback needs a reason', 'reason');
    const [target] = await this.store.getTargets([targetId]);
    if (!target || !this.canSee(who, target.projectId)) return fail('NOT_FOUND', `release target ${JSON.stringify(targetId)} not found`, 'targetId');
    if (!hasRole(who, target.projectId, 'requester')) return fail('FORBIDDEN', `rollback on project ${JSON.stringify(target.projectId)} needs the requester role`);
    const page = await this.releases.listReleases({ projectIds: [target.projectId], targetId }, { first: 50, after: null });
    const live = page.items.find((r) => r.targets.some((t) => t.targetId === targetId && (t.status === 'CANARY' || t.status === 'DEPLOYED')));
    if (!live) return fail('NOT_FOUND', `no release of this gateway is live on ${targetId}; nothing to roll back`, 'targetId');
    const state = live.targets.find((t) => t.targetId === targetId)!;
    if (!state.previousModelVersionId) return failOn(live.id, 'NOT_ALLOWED', `nothing served ${targetId} before release ${live.id}`);
    // A retry with the same key deploys nothing new (deploying what already serves is a no-op)
    // and gets the stored outcome from the keyed transition below.
    await this.platforms.inference.deploy({ targetId, modelVersionId: state.previousModelVersionId, strategy: 'ROLLBACK', at: this.now() });
    await this.reflectInGraph([targetId]);
    return this.transition(who, live.id, key, 'rollback', 'requester', (cur, at) => {
      const targets = cur.targets.map((t) => (t.targetId === targetId ? { ...t, status: 'ROLLED_BACK' as const, updatedAt: at } : t));
      const all = targets.every((t) => t.status === 'ROLLED_BACK' || t.status === 'FAILED');
      return { next: { ...cur, targets, status: all ? 'ROLLED_BACK' : cur.status }, action: 'target.rolled_back', reason: `${targetId}: ${reason}` };
    });
  }

  async setPolicy(who: Identity, projectId: string, policy: Policy, key: string | null): Promise<{ policy: Policy | null; errors: MutationError[] }> {
    const [project] = await this.store.getProjects([projectId]);
    if (!project || !this.canSee(who, projectId)) return { policy: null, errors: [{ code: 'NOT_FOUND', message: `project ${JSON.stringify(projectId)} not found`, field: 'projectId' }] };
    if (!hasRole(who, projectId, 'admin')) return { policy: null, errors: [{ code: 'FORBIDDEN', message: `changing the release policy of ${projectId} needs the admin role`, field: null }] };
    const problems: MutationError[] = [];
    if (!Number.isInteger(policy.requiredApprovals) || policy.requiredApprovals < 1 || policy.requiredApprovals > 10) problems.push({ code: 'BAD_USER_INPUT', message: 'requiredApprovals must be 1–10', field: 'policy.requiredApprovals' });
    if (!/^[a-z0-9_.]{1,64}$/i.test(policy.gateMetric)) problems.push({ code: 'BAD_USER_INPUT', message: 'gateMetric must be a metric key', field: 'policy.gateMetric' });
    if (!(policy.tolerance >= 0 && policy.tolerance <= 1)) problems.push({ code: 'BAD_USER_INPUT', message: 'tolerance must be 0–1', field: 'policy.tolerance' });
    if (!Number.isInteger(policy.defaultCanaryPercent) || policy.defaultCanaryPercent < 1 || policy.defaultCanaryPercent > 99) problems.push({ code: 'BAD_USER_INPUT', message: 'defaultCanaryPercent must be 1–99', field: 'policy.defaultCanaryPercent' });
    if (policy.webhookUrl !== null && !/^https?:\/\/[^\s]+$/.test(policy.webhookUrl)) problems.push({ code: 'BAD_USER_INPUT', message: 'webhookUrl must be an http(s) URL', field: 'policy.webhookUrl' });
    if (problems.length) return { policy: null, errors: problems };
    const before = await this.policy(projectId);
    const audit: AuditInput = { entityId: projectId, action: 'policy.changed', actor: who.sub, at: this.now(), before, after: policy, reason: null };
    return { policy: await this.releases.setPolicy(projectId, policy, audit, key), errors: [] };
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

/** What the audit trail records of a release: its state, not its full gate details. */
function summary(r: ReleaseDoc) {
  return {
    status: r.status,
    approvals: r.approvals.map((a) => `${a.decision}:${a.approver}`),
    targets: r.targets.map((t) => `${t.targetId}:${t.status}`),
    override: r.override ? `${r.override.by}: ${r.override.reason}` : null,
  };
}
