import type { ApolloServerPlugin } from '@apollo/server';
import {
  GraphQLError,
  OperationTypeNode,
  type DocumentNode,
  type OperationDefinitionNode,
} from 'graphql';
import { argumentValue, asList, rootFieldsOf } from './operation-fields.js';
import { MAX_LINES_PER_OPERATION } from '../../loaders/line-by-key.js';

export const TOO_MANY_LINES = 'TOO_MANY_LINES';
export const TOO_MANY_REPRESENTATIONS = 'TOO_MANY_REPRESENTATIONS';

export interface FanOutLimits {
  /** MAX_REPRESENTATIONS: representations one request may carry, over all its `_entities` fields. */
  maxRepresentations: number;
}

/** What an operation's root fields ask for, counted from its arguments before anything runs. */
interface Asked {
  representations: number;
  /** Each msisdn of mobileLines and each mobileLine, as written. */
  listedLines: number;
  /** MobileLine representations, by key: a router may repeat one, which costs one read. */
  referencedLines: Set<string>;
}

/**
 * Refuses, as a whole and before execution, an operation that would fan out
 * to more upstream reads than the limits allow: HTTP 400 and one error.
 * Counted from the arguments as sent (variables not yet coerced), so
 * refusing 40,000 representations costs a length check, not the per-item
 * work of coercing, guarding and answering each one. Fields under
 * `@skip`/`@include` count as if included.
 */
export function fanOutLimitsPlugin(limits: FanOutLimits): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, request }) {
          if (operation === undefined) return;
          const refusal = refusalOf(
            askedBy(operation, document, request.variables ?? {}, limits),
            limits,
          );
          if (refusal) throw refusal;
        },
      };
    },
  };
}

function refusalOf(asked: Asked, limits: FanOutLimits): GraphQLError | undefined {
  if (asked.representations > limits.maxRepresentations) {
    return refuse(
      TOO_MANY_REPRESENTATIONS,
      `_entities: at most ${limits.maxRepresentations} representations per request.`,
    );
  }
  if (asked.listedLines + asked.referencedLines.size > MAX_LINES_PER_OPERATION) {
    return refuse(
      TOO_MANY_LINES,
      `At most ${MAX_LINES_PER_OPERATION} lines per operation, mobileLines, mobileLine and MobileLine representations together.`,
    );
  }
  return undefined;
}

function refuse(code: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status: 400 } } });
}

function askedBy(
  operation: OperationDefinitionNode,
  document: DocumentNode,
  variables: Record<string, unknown>,
  limits: FanOutLimits,
): Asked {
  const asked: Asked = { representations: 0, listedLines: 0, referencedLines: new Set() };
  if (operation.operation !== OperationTypeNode.QUERY) return asked;
  for (const field of rootFieldsOf(operation, document)) {
    switch (field.name) {
      case 'mobileLine':
        asked.listedLines += 1;
        break;
      case 'mobileLines':
        asked.listedLines += asList(argumentValue(field, 'msisdns', variables)).length;
        break;
      case '_entities': {
        const representations = asList(argumentValue(field, 'representations', variables));
        asked.representations += representations.length;
        // Keys are read only once the count is known to be within bounds.
        if (asked.representations > limits.maxRepresentations) return asked;
        for (const representation of representations) {
          const key = mobileLineKey(representation);
          if (key !== undefined) asked.referencedLines.add(key);
        }
        break;
      }
      default:
        break;
    }
  }
  return asked;
}

function mobileLineKey(representation: unknown): string | undefined {
  if (typeof representation !== 'object' || representation === null) return undefined;
  const fields = representation as Record<string, unknown>;
  if (fields['__typename'] !== 'MobileLine') return undefined;
  return JSON.stringify([fields['businessId'], fields['msisdn']]);
}
