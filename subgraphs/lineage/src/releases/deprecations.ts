/**
 * The deprecation workflow: announce the retirement of a model version with a replacement
 * (freezing its impact and telling every affected project through its signed webhook), gate
 * releases of it, move its targets to the replacement in waves, and make it EFFECTIVE once
 * nothing is left on it. Like releases: the caller, the arguments, the idempotency key and the
 * role are checked before anything is written; every change is one keyed, audited store step.
 */
import { randomUUID } from 'node:crypto';
import { badInput, hasRole, type Identity } from '@mlops/kit';
import type { ImpactTarget } from '../store/types.ts';
import * as V from '../validate.ts';
import { IdempotencyConflict, type IdempotencyKey } from './idempotency.ts';
import type { MutationError, Outcome, ReleaseService } from './service.ts';
import { ACTIVE_DEPRECATION, type DeprecationDecision, type DeprecationDoc, type DeprecationProjectModel, type Strategy } from './types.ts';

export interface DeprecationOutcome {
  deprecationId: string | null;
  errors: MutationError[];
}

export interface DeprecateInput {
  modelVersionId: string;
  replacementId: string;
  effectiveAt: string;
  reason: string;
  force?: boolean | null;
  idempotencyKey?: string | null;
}

/** The actor the audit trail names when the effective date, not a person, made the change. */
export const DEPRECATION_CLOCK_ACTOR = 'system:deprecation-clock';

/** Impact lists are capped here; a snapshot of more is marked by the store as truncated. */
const IMPACT_LIMIT = 5000;
const fail = (code: string, message: string, field: string | null = null): DeprecationOutcome => ({ deprecationId: null, errors: [{ code, message, field }] });
const failOn = (id: string, code: string, message: string, field: string | null = null): DeprecationOutcome => ({ deprecationId: id, errors: [{ code, message, field }] });
const CONFLICT = fail('IDEMPOTENCY_CONFLICT', new IdempotencyConflict().message, 'idempotencyKey');

/** What the audit trail records of a deprecation: its decision, not the whole snapshot. */
function summary(d: DeprecationDoc) {
  return {
    status: d.status,
    modelVersionId: d.modelVersionId,
    replacementId: d.replacementId,
    effectiveAt: d.effectiveAt,
    forced: d.forced,
    projects: d.snapshot.projects.map((p) => `${p.projectId}:${p.targetIds.length}`),
  };
}

export class DeprecationService {
  constructor(private readonly rs: ReleaseService) {}

  private begin(who: Identity, op: string, rawKey: string | null | undefined, body: Record<string, unknown>, check: () => void) {
    return this.rs.begin<DeprecationOutcome>(who, op, rawKey, body, check, (e) => ({ deprecationId: null, errors: [e] }), (o) => o as DeprecationOutcome);
  }

  private async keyedMutate(
    id: string,
    modelVersionId: string,
    key: IdempotencyKey | null,
    decide: (cur: DeprecationDoc | null, siblings: DeprecationDoc[]) => DeprecationDecision<DeprecationOutcome>,
  ): Promise<DeprecationOutcome> {
    try {
      const out = await this.rs.releases.mutateDeprecation(id, modelVersionId, key, decide);
      if (key) this.rs.pruneNowAndThen();
      return out;
    } catch (e) {
      if (e instanceof IdempotencyConflict) return CONFLICT;
      throw e;
    }
  }

  /** ANNOUNCED or EFFECTIVE deprecations of model versions, by version id. */
  async activeFor(modelVersionIds: readonly string[]): Promise<Map<string, DeprecationDoc>> {
    const ids = [...new Set(modelVersionIds)];
    const found = await this.rs.releases.activeDeprecations(ids);
    return new Map(ids.flatMap((id, i) => (found[i] ? [[id, found[i]!] as const] : [])));
  }

