/**
 * Champion vs candidates from a release target: the candidates are model versions trained for
 * this machine, newer than the champion. Metrics side by side, what training data changed,
 * and the gates each candidate would face now.
 */
import type { GateResult } from './types.ts';
import type { ReleaseService } from './service.ts';

export interface CandidateModel {
  modelVersionId: string;
  metrics: { key: string; champion: number | null; candidate: number | null; delta: number | null }[];
  datasetsAdded: string[];
  datasetsRemoved: string[];
  gates: GateResult[];
}

export interface ComparisonModel {
  championId: string | null;
  candidates: CandidateModel[];
}

export async function compareForTarget(svc: ReleaseService, target: { id: string; name: string; projectId: string }, maxCandidates: number): Promise<ComparisonModel> {
  const platforms = svc.platforms;
  const champs = await svc.champions([target.id]);
  const champ = champs.get(target.id) ?? null;
  const [champion] = champ ? await platforms.training.getModelVersions([champ.modelVersionId]) : [null];
  const trained = await platforms.training.listModelVersions({ tag: { key: 'machine', value: target.name } }, { first: 100, after: null });
  const candidates = trained.items
    .filter((m) => m.tags.project === target.projectId && m.id !== champion?.id && (!champion || m.createdAt > champion.createdAt))
    .slice(0, maxCandidates);
  const runIds = [champion?.runId, ...candidates.map((c) => c.runId)].filter((r): r is string => !!r);
  const runs = new Map((await platforms.training.getRuns(runIds)).filter((r) => r).map((r) => [r!.id, r!]));
  const champInputs = new Set(champion?.runId ? (runs.get(champion.runId)?.inputs ?? []) : []);
  const policy = await svc.policy(target.projectId);
  const out: CandidateModel[] = [];
  for (const c of candidates) {
    const inputs = new Set(c.runId ? (runs.get(c.runId)?.inputs ?? []) : []);
    const keys = [...new Set([...Object.keys(c.metrics), ...Object.keys(champion?.metrics ?? {})])].sort();
    out.push({
      modelVersionId: c.id,
      metrics: keys.map((key) => {
        const a = champion?.metrics[key] ?? null;
        const b = c.metrics[key] ?? null;
        return { key, champion: a, candidate: b, delta: a === null || b === null ? null : Math.round((b - a) * 1e6) / 1e6 };
      }),
      datasetsAdded: [...inputs].filter((d) => !champInputs.has(d)).sort(),
      datasetsRemoved: [...champInputs].filter((d) => !inputs.has(d)).sort(),
      gates: await svc.gates(c, [target.id], policy, champs),
    });
  }
  return { championId: champion?.id ?? null, candidates: out };
}
