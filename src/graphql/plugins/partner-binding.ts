import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { argumentValue, asList, rootFieldsOf } from './operation-fields.js';

export const UNAUTHENTICATED = 'UNAUTHENTICATED';
export const FORBIDDEN = 'FORBIDDEN';

/** Where each order-flow root field names the partner it acts for. */
const PARTNER_ID_PATHS: Record<string, readonly string[]> = {
  rccDisclosure: ['input', 'order', 'partnerId'],
  rccAcceptance: ['order', 'partnerId'],
  sendRcc: ['input', 'order', 'partnerId'],
  completeOrder: ['input', 'order', 'partnerId'],
  order: ['partnerId'],
};

/** The entities whose key holds a partnerId; MobileLine is no partner's data. */
const PARTNER_ENTITIES = new Set(['Order', 'RccDisclosure']);

/** The partners an operation acts for, when it touches the order flow at all. */
interface ActedFor {
  orderFlow: boolean;
  partnerIds: unknown[];
}

/**
 * PARTNER_HEADER: the router fills the header from the caller's verified
 * token, and an order-flow operation may act only for that partner. Checked
 * from the operation's arguments (with its variables) once it is resolved,
 * so a refusal costs no upstream call and no journal read: no header is
 * UNAUTHENTICATED, another partnerId anywhere in the operation is FORBIDDEN,
 * and the operation is refused whole. Fields under `@skip`/`@include` count
 * as if included. A partnerId that is not an ID at all is left to GraphQL's
 * own checks, which refuse it before anything runs.
 *
 * HTTP 200, as for any GraphQL error: routers are this subgraph's clients,
 * and Apollo Router answers a subgraph's 4xx with an error that has lost the
 * subgraph's message and code (apollographql/router#5241).
 */
export function partnerBindingPlugin(header: string): ApolloServerPlugin {
  const headerName = header.toLowerCase();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, request }) {
          if (operation === undefined) return;
          const acted = actedFor(operation, document, request.variables ?? {});
          if (!acted.orderFlow) return;
          const partnerId = request.http?.headers.get(headerName);
          if (!partnerId) {
            throw refuse(UNAUTHENTICATED, `Order-flow operations need the ${headerName} header.`);
          }
          if (acted.partnerIds.some((id) => asId(id) !== undefined && asId(id) !== partnerId)) {
            throw refuse(
              FORBIDDEN,
              `This caller may act only for the partner its ${headerName} header names.`,
            );
          }
        },
      };
    },
  };
}

function refuse(code: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status: 200 } } });
}

function actedFor(
  operation: OperationDefinitionNode,
  document: DocumentNode,
  variables: Record<string, unknown>,
): ActedFor {
  const acted: ActedFor = { orderFlow: false, partnerIds: [] };
  for (const field of rootFieldsOf(operation, document)) {
    const path = PARTNER_ID_PATHS[field.name];
    if (path !== undefined) {
      const [argument, ...inside] = path;
      acted.orderFlow = true;
      acted.partnerIds.push(valueAt(argumentValue(field, argument ?? '', variables), inside));
    } else if (field.name === '_entities') {
      for (const representation of asList(argumentValue(field, 'representations', variables))) {
        if (!PARTNER_ENTITIES.has(String(valueAt(representation, ['__typename'])))) continue;
        acted.orderFlow = true;
        acted.partnerIds.push(valueAt(representation, ['partnerId']));
      }
    }
  }
  return acted;
}

function valueAt(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** As GraphQL coerces an ID: a string, or an integer written as one. */
function asId(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return String(value);
  return undefined;
}
