/** Releases in Neo4j: each mutation is one write transaction that locks the entity's audit head. */
import { randomUUID } from 'node:crypto';
import { offsetOf, type PageRequest } from '@mlops/kit';
import { pageFromRow, type Query } from '../cypher/query.ts';
import * as C from '../cypher/releases.ts';
import type { Executor } from '../store/executor.ts';
import { chain } from './audit.ts';
import { DEFAULT_KEY_TTL_MS, replayOf, type IdempotencyKey, type StoredKey } from './idempotency.ts';
import { ACTIVE_DEPRECATION, type AuditEventRecord, type AuditInput, type Decision, type DeprecationDecision, type DeprecationDoc, type DeprecationFilter, type Policy, type ReleaseDoc, type ReleaseFilter, type ReleaseStore, type ReleaseStoreOptions } from './types.ts';

type Run = (q: Query) => Promise<Record<string, any>[]>;

/** Thrown inside a transaction to roll it back when nothing is to be written; carries the answer out. */
class NothingApplied<T> {
  constructor(readonly result: T) {}
}

const storedKey = (row: Record<string, any> | undefined): StoredKey | null =>
  row?.result != null && row.bodyHash != null && row.expiresAt != null ? { bodyHash: row.bodyHash, result: JSON.parse(row.result), expiresAt: row.expiresAt } : null;

export class Neo4jReleaseStore implements ReleaseStore {
  private readonly ttl: number;
  private readonly nowMs: () => number;

  constructor(
    private readonly ex: Executor,
    opts: ReleaseStoreOptions = {},
  ) {
    this.ttl = opts.keyTtlMs ?? DEFAULT_KEY_TTL_MS;
    this.nowMs = opts.nowMs ?? Date.now;
  }

  /**
   * One keyed, audited write transaction on an entity: a live stored result for the key answers
   * at once (or conflicts); otherwise the entity's audit head is locked (serialising concurrent
   * writers), `work` writes, its audit events are chained after the head, and the result is kept
   * under the key. When `work` applied nothing the whole transaction rolls back, so a refused
   * call leaves no key, no audit head and no node behind.
   */
  private async keyed<T>(key: IdempotencyKey | null, entityId: string, work: (run: Run) => Promise<{ applied: boolean; audit: AuditInput[]; result: T }>): Promise<T> {
    try {
      return await this.ex.transaction(async (run) => {
        if (key !== null) {
          const [k] = await run(C.lockKey(key.id));
          const hit = replayOf<T>(storedKey(k), key, this.nowMs());
          // Roll back even the lock: a replay writes nothing.
          if (hit) throw new NothingApplied(hit.result);
        }
        const [h] = await run(C.lockHead(entityId));
        const { applied, audit, result } = await work(run);
        if (!applied) throw new NothingApplied(result);
        await this.appendAudit(run, audit, entityId, h?.count != null ? { count: h.count, hash: h.hash } : null);
        if (key !== null) {
          const now = this.nowMs();
          await run(C.saveKey(key.id, key.bodyHash, JSON.stringify(result ?? null), new Date(now).toISOString(), new Date(now + this.ttl).toISOString()));
        }
        return result;
      });
    } catch (e) {
      if (e instanceof NothingApplied) return e.result as T;
      throw e;
    }
  }

  mutate<T>(releaseId: string, key: IdempotencyKey | null, decide: (current: ReleaseDoc | null) => Decision<T>): Promise<T> {
    return this.keyed(key, releaseId, async (run) => {
      const [cur] = await run(C.releaseDoc(releaseId));
      const d = decide(cur?.doc ? (JSON.parse(cur.doc) as ReleaseDoc) : null);
      if (d.next) {
        await run(C.saveRelease(d.next));
        if (d.next.approvals.length) await run(C.saveApprovals(d.next.id, d.next.approvals));
      }
      return { applied: d.next !== null || d.audit.length > 0, audit: d.audit, result: d.result };
    });
  }

  async replay<T>(key: IdempotencyKey) {
    const [rows] = await this.ex.read(C.readKey(key.id));
    return replayOf<T>(storedKey(rows![0]), key, this.nowMs());
  }

  async pruneKeys() {
    const now = new Date(this.nowMs()).toISOString();
    let total = 0;
    for (;;) {
      const [rows] = await this.ex.write(C.pruneKeys(now, 5000));
      const n = Number(rows![0]?.deleted ?? 0);
      total += n;
      if (n < 5000) return total;
    }
  }

