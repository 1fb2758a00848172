import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import type {
  GraphQLError,
  GraphQLFormattedError,
  ValidationContext,
  ValidationRule,
} from 'graphql';

export interface QueryLimits {
  maxDepth: number;
  maxCost: number;
  maxAliases: number;
  maxDirectives: number;
  maxTokens: number;
}

/**
 * Depth, cost, alias and directive limits as validation rules (graphql-armor),
 * and the token limit through Apollo's own parser option: graphql-armor's
 * token plugin answers 500 on Apollo. Fragments do not count as depth or
 * cost levels, since a router's `_entities` fetch is `... on MobileLine {...}`
 * under a list; what a client cannot nest is fields. Rejections never state
 * a configured limit.
 *
 * graphql-armor throws its rejections by default, which Apollo answers as an
 * unexpected error (500, logged without the request); reported to the
 * validation context instead, they are validation errors (400). Aliases of
 * `__typename`, which armor lets through by default, count like any other.
 */
export function queryLimits(limits: QueryLimits): {
  validationRules: ValidationRule[];
  parseOptions: { maxTokens: number };
} {
  return {
    validationRules: [
      maxDepthRule({
        n: limits.maxDepth,
        flattenFragments: true,
        ignoreIntrospection: true,
        ...rejectAsValidationError('the operation is nested too deeply.'),
      }),
      costLimitRule({
        maxCost: limits.maxCost,
        flattenFragments: true,
        ignoreIntrospection: true,
        ...rejectAsValidationError('the operation is too expensive.'),
      }),
      maxAliasesRule({
        n: limits.maxAliases,
        allowList: [],
        ...rejectAsValidationError('the operation has too many aliases.'),
      }),
      maxDirectivesRule({
        n: limits.maxDirectives,
        ...rejectAsValidationError('the operation has too many directives.'),
      }),
    ],
    parseOptions: { maxTokens: limits.maxTokens },
  };
}

function rejectAsValidationError(errorMessage: string) {
  return {
    exposeLimits: false,
    errorMessage,
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) => context?.reportError(error),
    ],
  };
}

/** graphql-js states its token limit in the parse error; clients are told the document is too large. */
export function hideTokenLimit(error: GraphQLFormattedError): GraphQLFormattedError {
  if (error.extensions?.['code'] !== 'GRAPHQL_PARSE_FAILED' || !/tokens/i.test(error.message))
    return error;
  return { ...error, message: 'Syntax Error: the document is too large.' };
}
