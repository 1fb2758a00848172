import { buildSubgraphSchema } from '@apollo/subgraph';
import { CriticalityLevel, diff, type Change } from '@graphql-inspector/core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'graphql';
import { projectRoot } from '../../src/graphql/project-root.js';
import { loadTypeDefs } from '../../src/graphql/schema.js';
import { nodeGraphql } from './node-graphql.js';

/** The subgraph SDL as last published on purpose: what routers and clients were promised. */
export const PUBLISHED_SCHEMA_PATH = join(
  projectRoot(),
  'schema',
  'published',
  'ordering-subgraph.graphql',
);

export const PUBLISH_COMMAND = 'npm run schema:publish';

/** The subgraph SDL exactly as this code serves it to routers and rover on `_service { sdl }`. */
export function currentSubgraphSdl(): string {
  const result = nodeGraphql.graphqlSync({
    schema: buildSubgraphSchema({ typeDefs: loadTypeDefs() }),
    source: '{ _service { sdl } }',
  });
  const sdl = (result.data?.['_service'] as { sdl?: unknown } | undefined)?.sdl;
  if (typeof sdl !== 'string') throw new Error(`no _service.sdl: ${JSON.stringify(result)}`);
  return `${sdl}\n`;
}

export function readPublishedSdl(): string {
  return readFileSync(PUBLISHED_SCHEMA_PATH, 'utf8');
}

/** Every change from `before` to `after`, as GraphQL Inspector rates it for clients. */
export function schemaChanges(before: string, after: string): Promise<Change[]> {
  return diff(
    buildSubgraphSchema({ typeDefs: parse(before) }),
    buildSubgraphSchema({ typeDefs: parse(after) }),
  );
}

/** The changes that would break a client or a router written against `before`, one line each. */
export async function breakingChanges(before: string, after: string): Promise<string[]> {
  return (await schemaChanges(before, after))
    .filter((change) => change.criticality.level === CriticalityLevel.Breaking)
    .map((change) => `${change.type} at ${change.path ?? 'the schema'}: ${change.message}`);
}
