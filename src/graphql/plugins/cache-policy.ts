import type { ApolloServerPlugin } from '@apollo/server';
import { OperationTypeNode, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import type { RequestContext } from '../../../resolvers/context.js';
import { argumentValue, asList, rootFieldsOf, type RootField } from './operation-fields.js';

/**
 * `max-age=0` is redundant for an HTTP cache, but a router that takes a
 * response's TTL from the smallest max-age of its subgraph answers and does
 * not read `no-store` (Hive Gateway's response cache) needs it to keep nothing.
 */
export const NO_STORE = 'no-store, max-age=0';

/** The root fields that read only line data (dxp-ux, cached here for ADDONS_CACHE_TTL_S). */
const LINE_FIELDS = new Set(['mobileLine', 'mobileLines', '__typename']);
const LINE_ENTITY = 'MobileLine';

/**
 * What an operation may be cached as, decided from its document alone:
 * `lines` when it reads only line data, `entities` when that also depends on
 * the `_entities` representations it is sent (their values are per request),
 * `no-store` for everything else.
 */
type DocumentPolicy =
  { kind: 'lines' } | { kind: 'entities'; entityFields: RootField[] } | { kind: 'no-store' };

const NOT_CACHEABLE: DocumentPolicy = { kind: 'no-store' };
const LINES: DocumentPolicy = { kind: 'lines' };

/**
 * The one owner of `Cache-Control` on GraphQL answers, for a router's response
 * cache. Line data may be kept, private to the caller, as long as this
 * subgraph keeps it (ADDONS_CACHE_TTL_S); anything from Px, every mutation,
 * introspection and `_service`, every answer with errors, and every answer
 * holding an expected failure (a typed error member) is `no-store`.
 *
 * The policy is worked out once per operation document: Apollo Server keeps
 * parsed documents per query string, so the operation node is a stable key
 * and a repeated operation costs one WeakMap lookup (plus, for `_entities`,
 * a look at each representation's `__typename`). Apollo's own cache-control
 * plugin stays disabled: it wraps every field resolver to gather hints.
 */
export function cachePolicyPlugin({
  ttlSeconds,
}: {
  ttlSeconds: number;
}): ApolloServerPlugin<RequestContext> {
  const cacheable = ttlSeconds > 0 ? `private, max-age=${String(ttlSeconds)}` : NO_STORE;
  const decided = new WeakMap<OperationDefinitionNode, DocumentPolicy>();
  const policyOf = (operation: OperationDefinitionNode, document: DocumentNode) => {
    let policy = decided.get(operation);
    if (policy === undefined) {
      policy = documentPolicy(operation, document);
      decided.set(operation, policy);
    }
    return policy;
  };

  return {
    async requestDidStart() {
      let header = NO_STORE;
      return {
        async didResolveOperation({ operation, document, request }) {
          if (operation === undefined) return;
          const policy = policyOf(operation, document);
          if (
            policy.kind === 'lines' ||
            (policy.kind === 'entities' && onlyLines(policy.entityFields, request.variables ?? {}))
          ) {
            header = cacheable;
          }
        },
        async willSendResponse({ response, contextValue }) {
          const clean =
            response.body.kind === 'single' &&
            !response.body.singleResult.errors?.length &&
            contextValue.answer.storable;
          response.http.headers.set('cache-control', clean ? header : NO_STORE);
        },
      };
    },
  };
}

function documentPolicy(
  operation: OperationDefinitionNode,
  document: DocumentNode,
): DocumentPolicy {
  if (operation.operation !== OperationTypeNode.QUERY) return NOT_CACHEABLE;
  const entityFields: RootField[] = [];
  let readsLines = false;
  for (const field of rootFieldsOf(operation, document)) {
    if (field.name === '_entities') {
      // Validation requires representations; without them nothing says what is cached.
      if (!field.node.arguments?.some((argument) => argument.name.value === 'representations')) {
        return NOT_CACHEABLE;
      }
      entityFields.push(field);
    } else if (LINE_FIELDS.has(field.name)) {
      readsLines ||= field.name !== '__typename';
    } else {
      return NOT_CACHEABLE;
    }
  }
  if (entityFields.length > 0) return { kind: 'entities', entityFields };
  return readsLines ? LINES : NOT_CACHEABLE;
}

function onlyLines(entityFields: RootField[], variables: Record<string, unknown>): boolean {
  for (const field of entityFields) {
    for (const representation of asList(argumentValue(field, 'representations', variables))) {
      if (
        typeof representation !== 'object' ||
        representation === null ||
        (representation as Record<string, unknown>)['__typename'] !== LINE_ENTITY
      ) {
        return false;
      }
    }
  }
  return true;
}
