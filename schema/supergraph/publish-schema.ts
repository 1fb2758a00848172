// npm run schema:publish: records a deliberate schema change. Writes the
// subgraph SDL to schema/published/ and lists what changed, breaking first,
// so the commit that carries it says what routers and clients must expect.
import { existsSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { CriticalityLevel } from '@graphql-inspector/core';
import {
  PUBLISHED_SCHEMA_PATH,
  currentSubgraphSdl,
  readPublishedSdl,
  schemaChanges,
} from './published-schema.js';

const current = currentSubgraphSdl();
const changes = existsSync(PUBLISHED_SCHEMA_PATH)
  ? await schemaChanges(readPublishedSdl(), current)
  : [];
const order = [CriticalityLevel.Breaking, CriticalityLevel.Dangerous, CriticalityLevel.NonBreaking];
for (const change of changes.sort(
  (a, b) => order.indexOf(a.criticality.level) - order.indexOf(b.criticality.level),
)) {
  console.log(`${change.criticality.level} ${change.message}`);
}
writeFileSync(PUBLISHED_SCHEMA_PATH, current);
console.log(
  `published ${relative(process.cwd(), PUBLISHED_SCHEMA_PATH)} (${changes.length} change(s))`,
);
