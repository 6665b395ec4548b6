import { getScenario } from '@mlops/kit';
const s = getScenario({ targets: 10000 });
const all = s.deployments.map((d) => ({ ...d, updatedAt: d.until ?? d.since }));
const keys = all.map((d) => d.updatedAt);
const flat = keys.map((k) => JSON.parse(JSON.stringify(k)) as string);
for (let r = 0; r < 3; r++) {
  let t = performance.now(); let c = 0;
  for (let i = 1; i < keys.length; i++) c += keys[i - 1]! < keys[i]! ? 1 : 0;
  const a = performance.now() - t; t = performance.now();
  for (let i = 1; i < flat.length; i++) c += flat[i - 1]! < flat[i]! ? 1 : 0;
  console.log('orig', a.toFixed(1), 'flat', (performance.now() - t).toFixed(1), c);
}