  async deprecate(who: Identity, input: DeprecateInput): Promise<DeprecationOutcome> {
    const force = input.force ?? false;
    const body = { modelVersionId: input.modelVersionId, replacementId: input.replacementId, effectiveAt: input.effectiveAt, reason: input.reason, force };
    const b = await this.begin(who, 'deprecate', input.idempotencyKey, body, () => {
      V.id('modelVersionId', input.modelVersionId);
      V.id('replacementId', input.replacementId);
      V.text('reason', input.reason);
      if (!input.reason.trim()) throw badInput('reason', 'a deprecation needs a reason');
      if (Number.isNaN(Date.parse(input.effectiveAt))) throw badInput('effectiveAt', 'effectiveAt must be an ISO-8601 date-time');
    });
    if ('answer' in b) return b.answer;
    const [model, repl] = await this.rs.platforms.training.getModelVersions([input.modelVersionId, input.replacementId]);
    if (!model) return fail('NOT_FOUND', `model version ${JSON.stringify(input.modelVersionId)} is not in the registry`, 'modelVersionId');
    const projectId = model.projectId ?? model.tags.project ?? null;
    // The registry is readable by everyone; deciding on a version is its project's approvers' call.
    if (!projectId || !hasRole(who, projectId, 'approver')) {
      return fail('FORBIDDEN', `deprecating ${model.id} needs the approver or admin role on project ${JSON.stringify(projectId)}`);
    }
    if (input.replacementId === model.id) return fail('BAD_USER_INPUT', 'the replacement must be another model version than the one deprecated', 'replacementId');
    if (!repl) return fail('NOT_FOUND', `replacement ${JSON.stringify(input.replacementId)} is not in the registry`, 'replacementId');
    const at = this.rs.now();
    if (Date.parse(input.effectiveAt) <= Date.parse(at)) return fail('BAD_USER_INPUT', `effectiveAt ${input.effectiveAt} is not in the future`, 'effectiveAt');
    const impact = await this.rs.store.deprecationImpact(model.id, IMPACT_LIMIT);
    if (!impact) return fail('NOT_FOUND', `model version ${model.id} is not in the lineage graph yet`, 'modelVersionId');
    const sameLineage = repl.name === model.name || impact.derivedModels.some((d) => d.modelVersionId === repl.id);
    if (!sameLineage && !force) {
      return fail('OTHER_LINEAGE', `replacement ${repl.id} is of another model lineage (${repl.name}, not derived from ${model.id}); pass force to accept it`, 'replacementId');
    }
    const replDep = (await this.activeFor([repl.id])).get(repl.id);
    if (replDep) return fail('BAD_USER_INPUT', `replacement ${repl.id} is itself deprecated (${replDep.id})`, 'replacementId');

    const projectIds = [...new Set([...impact.projectIds, ...impact.targets.map((t) => t.projectId), ...impact.derivedTargets.map((t) => t.projectId)])].sort();
    const projects = await this.rs.store.getProjects(projectIds);
    const snapshotProjects: DeprecationProjectModel[] = projectIds.map((p, i) => ({
      projectId: p,
      owners: projects[i]?.owners ?? [],
      targetIds: [...new Set([...impact.targets, ...impact.derivedTargets].filter((t) => t.projectId === p).map((t) => t.targetId))].sort(),
    }));
    const id = `dep-${randomUUID()}`;
    const doc: DeprecationDoc = {
      id,
      modelVersionId: model.id,
      replacementId: repl.id,
      projectId,
      reason: input.reason,
      effectiveAt: new Date(input.effectiveAt).toISOString(),
      requestedBy: who.sub,
      requestedAt: at,
      updatedAt: at,
      status: 'ANNOUNCED',
      forced: !sameLineage,
      snapshot: {
        targets: impact.targets,
        derivedModels: impact.derivedModels,
        derivedTargets: impact.derivedTargets,
        pendingReleases: impact.pendingReleases,
        projects: snapshotProjects,
      },
    };
    const out = await this.keyedMutate(id, model.id, b.key, (_cur, siblings) => {
      const active = siblings.find((d) => ACTIVE_DEPRECATION.includes(d.status));
      if (active) return { next: null, audit: [], result: fail('ALREADY_DEPRECATED', `${model.id} is already deprecated (${active.id}, ${active.status})`, 'modelVersionId') };
      return {
        next: doc,
        audit: [{ entityId: id, action: 'deprecation.announced', actor: who.sub, at, before: null, after: summary(doc), reason: input.reason }],
        result: { deprecationId: id, errors: [] },
      };
    });
    if (out.deprecationId === id && out.errors.length === 0) {
      await this.notifyProjects(doc, who.sub);
      await this.tagInRegistry(doc, false);
    }
    return out;
  }

  /** One signed notice per affected project, to the project's policy webhook, naming its targets. */
  private async notifyProjects(doc: DeprecationDoc, actor: string) {
    for (const p of doc.snapshot.projects) {
      const policy = await this.rs.policy(p.projectId);
      this.rs.webhooks.send(policy.webhookUrl, {
        type: 'deprecation.announced',
        deprecationId: doc.id,
        projectId: p.projectId,
        modelVersionId: doc.modelVersionId,
        replacementId: doc.replacementId,
        effectiveAt: doc.effectiveAt,
        reason: doc.reason,
        targetIds: p.targetIds,
        owners: p.owners,
        actor,
        at: doc.requestedAt,
      });
    }
  }

