// graphql-codegen plugin: Apollo Client type policies from the schema's @key
// directives. No maintained plugin derives keyFields from federation keys
// (typescript-apollo-client-helpers only types hand-written policies), so the
// keys a client cache uses are read here from the same SDL the subgraph serves.
'use strict';

const { getNamedType, isObjectType, isUnionType, isInterfaceType } = require('graphql');

/** The flat field list of the first @key on a type, or null when it has none. */
function keyFieldsOf(type) {
  const nodes = [type.astNode, ...(type.extensionASTNodes ?? [])].filter(Boolean);
  const keys = nodes.flatMap((node) =>
    (node.directives ?? []).filter((directive) => directive.name.value === 'key'),
  );
  if (keys.length === 0) return null;
  if (keys.length > 1) {
    throw new Error(`${type.name} has ${keys.length} @key directives; a client cache keeps one`);
  }
  const fields = keys[0].arguments.find((argument) => argument.name.value === 'fields');
  const selection = fields.value.value.trim();
  if (/[{}]/.test(selection)) {
    throw new Error(`${type.name}: nested @key fields ("${selection}") need nested keyFields`);
  }
  return selection.split(/\s+/);
}

/** The keyed type a root field can be read from: its arguments are exactly that type's key. */
function entityReadBy(schema, field, keyed) {
  const returned = getNamedType(field.type);
  const candidates = isObjectType(returned)
    ? [returned]
    : isUnionType(returned) || isInterfaceType(returned)
      ? schema.getPossibleTypes(returned)
      : [];
  const argumentNames = field.args.map((argument) => argument.name).sort();
  const matches = candidates.filter((candidate) => {
    const key = keyed.get(candidate.name);
    return key !== undefined && [...key].sort().join(' ') === argumentNames.join(' ');
  });
  return matches.length === 1 ? matches[0] : null;
}

module.exports = {
  plugin(schema) {
    const keyed = new Map();
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      const key = keyFieldsOf(type);
      if (key) keyed.set(type.name, key);
    }
    const lines = [
      `import type { FieldReadFunction, StoreValue, TypePolicies } from '@apollo/client';`,
      ``,
      `/** Reads a root field from the cached object its arguments are the key of, else from what the field cached itself. */`,
      `function readByKey(__typename: string, keyFields: readonly string[]): FieldReadFunction<StoreValue> {`,
      `  return (existing, { args, toReference, canRead }) => {`,
      `    if (!args) return existing;`,
      `    const key = args as Record<string, StoreValue>;`,
      `    const cached = toReference({`,
      `      __typename,`,
      `      ...Object.fromEntries(keyFields.map((field) => [field, key[field]])),`,
      `    });`,
      `    return canRead(cached) ? cached : existing;`,
      `  };`,
      `}`,
      ``,
      `/**`,
      ` * keyFields from each type's @key, and reads of root fields whose arguments`,
      ` * are a keyed type's key answered from that cached object.`,
      ` */`,
      `export const typePolicies = {`,
    ];
    for (const [typeName, key] of [...keyed].sort(([a], [b]) => a.localeCompare(b))) {
      lines.push(`  ${typeName}: { keyFields: [${key.map((name) => `'${name}'`).join(', ')}] },`);
    }
    const queryType = schema.getQueryType();
    const reads = Object.values(queryType?.getFields() ?? {})
      .filter((field) => !field.name.startsWith('_'))
      .flatMap((field) => {
        const entity = entityReadBy(schema, field, keyed);
        if (!entity) return [];
        const key = keyed
          .get(entity.name)
          .map((name) => `'${name}'`)
          .join(', ');
        return [`      ${field.name}: { read: readByKey('${entity.name}', [${key}]) },`];
      });
    if (reads.length > 0 && queryType) {
      lines.push(`  ${queryType.name}: {`, `    fields: {`);
      lines.push(...reads);
      lines.push(`    },`, `  },`);
    }
    lines.push(`} satisfies TypePolicies;`, ``);
    return lines.join('\n');
  },
};
