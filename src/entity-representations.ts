import {
  GraphQLError,
  Kind,
  defaultFieldResolver,
  type ConstDirectiveNode,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';

/**
 * Representations reach `_entities` as `_Any`, so nothing has checked them:
 * @apollo/subgraph throws a plain error for a `__typename` it does not know,
 * failing every representation of the batch, and a reference resolver given
 * no key loads `undefined`. Both are the caller's mistake: each such
 * representation is answered BAD_USER_INPUT in its own slot, and the rest
 * resolve. ID and String key fields are checked here as GraphQL coerces an
 * ID; custom scalar keys (MobileLine's) are checked by their scalar in the
 * reference resolver.
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
    const answers: unknown[] = Array.isArray(resolved) ? (resolved as unknown[]) : [];
    let next = 0;
    return refusals.map((refusal): unknown => refusal ?? answers[next++]);
  };
  return schema;
}

/**
 * For each entity this subgraph resolves (its `@key` is not `resolvable:
 * false`), the key field sets whose ID or String fields are checked here.
 */
function checkedEntityKeys(schema: GraphQLSchema): Map<string, string[][]> {
  // Duck-typed, not isUnionType: under vitest this module may get graphql's
  // ESM build while @apollo/subgraph built the schema with its CommonJS one.
  const union = schema.getType('_Entity');
  const keys = new Map<string, string[][]>();
  if (union === undefined || !('getTypes' in union)) return keys;
  for (const type of union.getTypes()) {
    const fields = type.getFields();
    const idLike = (field: string) =>
      ['ID', 'String'].includes(String(fields[field]?.type).replace(/!$/, ''));
    const resolvable = keyDirectives(type)
      .filter((directive) => argumentValue(directive, 'resolvable') !== false)
      .map((directive) =>
        String(argumentValue(directive, 'fields') ?? '')
          .split(/\s+/)
          .filter(idLike),
      );
    if (resolvable.length > 0) keys.set(type.name, resolvable);
  }
  return keys;
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
  checkedKeys: Map<string, string[][]>,
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
  const hasKey = keySets.some((keyFields) => keyFields.every((field) => isId(fields[field])));
  return hasKey ? undefined : refuse(`lacks the key fields of ${String(typename)}`);
}

/** What GraphQL coerces to an ID: a string or an integer. */
function isId(value: unknown): boolean {
  return typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value));
}
