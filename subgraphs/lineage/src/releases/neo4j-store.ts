/** Releases in Neo4j: each mutation is one write transaction that locks the entity's audit head. */
import { randomUUID } from 'node:crypto';
import { offsetOf, type Page, type PageRequest } from '@mlops/kit';
import * as C from '../cypher/releases.ts';
import type { Executor } from '../store/executor.ts';
import { chain } from './audit.ts';
import type { AuditEventRecord, AuditInput, Decision, Policy, ReleaseDoc, ReleaseFilter, ReleaseStore } from './types.ts';

function paged<T>(row: Record<string, any> | undefined, skip: number, map: (x: any) => T): Page<T> {
  const total = (row?.total as number) ?? 0;
  const items = ((row?.items as unknown[]) ?? []).map(map);
  return { items, totalCount: total, tokens: items.map((_, i) => String(skip + i + 1)), hasNextPage: skip + items.length < total };
}

export class Neo4jReleaseStore implements ReleaseStore {
  constructor(private readonly ex: Executor) {}

  async mutate<T>(releaseId: string, key: string | null, decide: (current: ReleaseDoc | null) => Decision<T>): Promise<T> {
    return this.ex.transaction(async (run) => {
      if (key !== null) {
        // The key node is locked for the rest of the transaction: a concurrent retry waits, then sees the result.
        const [k] = await run(C.lockKey(key, new Date().toISOString()));
        if (k?.result) return JSON.parse(k.result) as T;
      }
      const [h] = await run(C.lockHead(releaseId));
      const [cur] = await run(C.releaseDoc(releaseId));
      const d = decide(cur?.doc ? (JSON.parse(cur.doc) as ReleaseDoc) : null);
      if (d.next) {
        await run(C.saveRelease(d.next));
        if (d.next.approvals.length) await run(C.saveApprovals(d.next.id, d.next.approvals));
      }
      await this.appendAudit(run, d.audit, releaseId, h?.count != null ? { count: h.count, hash: h.hash } : null);
      if (key !== null) await run(C.saveKey(key, JSON.stringify(d.result ?? null)));
      return d.result;
    });
  }

  private async appendAudit(run: (q: ReturnType<typeof C.lockHead>) => Promise<Record<string, any>[]>, inputs: AuditInput[], lockedId: string, lockedHead: { count: number; hash: string } | null) {
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
    return paged<ReleaseDoc>(rows![0], skip, (d) => JSON.parse(d));
  }

  async auditTrail(entityId: string, page: PageRequest) {
    const skip = offsetOf(page);
    const [rows] = await this.ex.read(C.auditTrail(entityId, skip, page.first));
    return paged<AuditEventRecord>(rows![0], skip, (e) => e as AuditEventRecord);
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

  async setPolicy(projectId: string, policy: Policy, audit: AuditInput, key: string | null) {
    return this.ex.transaction(async (run) => {
      if (key !== null) {
        const [k] = await run(C.lockKey(key, new Date().toISOString()));
        if (k?.result) return JSON.parse(k.result) as Policy;
      }
      const [h] = await run(C.lockHead(projectId));
      await run(C.setPolicy(projectId, JSON.stringify(policy)));
      await this.appendAudit(run, [audit], projectId, h?.count != null ? { count: h.count, hash: h.hash } : null);
      if (key !== null) await run(C.saveKey(key, JSON.stringify(policy)));
      return policy;
    });
  }
}
