import {
  GraphQLError,
  Kind,
  defaultFieldResolver,
  type ConstDirectiveNode,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
} from 'graphql';

/**
 * Representations reach `_entities` as `_Any`, so nothing has checked them:
 * @apollo/subgraph throws a plain error for a `__typename` it does not know,
 * failing every representation of the batch, a reference resolver given no
 * key loads `undefined`, and one given a malformed key (an msisdn of letters)
 * would spend an upstream call on it. All are the caller's mistake: each such
 * representation is answered BAD_USER_INPUT in its own slot, and the rest
 * resolve. Every key field is checked as its type coerces a variable: an ID
 * or String as GraphQL does, a custom scalar (Msisdn, BusinessId) by its own
 * parseValue, so reference resolvers get keys as well-formed as arguments.
 */
export function guardEntityRepresentations(schema: GraphQLSchema): GraphQLSchema {
  const entities = schema.getQueryType()?.getFields()['_entities'];
  if (!entities) return schema;
  const checkedKeys = checkedEntityKeys(schema);
  const resolve = entities.resolve ?? defaultFieldResolver;
  entities.resolve = async (source, args: { representations?: unknown }, context, info) => {
    const representations = Array.isArray(args.representations) ? args.representations : [];
    const refusals = representations.map((representation, index) =>
      refusalOf(representation, index, checkedKeys),
    );
    const accepted = representations.filter((_, index) => refusals[index] === undefined);
    const resolved: unknown = await resolve(
      source,
      { ...args, representations: accepted },
      context,
      info,
    );
    const answers = Array.isArray(resolved) ? await settled(resolved as unknown[]) : [];
    let next = 0;
    return refusals.map((refusal): unknown => refusal ?? answers[next++]);
  };
  return schema;
}

/**
 * Each reference's answer, or its failure as an error value, which both
 * executors answer in the item's own slot. graphql-jit (0.8.9) appends a
 * rejected list item to the list instead of setting its index, so a reference
 * failing after a later one answered would shift the answers.
 */
async function settled(answers: unknown[]): Promise<unknown[]> {
  const outcomes = await Promise.allSettled(answers);
  return outcomes.map((outcome) =>
    outcome.status === 'fulfilled' ? outcome.value : asError(outcome.reason),
  );
}

function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(`Unexpected error value: ${String(reason)}`);
}

/** A key field and how a representation's value for it is checked; a reason when it fails. */
interface KeyField {
  name: string;
  problem(value: unknown): string | undefined;
}

/**
 * For each entity this subgraph resolves (its `@key` is not `resolvable:
 * false`), its key field sets, each field with its check.
 */
function checkedEntityKeys(schema: GraphQLSchema): Map<string, KeyField[][]> {
  // Duck-typed, not isUnionType: under vitest this module may get graphql's
  // ESM build while @apollo/subgraph built the schema with its CommonJS one.
  const union = schema.getType('_Entity');
  const keys = new Map<string, KeyField[][]>();
  if (union === undefined || !('getTypes' in union)) return keys;
  for (const type of union.getTypes()) {
    const fields = type.getFields();
    const resolvable = keyDirectives(type)
      .filter((directive) => argumentValue(directive, 'resolvable') !== false)
      .map((directive) =>
        String(argumentValue(directive, 'fields') ?? '')
          .split(/\s+/)
          .flatMap((name) => {
            const field = fields[name];
            return field ? [keyField(name, field.type)] : [];
          }),
      );
    if (resolvable.length > 0) keys.set(type.name, resolvable);
  }
  return keys;
}

function keyField(name: string, type: GraphQLOutputType): KeyField {
  // Unwrapped by shape, not getNamedType, for the same two-builds reason as above.
  let named: GraphQLOutputType = type;
  while ('ofType' in named) named = named.ofType;
  if (named.name === 'ID' || named.name === 'String') {
    return { name, problem: (value) => (isId(value) ? undefined : 'is missing or not an ID') };
  }
  const parseValue = 'parseValue' in named ? named.parseValue.bind(named) : undefined;
  return {
    name,
    problem(value) {
      // The scalar judges a missing value too, in its own words.
      if (parseValue === undefined) return value === undefined ? 'is missing' : undefined;
      try {
        parseValue(value);
        return undefined;
      } catch (error) {
        return error instanceof Error ? error.message : 'is malformed';
      }
    },
  };
}

function keyDirectives(type: GraphQLObjectType): ConstDirectiveNode[] {
  return [type.astNode, ...type.extensionASTNodes]
    .flatMap((node) => node?.directives ?? [])
    .filter((directive) => directive.name.value === 'key');
}

function argumentValue(directive: ConstDirectiveNode, name: string): string | boolean | undefined {
  const value = directive.arguments?.find((arg) => arg.name.value === name)?.value;
  return value?.kind === Kind.STRING || value?.kind === Kind.BOOLEAN ? value.value : undefined;
}

function refusalOf(
  representation: unknown,
  index: number,
  checkedKeys: Map<string, KeyField[][]>,
): GraphQLError | undefined {
  const refuse = (reason: string) =>
    new GraphQLError(`_entities: representation ${index} ${reason}`, {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  if (typeof representation !== 'object' || representation === null) {
    return refuse('must be an object');
  }
  const fields = representation as Record<string, unknown>;
  const typename = fields['__typename'];
  const keySets = typeof typename === 'string' ? checkedKeys.get(typename) : undefined;
  if (keySets === undefined) {
    return refuse('must name an entity this subgraph resolves in __typename');
  }
  // The problems of the first key set, unless another set is complete.
  const problems = keySets.map((keyFields) =>
    keyFields.flatMap((field) => {
      const problem = field.problem(fields[field.name]);
      return problem === undefined ? [] : [`${field.name} ${problem}`];
    }),
  );
  if (problems.some((found) => found.length === 0)) return undefined;
  return refuse(`of ${String(typename)}: ${(problems[0] ?? []).join('; ')}`);
}

/** What GraphQL coerces to an ID: a string or an integer. */
function isId(value: unknown): boolean {
  return typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value));
}
