/**
 * Releases in memory (the fallback when no Neo4j is configured). `decide` runs with no await
 * between reading and writing, so each mutation is atomic in Node's single thread.
 */
import { randomUUID } from 'node:crypto';
import { pageOf, type PageRequest } from '@mlops/kit';
import type { PendingRelease } from '../store/types.ts';
import { chain } from './audit.ts';
import { DEFAULT_KEY_TTL_MS, replayOf, type IdempotencyKey, type StoredKey } from './idempotency.ts';
import { PENDING } from './state-machine.ts';
import { ACTIVE_DEPRECATION, deprecationProjects, type AuditEventRecord, type AuditInput, type Decision, type DeprecationDecision, type DeprecationDoc, type DeprecationFilter, type Policy, type ReleaseDoc, type ReleaseFilter, type ReleaseStore, type ReleaseStoreOptions } from './types.ts';

const clone = <T>(v: T): T => structuredClone(v);

export class MemoryReleaseStore implements ReleaseStore {
  /** Exposed for tamper tests: the stored events per entity. */
  readonly events = new Map<string, AuditEventRecord[]>();
  private readonly releases = new Map<string, ReleaseDoc>();
  private readonly heads = new Map<string, { count: number; hash: string }>();
  /** Exposed for tests: the live and expired idempotency keys by id. */
  readonly keys = new Map<string, StoredKey>();
  private readonly policies = new Map<string, Policy>();
  private readonly deprecations = new Map<string, DeprecationDoc>();
  private readonly ttl: number;
  private readonly nowMs: () => number;

  constructor(opts: ReleaseStoreOptions = {}) {
    this.ttl = opts.keyTtlMs ?? DEFAULT_KEY_TTL_MS;
    this.nowMs = opts.nowMs ?? Date.now;
  }

  private append(inputs: AuditInput[]) {
    const byEntity = new Map<string, AuditInput[]>();
    for (const i of inputs) byEntity.set(i.entityId, [...(byEntity.get(i.entityId) ?? []), i]);
    for (const [entityId, list] of byEntity) {
      const { events, head } = chain(list, this.heads.get(entityId) ?? null, randomUUID);
      this.events.set(entityId, [...(this.events.get(entityId) ?? []), ...events]);
      this.heads.set(entityId, head);
    }
  }

  /**
   * A live stored result for the key answers at once (or conflicts); otherwise `work` runs, and
   * only when it applied a change are its audit events appended and the key remembered.
   */
  private keyed<T>(key: IdempotencyKey | null, work: () => { applied: boolean; audit: AuditInput[]; result: T }): T {
    if (key !== null) {
      const hit = replayOf<T>(this.keys.get(key.id) ?? null, key, this.nowMs());
      if (hit) return clone(hit.result);
    }
    const { applied, audit, result } = work();
    if (!applied) return result;
    this.append(audit);
    if (key !== null) this.keys.set(key.id, { bodyHash: key.bodyHash, result: clone(result), expiresAt: new Date(this.nowMs() + this.ttl).toISOString() });
    return result;
  }

  async mutate<T>(releaseId: string, key: IdempotencyKey | null, decide: (current: ReleaseDoc | null) => Decision<T>): Promise<T> {
    return this.keyed(key, () => {
      const current = this.releases.get(releaseId);
      const d = decide(current ? clone(current) : null);
      if (d.next) this.releases.set(d.next.id, clone(d.next));
      return { applied: d.next !== null || d.audit.length > 0, audit: d.audit, result: d.result };
    });
  }

  async replay<T>(key: IdempotencyKey) {
    const hit = replayOf<T>(this.keys.get(key.id) ?? null, key, this.nowMs());
    return hit ? { result: clone(hit.result) } : null;
  }

  async pruneKeys() {
    const now = this.nowMs();
    let n = 0;
    for (const [id, k] of this.keys) {
      if (Date.parse(k.expiresAt) <= now) {
        this.keys.delete(id);
        n++;
      }
    }
    return n;
  }

