import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';

/**
 * The custom scalars. Each rejects a malformed value while the operation is
 * validated, so a bad msisdn or business id never costs an upstream call.
 */
function stringScalar(options: {
  name: string;
  description: string;
  pattern: RegExp;
  expected: string;
}): GraphQLScalarType<string, string> {
  const check = (value: unknown): string => {
    if (typeof value !== 'string' || !options.pattern.test(value)) {
      throw new GraphQLError(`${options.name} must be ${options.expected}.`);
    }
    return value;
  };
  return new GraphQLScalarType<string, string>({
    name: options.name,
    description: options.description,
    serialize: check,
    parseValue: check,
    parseLiteral(ast: ValueNode) {
      if (ast.kind !== Kind.STRING) {
        throw new GraphQLError(`${options.name} must be ${options.expected}, given as a string.`, {
          nodes: ast,
        });
      }
      return check(ast.value);
    },
  });
}

export const Msisdn = stringScalar({
  name: 'Msisdn',
  description: "A mobile number, E.164 digits without '+': 8 to 15 digits.",
  pattern: /^\d{8,15}$/,
  expected: "8 to 15 digits (E.164 without '+')",
});

export const BusinessId = stringScalar({
  name: 'BusinessId',
  description: 'Two-letter ISO 3166-1 code of a business unit: PR, JM, TT, BB, PA, ...',
  pattern: /^[A-Z]{2}$/,
  expected: 'two upper-case letters (ISO 3166-1 alpha-2)',
});

export const Decimal = stringScalar({
  name: 'Decimal',
  description: 'A decimal amount serialized as a string ("7.99"). Never a float.',
  pattern: /^-?\d{1,15}(\.\d{1,8})?$/,
  expected: 'a decimal number written as a string, e.g. "7.99"',
});

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]00:00)$/;

function toIsoUtc(value: unknown): string {
  const date =
    value instanceof Date
      ? value
      : typeof value === 'string' && ISO_UTC.test(value)
        ? new Date(value)
        : null;
  if (!date || Number.isNaN(date.getTime())) {
    throw new GraphQLError(
      'DateTime must be an ISO 8601 date-time in UTC, e.g. 2026-01-31T12:00:00Z.',
    );
  }
  return date.toISOString();
}

export const DateTime = new GraphQLScalarType<string, string>({
  name: 'DateTime',
  description: 'An ISO 8601 date-time in UTC.',
  serialize: toIsoUtc,
  parseValue: toIsoUtc,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) {
      throw new GraphQLError('DateTime must be a string.', { nodes: ast });
    }
    return toIsoUtc(ast.value);
  },
});