  /**
   * Mirrors the decision into the training registry where its connector can write (a
   * `deprecated` tag; aliases removed once EFFECTIVE). After the commit and best effort: the
   * gateway's own record is the source of truth, and a registry outage must not undo it.
   */
  private async tagInRegistry(doc: DeprecationDoc, removeAliases: boolean) {
    const training = this.rs.platforms.training;
    if (!training.markDeprecated) return;
    try {
      await training.markDeprecated(doc.modelVersionId, { replacementId: doc.replacementId, removeAliases, at: this.rs.now() });
    } catch (e) {
      this.rs.logger.warn({ err: (e as Error).message, deprecation: doc.id }, 'tagging the deprecated version in the registry failed');
    }
  }

  /**
   * What is left on the deprecated version now, from the graph: targets serving it (or its
   * canary), and targets that could roll back to it and have not moved to the replacement
   * (those that did are what the EFFECTIVE rollback guard covers).
   */
  async stillLeft(doc: DeprecationDoc): Promise<ImpactTarget[]> {
    const [impact, repl] = await this.rs.store.deprecationImpactMany([doc.modelVersionId, doc.replacementId], IMPACT_LIMIT);
    if (!impact) return [];
    const onReplacement = new Set((repl?.targets ?? []).filter((t) => t.role !== 'ROLLBACK').map((t) => t.targetId));
    return impact.targets.filter((t) => t.role !== 'ROLLBACK' || !onReplacement.has(t.targetId));
  }

  /** Approver or admin of the deprecated version's project; NOT_FOUND when the caller cannot see it. */
  private denied(who: Identity, d: DeprecationDoc | null, id: string): DeprecationOutcome | null {
    if (!d || !this.rs.canSee(who, d.projectId)) return fail('NOT_FOUND', `deprecation ${JSON.stringify(id)} not found`, 'deprecationId');
    if (!hasRole(who, d.projectId, 'approver')) return failOn(id, 'FORBIDDEN', `changing a deprecation in project ${JSON.stringify(d.projectId)} needs the approver or admin role`);
    return null;
  }

  private async change(
    who: Identity,
    id: string,
    key: IdempotencyKey | null,
    apply: (cur: DeprecationDoc, at: string) => { next: DeprecationDoc; action: string; reason: string | null } | DeprecationOutcome,
  ): Promise<DeprecationOutcome> {
    const [pre] = await this.rs.releases.getDeprecations([id]);
    const early = this.denied(who, pre ?? null, id);
    if (early) return early;
    return this.keyedMutate(id, pre!.modelVersionId, key, (cur) => {
      const refuse = (o: DeprecationOutcome) => ({ next: null, audit: [], result: o });
      const no = this.denied(who, cur, id);
      if (no) return refuse(no);
      const at = this.rs.now();
      const c = apply(cur!, at);
      if ('errors' in c) return refuse(c);
      const next = { ...c.next, updatedAt: at };
      return {
        next,
        audit: [{ entityId: id, action: c.action, actor: who.sub, at, before: summary(cur!), after: summary(next), reason: c.reason }],
        result: { deprecationId: id, errors: [] },
      };
    });
  }

  async withdraw(who: Identity, id: string, reason: string, rawKey: string | null): Promise<DeprecationOutcome> {
    const b = await this.begin(who, 'withdrawDeprecation', rawKey, { id, reason }, () => {
      V.id('deprecationId', id);
      V.text('reason', reason);
      if (!reason.trim()) throw badInput('reason', 'a withdrawal needs a reason');
    });
    if ('answer' in b) return b.answer;
    return this.change(who, id, b.key, (cur) =>
      cur.status !== 'ANNOUNCED'
        ? failOn(id, 'INVALID_STATE', `cannot withdraw a deprecation that is ${cur.status}; allowed from ANNOUNCED`)
        : { next: { ...cur, status: 'WITHDRAWN' }, action: 'deprecation.withdrawn', reason },
    );
  }

