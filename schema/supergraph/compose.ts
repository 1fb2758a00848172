// npm run compose [-- <output>]: the supergraph of this subgraph and the
// example subgraphs, written where a router can read it (dist/supergraph.graphql
// by default); composition errors fail the command.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { projectRoot } from '../../src/graphql/project-root.js';
import { CompositionFailedError, composeExampleSupergraph } from './supergraph.js';

const output = resolve(process.argv[2] ?? join(projectRoot(), 'dist', 'supergraph.graphql'));

try {
  const { supergraphSdl, hints } = composeExampleSupergraph();
  mkdirSync(dirname(output), { recursive: true });
  writeFileSync(output, supergraphSdl);
  for (const hint of hints) console.log(`hint ${hint}`);
  const shown = relative(process.cwd(), output);
  console.log(
    `composed ordering + customers + catalog with ${hints.length} hint(s): ${shown.startsWith('..') ? output : shown}`,
  );
} catch (error) {
  if (!(error instanceof CompositionFailedError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