  private async appendAudit(run: Run, inputs: AuditInput[], lockedId: string, lockedHead: { count: number; hash: string } | null) {
    const byEntity = new Map<string, AuditInput[]>();
    for (const i of inputs) byEntity.set(i.entityId, [...(byEntity.get(i.entityId) ?? []), i]);
    for (const [entityId, list] of byEntity) {
      let head = lockedHead;
      if (entityId !== lockedId) {
        const [h] = await run(C.lockHead(entityId));
        head = h?.count != null ? { count: h.count, hash: h.hash } : null;
      }
      const { events, head: next } = chain(list, head, randomUUID);
      await run(C.appendAudit(events, next));
    }
  }

  async getReleases(ids: readonly string[]) {
    const [rows] = await this.ex.read(C.releaseDocs(ids));
    const m = new Map(rows!.map((r) => {
      const doc = JSON.parse(r.doc) as ReleaseDoc;
      return [doc.id, doc];
    }));
    return ids.map((id) => m.get(id) ?? null);
  }

  async listReleases(f: ReleaseFilter, page: PageRequest) {
    const skip = offsetOf(page);
    const [rows] = await this.ex.read(
      C.listReleases({ projectIds: f.projectIds, status: f.status ?? null, modelVersionId: f.modelVersionId ?? null, targetId: f.targetId ?? null }, skip, page.first),
    );
    return pageFromRow<ReleaseDoc>(rows![0], skip, (d) => JSON.parse(d));
  }

  async auditTrail(entityId: string, page: PageRequest) {
    const skip = offsetOf(page);
    const [rows] = await this.ex.read(C.auditTrail(entityId, skip, page.first));
    return pageFromRow<AuditEventRecord>(rows![0], skip, (e) => e as AuditEventRecord);
  }

  async auditChain(entityId: string) {
    const [rows] = await this.ex.read(C.auditChain(entityId));
    const r = rows![0]!;
    return { events: (r.events ?? []) as AuditEventRecord[], head: r.count != null ? { count: r.count as number, hash: r.hash as string } : null };
  }

  async getPolicy(projectId: string) {
    const [rows] = await this.ex.read(C.getPolicy(projectId));
    const p = rows![0]?.policy;
    return p ? (JSON.parse(p) as Policy) : null;
  }

  setPolicy(projectId: string, policy: Policy, audit: AuditInput, key: IdempotencyKey | null) {
    return this.keyed(key, projectId, async (run) => {
      await run(C.setPolicy(projectId, JSON.stringify(policy)));
      return { applied: true, audit: [audit], result: policy };
    });
  }

  mutateDeprecation<T>(
    deprecationId: string,
    modelVersionId: string,
    key: IdempotencyKey | null,
    decide: (current: DeprecationDoc | null, siblings: DeprecationDoc[]) => DeprecationDecision<T>,
  ): Promise<T> {
    return this.keyed(key, deprecationId, async (run) => {
      await run(C.lockDeprecations(modelVersionId));
      const siblings = (await run(C.deprecationsOf(modelVersionId))).map((r) => JSON.parse(r.doc) as DeprecationDoc);
      const d = decide(siblings.find((x) => x.id === deprecationId) ?? null, siblings);
      if (d.next) await run(C.saveDeprecation(d.next));
      return { applied: d.next !== null || d.audit.length > 0, audit: d.audit, result: d.result };
    });
  }

  async getDeprecations(ids: readonly string[]) {
    const [rows] = await this.ex.read(C.deprecationDocs(ids));
    const m = new Map(rows!.map((r) => {
      const doc = JSON.parse(r.doc) as DeprecationDoc;
      return [doc.id, doc];
    }));
    return ids.map((id) => m.get(id) ?? null);
  }

  async listDeprecations(f: DeprecationFilter) {
    const [rows] = await this.ex.read(C.listDeprecations({ projectIds: f.projectIds, modelVersionId: f.modelVersionId ?? null, status: f.status ?? null, effectiveBy: f.effectiveBy ?? null }));
    const docs = rows!.map((r) => JSON.parse(r.doc) as DeprecationDoc);
    // A node written before `effectiveAt` was a property matches any date in Cypher; its doc decides.
    return f.effectiveBy ? docs.filter((d) => d.effectiveAt <= f.effectiveBy!) : docs;
  }

  async activeDeprecations(modelVersionIds: readonly string[]) {
    const [rows] = await this.ex.read(C.activeDeprecations(modelVersionIds, ACTIVE_DEPRECATION));
    const m = new Map(rows!.map((r) => [r.key as string, JSON.parse(r.doc) as DeprecationDoc]));
    return modelVersionIds.map((id) => m.get(id) ?? null);
  }
}
