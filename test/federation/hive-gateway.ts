import { createHmac } from 'node:crypto';
import InMemoryLRUCache from '@graphql-mesh/cache-inmemory-lru';
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

/** The token claim naming the partner the caller acts for. */
export const PARTNER_CLAIM = 'partner_id';
/** The header the gateway fills from that claim: the subgraph's PARTNER_HEADER. */
export const PARTNER_HEADER = 'x-partner-id';
/**
 * The longest the gateway keeps a result holding a line. The subgraph's
 * max-age (ADDONS_CACHE_TTL_S, how long it keeps the line itself) lowers it.
 */
export const LINE_RESULT_TTL_MS = 300_000;

/** The claims of the caller's verified token, put on the context by useJWT; null without one. */
function verifiedClaims(context: unknown): Record<string, unknown> | null {
  return (context as { jwt?: { payload?: Record<string, unknown> } }).jwt?.payload ?? null;
}

function stringClaim(context: unknown, claim: string): string | null {
  const value = verifiedClaims(context)?.[claim];
  return typeof value === 'string' ? value : null;
}

export interface HiveGatewayResponse {
  status: number;
  body: {
    data?: Record<string, unknown> | null;
    errors?: { message: string; extensions?: Record<string, unknown> }[];
    extensions?: Record<string, unknown>;
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
 * The ordering subgraph also gets x-partner-id from the token's partner_id claim,
 * never from the client. Results holding a line are kept per caller (see
 * `responseCaching`).
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
      // Only the headers named here reach a subgraph: an x-partner-id the client sent never does.
      fromClientToSubgraphs: ({ request, subgraphName, context }) => ({
        [CORRELATION_HEADER]: request.headers.get(CORRELATION_HEADER),
        // The caller's trace context, as a router that does not trace itself passes it on.
        traceparent: request.headers.get('traceparent'),
        tracestate: request.headers.get('tracestate'),
        ...(subgraphName === 'ordering'
          ? {
              [ROUTER_SECRET_HEADER]: options.routerSecret,
              [PARTNER_HEADER]: stringClaim(context, PARTNER_CLAIM),
            }
          : {}),
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
      resolveUserFn: verifiedClaims,
      // Called for anonymous callers too, with no user.
      extractScopes: (user: Record<string, unknown> | null) => {
        const scope = user?.['scope'];
        return typeof scope === 'string' ? scope.split(' ').filter(Boolean) : [];
      },
    },
    demandControl: { maxCost: options.maxCost, includeExtensionMetadata: true },
    // One per gateway instance; the gateway disposes it.
    cache: new InMemoryLRUCache(),
    responseCaching: {
      // Entries are per verified caller. A hit is served before the gateway's
      // authorization checks, so only what @authenticated alone guards (lines) is listed.
      session: (_request, context) => stringClaim(context, 'sub'),
      // Nothing is kept unless it holds a listed type, and then no longer than the
      // smallest max-age of the subgraph answers it came from: the ordering
      // subgraph's `no-store, max-age=0` keeps anything with Px data or a typed error out.
      ttl: 0,
      ttlPerSchemaCoordinate: { MobileLine: LINE_RESULT_TTL_MS },
      // hit, didCache and ttl in each answer's extensions, for the tests.
      includeExtensionMetadata: true,
    },
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
