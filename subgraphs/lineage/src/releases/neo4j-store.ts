/** Releases in Neo4j: each mutation is one write transaction that locks the entity's audit head. */
import { randomUUID } from 'node:crypto';
import { offsetOf, type PageRequest } from '@mlops/kit';
import { pageFromRow, type Query } from '../cypher/query.ts';
import * as C from '../cypher/releases.ts';
import type { Executor } from '../store/executor.ts';
import { chain } from './audit.ts';
import type { AuditEventRecord, AuditInput, Decision, Policy, ReleaseDoc, ReleaseFilter, ReleaseStore } from './types.ts';


type Run = (q: Query) => Promise<Record<string, any>[]>;

export class Neo4jReleaseStore implements ReleaseStore {
  constructor(private readonly ex: Executor) {}

  /**
   * One keyed, audited write transaction on an entity: a stored result for the key answers at
   * once; otherwise the entity's audit head is locked (serialising concurrent writers), `work`
   * writes, its audit events are chained after the head, and the result is kept under the key.
   */
  private keyed<T>(key: string | null, entityId: string, work: (run: Run) => Promise<{ audit: AuditInput[]; result: T }>): Promise<T> {
    return this.ex.transaction(async (run) => {
      if (key !== null) {
        const [k] = await run(C.lockKey(key, new Date().toISOString()));
        if (k?.result) return JSON.parse(k.result) as T;
      }
      const [h] = await run(C.lockHead(entityId));
      const { audit, result } = await work(run);
      await this.appendAudit(run, audit, entityId, h?.count != null ? { count: h.count, hash: h.hash } : null);
      if (key !== null) await run(C.saveKey(key, JSON.stringify(result ?? null)));
      return result;
    });
  }

  mutate<T>(releaseId: string, key: string | null, decide: (current: ReleaseDoc | null) => Decision<T>): Promise<T> {
    return this.keyed(key, releaseId, async (run) => {
      const [cur] = await run(C.releaseDoc(releaseId));
      const d = decide(cur?.doc ? (JSON.parse(cur.doc) as ReleaseDoc) : null);
      if (d.next) {
        await run(C.saveRelease(d.next));
        if (d.next.approvals.length) await run(C.saveApprovals(d.next.id, d.next.approvals));
      }
      return { audit: d.audit, result: d.result };
    });
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

  setPolicy(projectId: string, policy: Policy, audit: AuditInput, key: string | null) {
    return this.keyed(key, projectId, async (run) => {
      await run(C.setPolicy(projectId, JSON.stringify(policy)));
      return { audit: [audit], result: policy };
    });
  }

}
