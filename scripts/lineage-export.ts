/**
 * `npm run lineage:export -- <dir>`: the first load of the lineage graph, for Neo4j's offline
 * bulk importer. Reads every configured platform from the beginning through the same connectors
 * and mappings as the sync (subgraphs/lineage/src/sync/bulk-export.ts) and writes CSV files and
 * `import.args` into <dir> (new or empty). Writes to no database.
 *
 * Then, for the project's local Neo4j: `NEO4J_IMPORT_DIR=<dir> bash neo4j/server.sh start`; for
 * any other Neo4j 5 (stopped, database absent): `cd <dir> && neo4j-admin database import full
 * neo4j $(cat import.args)`. The lineage subgraph's first connection creates the schema and
 * its sync loop continues from the imported watermarks.
 */
import { connectorsFor } from '@mlops/connectors/from-config';
import { getScenario } from '@mlops/kit';
import { loadConfig } from '@mlops/kit/config';
import { exportGraphForImport, scenarioProjects } from '@mlops/subgraph-lineage';

const dir = process.argv[2];
if (!dir || dir.startsWith('-')) {
  process.stderr.write('usage: npm run lineage:export -- <new or empty directory>\n');
  process.exit(2);
}
// Serves nothing, so production's serving checks (auth, internal key) do not apply here.
const config = loadConfig('lineage', { offline: true });
const platforms = connectorsFor(config);
const scenario = getScenario({ targets: config.scenario.targets, seed: config.scenario.seed });
try {
  const r = await exportGraphForImport({ ...platforms, projects: scenarioProjects(scenario) }, dir);
  process.stdout.write(
    `lineage:export: ${r.nodes} nodes, ${r.relationships} relationships in ${r.dir} ` +
      `(platforms read in ${(r.readMs / 1000).toFixed(1)} s, files written in ${(r.writeMs / 1000).toFixed(1)} s)\n` +
      `load it into a fresh local Neo4j: NEO4J_IMPORT_DIR=${r.dir} bash neo4j/server.sh start\n`,
  );
  process.exit(0);
} catch (e) {
  process.stderr.write(`lineage:export: ${(e as Error).message}\n`);
  process.exit(1);
}