  async getReleases(ids: readonly string[]) {
    return ids.map((id) => {
      const r = this.releases.get(id);
      return r ? clone(r) : null;
    });
  }

  async listReleases(f: ReleaseFilter, page: PageRequest) {
    const rows = [...this.releases.values()]
      .filter(
        (r) =>
          (f.projectIds === null || f.projectIds.includes(r.projectId)) &&
          (!f.status || r.status === f.status) &&
          (!f.modelVersionId || r.modelVersionId === f.modelVersionId) &&
          (!f.targetId || r.targets.some((t) => t.targetId === f.targetId)),
      )
      .sort((a, b) => (a.requestedAt === b.requestedAt ? (a.id < b.id ? 1 : -1) : a.requestedAt < b.requestedAt ? 1 : -1));
    return pageOf(rows.map(clone), page);
  }

  async auditTrail(entityId: string, page: PageRequest) {
    return pageOf([...(this.events.get(entityId) ?? [])].sort((a, b) => a.seq - b.seq).map(clone), page);
  }

  async auditChain(entityId: string) {
    return { events: (this.events.get(entityId) ?? []).map(clone), head: this.heads.get(entityId) ?? null };
  }

  async getPolicy(projectId: string) {
    return this.policies.get(projectId) ?? null;
  }

  async setPolicy(projectId: string, policy: Policy, audit: AuditInput, key: IdempotencyKey | null) {
    return this.keyed(key, () => {
      this.policies.set(projectId, clone(policy));
      return { applied: true, audit: [audit], result: policy };
    });
  }

  async mutateDeprecation<T>(
    deprecationId: string,
    modelVersionId: string,
    key: IdempotencyKey | null,
    decide: (current: DeprecationDoc | null, siblings: DeprecationDoc[]) => DeprecationDecision<T>,
  ): Promise<T> {
    return this.keyed(key, () => {
      const cur = this.deprecations.get(deprecationId);
      const siblings = [...this.deprecations.values()].filter((d) => d.modelVersionId === modelVersionId).map(clone);
      const d = decide(cur ? clone(cur) : null, siblings);
      if (d.next) this.deprecations.set(d.next.id, clone(d.next));
      return { applied: d.next !== null || d.audit.length > 0, audit: d.audit, result: d.result };
    });
  }

  async getDeprecations(ids: readonly string[]) {
    return ids.map((id) => {
      const d = this.deprecations.get(id);
      return d ? clone(d) : null;
    });
  }

  async listDeprecations(f: DeprecationFilter) {
    return [...this.deprecations.values()]
      .filter(
        (d) =>
          (!f.modelVersionId || d.modelVersionId === f.modelVersionId) &&
          (!f.status || d.status === f.status) &&
          (!f.effectiveBy || d.effectiveAt <= f.effectiveBy) &&
          (f.projectIds === null || deprecationProjects(d).some((p) => f.projectIds!.includes(p))),
      )
      .sort((a, b) => (a.requestedAt === b.requestedAt ? (a.id < b.id ? 1 : -1) : a.requestedAt < b.requestedAt ? 1 : -1))
      .slice(0, 500)
      .map(clone);
  }

  async activeDeprecations(modelVersionIds: readonly string[]) {
    const active = [...this.deprecations.values()].filter((d) => ACTIVE_DEPRECATION.includes(d.status));
    return modelVersionIds.map((id) => {
      const d = active.find((x) => x.modelVersionId === id);
      return d ? clone(d) : null;
    });
  }

  /** Pending releases naming a model version, for the lineage store's deprecation impact. */
  pendingFor(modelVersionId: string): PendingRelease[] {
    return [...this.releases.values()]
      .filter((r) => r.modelVersionId === modelVersionId && PENDING.includes(r.status))
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .map((r) => ({ releaseId: r.id, status: r.status, targetIds: r.targets.map((t) => t.targetId).sort() }));
  }
}
