import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import { readFileSync } from 'node:fs';
import { parse, type DocumentNode } from 'graphql';

export interface RunningSubgraph {
  /** The subgraph's GraphQL endpoint, e.g. http://127.0.0.1:41234/graphql. */
  url: string;
  close(): Promise<void>;
}

/** The SDL kept beside this module (rover's supergraph.yaml reads the same file). */
export function readExampleTypeDefs(fileName: string): DocumentNode {
  return parse(readFileSync(new URL(fileName, import.meta.url), 'utf8'));
}

/**
 * Serves an example subgraph on loopback. startStandaloneServer's 50 MB body
 * limit and open CORS are acceptable for a test double on 127.0.0.1, never
 * for the ordering subgraph itself.
 */
export async function serveSubgraph(
  typeDefs: DocumentNode,
  resolvers: GraphQLResolverMap<unknown>,
  port = 0,
): Promise<RunningSubgraph> {
  const server = new ApolloServer({
    schema: buildSubgraphSchema({ typeDefs, resolvers }),
    // No usage reporting behind this gateway: no traces to compute.
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
  const { url } = await startStandaloneServer(server, { listen: { host: '127.0.0.1', port } });
  return { url: new URL('/graphql', url).href, close: () => server.stop() };
}