  /** ANNOUNCED → EFFECTIVE: the date has passed and nothing is left on the version. */
  async makeEffective(who: Identity, id: string, rawKey: string | null): Promise<DeprecationOutcome> {
    const b = await this.begin(who, 'makeDeprecationEffective', rawKey, { id }, () => V.id('deprecationId', id));
    if ('answer' in b) return b.answer;
    const [pre] = await this.rs.releases.getDeprecations([id]);
    const left = pre ? await this.stillLeft(pre) : [];
    const out = await this.change(who, id, b.key, (cur, at) => {
      if (cur.status !== 'ANNOUNCED') return failOn(id, 'INVALID_STATE', `cannot make a deprecation that is ${cur.status} effective; allowed from ANNOUNCED`);
      if (Date.parse(cur.effectiveAt) > Date.parse(at)) return failOn(id, 'NOT_YET', `the deprecation takes effect at ${cur.effectiveAt}`);
      if (left.length) return failOn(id, 'STILL_IN_USE', `${left.length} target(s) still on ${cur.modelVersionId}: ${left.slice(0, 5).map((t) => t.targetId).join(', ')}`);
      return { next: { ...cur, status: 'EFFECTIVE' }, action: 'deprecation.effective', reason: null };
    });
    if (pre && out.errors.length === 0) await this.tagInRegistry(pre, true);
    return out;
  }

  /**
   * ANNOUNCED → EFFECTIVE for every deprecation whose date has passed, as the system: the date
   * was announced to the owners, so it takes effect then even with targets still left on the
   * version (the audit names how many; rollbacks to it then need the admin override). Unlike
   * `makeEffective` there is no caller to refuse. The status is re-checked under the version's
   * lock, so two processes running this at once make one transition and one audit event; only
   * the one that made it removes the registry's aliases. Returns the ids this call made effective.
   */
  async effectDue(): Promise<string[]> {
    const due = await this.rs.releases.listDeprecations({ projectIds: null, status: 'ANNOUNCED', effectiveBy: this.rs.now() });
    const made: string[] = [];
    for (const d of due) {
      const left = await this.stillLeft(d);
      const out = await this.keyedMutate(d.id, d.modelVersionId, null, (cur) => {
        const at = this.rs.now();
        if (!cur || cur.status !== 'ANNOUNCED' || Date.parse(cur.effectiveAt) > Date.parse(at)) return { next: null, audit: [], result: { deprecationId: null, errors: [] } };
        const next: DeprecationDoc = { ...cur, status: 'EFFECTIVE', updatedAt: at };
        const reason = `effective date ${cur.effectiveAt} reached; ${left.length} target(s) still on ${cur.modelVersionId}${left.length ? `: ${left.slice(0, 5).map((t) => t.targetId).join(', ')}` : ''}`;
        return {
          next,
          audit: [{ entityId: d.id, action: 'deprecation.effective', actor: DEPRECATION_CLOCK_ACTOR, at, before: summary(cur), after: summary(next), reason }],
          result: { deprecationId: d.id, errors: [] },
        };
      });
      if (out.deprecationId !== d.id) continue;
      made.push(d.id);
      await this.tagInRegistry(d, true);
    }
    return made;
  }

  /** One release of the replacement to every target of `projectId` still left on the deprecated version. */
  async requestWave(who: Identity, id: string, projectId: string, strategy: Strategy | null, rawKey: string | null): Promise<Outcome> {
    const bad = (code: string, message: string, field: string | null = null): Outcome => ({ releaseId: null, errors: [{ code, message, field }] });
    if (who.anonymous) return bad('UNAUTHENTICATED', 'changing releases needs a signed-in caller; anonymous access is read-only');
    try {
      V.id('deprecationId', id);
      V.id('projectId', projectId);
    } catch (e) {
      return bad('BAD_USER_INPUT', (e as Error).message);
    }
    const [d] = await this.rs.releases.getDeprecations([id]);
    if (!d || !this.rs.canSee(who, projectId)) return bad('NOT_FOUND', `deprecation ${JSON.stringify(id)} not found in project ${JSON.stringify(projectId)}`, 'deprecationId');
    if (d.status === 'WITHDRAWN') return bad('INVALID_STATE', `deprecation ${id} was withdrawn`);
    const targetIds = [...new Set((await this.stillLeft(d)).filter((t) => t.projectId === projectId).map((t) => t.targetId))].sort();
    if (targetIds.length === 0) return bad('NOT_FOUND', `nothing in ${projectId} is left on ${d.modelVersionId}`, 'projectId');
    // The request runs the usual gates, approvals and idempotency (keyed on these arguments).
    return this.rs.request(who, {
      modelVersionId: d.replacementId,
      targetIds,
      strategy,
      note: `replacement wave for deprecation ${id} of ${d.modelVersionId}`,
      idempotencyKey: rawKey,
    });
  }
}
