import { ApolloServer } from '@apollo/server';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway/dist/datasources/types.js';
import assert from 'node:assert/strict';
import { CORRELATION_HEADER } from '../../src/observability/correlation.js';
import { ROUTER_SECRET_HEADER } from '../../src/http/router-secret.js';
import type { ExampleSubgraphName } from '../../schema/supergraph/supergraph.js';

export interface GatewayContext {
  correlationId: string;
}

/** One request the gateway sent to a subgraph. */
export interface SubgraphFetch {
  subgraph: string;
  operationName: string | undefined;
  query: string;
  /** How many entity representations an `_entities` fetch carried; 0 for a root fetch. */
  representations: number;
}

/**
 * Sends what router.yaml has Apollo Router send: Router-Authorization to the
 * ordering subgraph, the caller's x-correlation-id to every subgraph; and
 * records each fetch, so tests can count what each subgraph was asked.
 */
class RecordingDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    private readonly subgraph: string,
    url: string,
    private readonly headers: Record<string, string>,
    private readonly fetches: SubgraphFetch[],
  ) {
    super({ url });
  }

  override willSendRequest(options: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const { request } = options;
    for (const [name, value] of Object.entries(this.headers))
      request.http?.headers.set(name, value);
    const correlationId: unknown = options.context['correlationId'];
    if (typeof correlationId === 'string')
      request.http?.headers.set(CORRELATION_HEADER, correlationId);
    const representations: unknown = request.variables?.['representations'];
    this.fetches.push({
      subgraph: this.subgraph,
      operationName: request.operationName,
      query: request.query ?? '',
      representations: Array.isArray(representations) ? representations.length : 0,
    });
  }
}

export interface ExampleGateway {
  /** Runs one operation through the gateway, as a client of the supergraph would. */
  execute(
    query: string,
    variables?: Record<string, unknown>,
    correlationId?: string,
  ): Promise<{ data?: Record<string, unknown> | null; errors?: readonly unknown[] }>;
  /** Every subgraph fetch so far, in the order the gateway sent them. */
  fetches: SubgraphFetch[];
  close(): Promise<void>;
}

/** @apollo/gateway in-process, serving a composed supergraph in front of subgraphs at `urls`. */
export async function startExampleGateway(options: {
  supergraphSdl: string;
  urls: Record<ExampleSubgraphName, string>;
  /** Router-Authorization for the ordering subgraph, when it requires one. */
  routerSecret?: string;
}): Promise<ExampleGateway> {
  const fetches: SubgraphFetch[] = [];
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    buildService: ({ name }) => {
      const url = options.urls[name as ExampleSubgraphName];
      const headers: Record<string, string> =
        name === 'ordering' && options.routerSecret
          ? { [ROUTER_SECRET_HEADER]: options.routerSecret }
          : {};
      return new RecordingDataSource(name, url, headers, fetches);
    },
  });
  const server = new ApolloServer<GatewayContext>({ gateway });
  await server.start();
  return {
    fetches,
    async execute(query, variables = {}, correlationId = 'gateway-test') {
      const response = await server.executeOperation(
        { query, variables },
        { contextValue: { correlationId } },
      );
      assert(response.body.kind === 'single');
      return response.body.singleResult;
    },
    close: () => server.stop(),
  };
}
