import { createHmac } from 'node:crypto';
import { createGatewayRuntime, type GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { unifiedGraphHandler as rustQueryPlanner } from '@graphql-hive/router-runtime';
import { createInlineSigningKeyProvider, useJWT } from '@graphql-mesh/plugin-jwt-auth';
import { CORRELATION_HEADER } from '../../src/observability/correlation.js';
import { ROUTER_SECRET_HEADER } from '../../src/http/router-secret.js';
import type { ExampleSubgraphName } from '../../schema/supergraph/supergraph.js';

/** The gateway's local JWT key (HS256), as an identity provider's would be configured. */
const SIGNING_KEY = 'hive-gateway-test-signing-key-0001';

/** A token the gateway accepts, with the given claims (e.g. `scope: 'orders:read'`). */
export function signedToken(claims: Record<string, unknown>, key = SIGNING_KEY): string {
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}`;
  return `${unsigned}.${createHmac('sha256', key).update(unsigned).digest('base64url')}`;
}

export interface HiveGatewayResponse {
  status: number;
  body: {
    data?: Record<string, unknown> | null;
    errors?: { message: string; extensions?: Record<string, unknown> }[];
  };
}

export interface HiveGateway {
  execute(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<HiveGatewayResponse>;
  close(): Promise<void>;
}

/**
 * Hive Gateway in-process (its fetch handler, no port), serving a composed
 * supergraph in front of subgraphs at `urls`. It verifies the caller's JWT
 * with a local key, enforces @authenticated and @requiresScopes from the
 * token's `scope` claim, refuses operations whose estimated cost (from @cost
 * and @listSize) is above `maxCost`, and sends what router.yaml has Apollo
 * Router send: Router-Authorization to the ordering subgraph, the caller's
 * x-correlation-id and trace context (traceparent, tracestate) to every subgraph.
 */
export function startHiveGateway(options: {
  supergraphSdl: string;
  urls: Record<ExampleSubgraphName, string>;
  routerSecret: string;
  maxCost: number;
  /** The query planner: Hive's JavaScript one by default, or the Rust one of @graphql-hive/router-runtime. */
  planner?: 'javascript' | 'rust';
}): HiveGateway {
  const gateway = createGatewayRuntime({
    supergraph: options.supergraphSdl,
    ...(options.planner === 'rust' ? { unifiedGraphHandler: rustQueryPlanner } : {}),
    transportEntries: Object.fromEntries(
      Object.entries(options.urls).map(([name, location]) => [name, { location }]),
    ),
    propagateHeaders: {
      fromClientToSubgraphs: ({ request, subgraphName }) => ({
        [CORRELATION_HEADER]: request.headers.get(CORRELATION_HEADER),
        // The caller's trace context, as a router that does not trace itself passes it on.
        traceparent: request.headers.get('traceparent'),
        tracestate: request.headers.get('tracestate'),
        ...(subgraphName === 'ordering' ? { [ROUTER_SECRET_HEADER]: options.routerSecret } : {}),
      }),
    },
    plugins: () => [
      // Its typings and the runtime's name two declarations of @graphql-hive/logger's Logger
      // (ESM and CommonJS), which TypeScript does not unify; at run time they are one plugin API.
      useJWT({
        signingKeyProviders: [createInlineSigningKeyProvider(SIGNING_KEY)],
        reject: { missingToken: false, invalidToken: true },
      }) as unknown as GatewayPlugin,
    ],
    genericAuth: {
      mode: 'protect-granular',
      rejectUnauthenticated: false,
      resolveUserFn: (context) =>
        (context as { jwt?: { payload?: Record<string, unknown> } }).jwt?.payload ?? null,
      // Called for anonymous callers too, with no user.
      extractScopes: (user: Record<string, unknown> | null) => {
        const scope = user?.['scope'];
        return typeof scope === 'string' ? scope.split(' ').filter(Boolean) : [];
      },
    },
    demandControl: { maxCost: options.maxCost, includeExtensionMetadata: true },
    logging: false,
    // A test that fails shows the gateway's own error, not "Unexpected error.".
    maskedErrors: false,
  });
  return {
    async execute(query, variables = {}, headers = {}) {
      const response = await gateway.fetch('http://gateway.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return {
        status: response.status,
        body: (await response.json()) as HiveGatewayResponse['body'],
      };
    },
    close: async () => {
      await gateway.dispose();
    },
  };
}
