import { buildSubgraphSchema } from '@apollo/subgraph';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { concatAST, parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import { resolvers } from '../../resolvers/index.js';
import { guardEntityRepresentations } from './entity-representations.js';
import { projectRoot } from './project-root.js';

/** The SDL under schema/, one file per domain, merged into one document. */
export function loadTypeDefs(): DocumentNode {
  const folder = join(projectRoot(), 'schema');
  const documents = readdirSync(folder)
    .filter((file) => file.endsWith('.graphql'))
    .sort()
    .map((file) => parse(readFileSync(join(folder, file), 'utf8')));
  return concatAST(documents);
}

type SubgraphResolvers = NonNullable<
  Parameters<typeof buildSubgraphSchema>[0] extends infer Options
    ? Options extends { resolvers?: infer R }
      ? R
      : never
    : never
>;

export function buildSchema(): GraphQLSchema {
  // codegen's resolver types are stricter than @apollo/subgraph's map type; they describe the same object.
  const schema = buildSubgraphSchema({
    typeDefs: loadTypeDefs(),
    resolvers: resolvers as SubgraphResolvers,
  });
  return guardEntityRepresentations(schema);
}
