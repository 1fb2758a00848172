import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gql } from '@apollo/client';
import {
  Kind,
  parse,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { typePolicies } from '../schema/client/type-policies.js';
import { projectRoot } from '../src/graphql/project-root.js';
import { fragmentsByName } from '../src/graphql/example-operations.js';
import { buildSchema } from '../src/graphql/schema.js';
import { exampleOperationNames, readExampleOperation } from './federation/example-operations.js';
import { nodeGraphql } from '../schema/supergraph/node-graphql.js';
import {
  apolloDevelopmentBuild,
  captureConsole,
  createApolloClient,
} from './helpers/apollo-client.js';
import { answerOf, graphql, startTestStackForTest, useTestStack } from './helpers/app.js';

const schema = buildSchema();
const names = exampleOperationNames();

/** Calls `visit` for each field of `document` that has a selection set, with its named return type. */
function forEachObjectField(
  document: string,
  visit: (field: FieldNode, returned: GraphQLNamedType) => void,
): void {
  const typeInfo = new nodeGraphql.TypeInfo(schema);
  nodeGraphql.visit(
    parse(document),
    nodeGraphql.visitWithTypeInfo(typeInfo, {
      Field(node) {
        // The field's type as printed ("[MobileLineResult!]!") without its wrappers.
        const returned = schema.getType(String(typeInfo.getType()).replace(/[[\]!]/g, ''));
        if (node.selectionSet && returned) visit(node, returned);
      },
    }),
  );
}

/** Type names a selection set's fragments select by name, inline or spread, nested ones too. */
function typeConditionsIn(
  selectionSet: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
): string[] {
  return selectionSet.selections.flatMap((selection) => {
    const fragment =
      selection.kind === Kind.FRAGMENT_SPREAD
        ? fragments.get(selection.name.value)
        : selection.kind === Kind.INLINE_FRAGMENT
          ? selection
          : undefined;
    if (!fragment) return [];
    const named = fragment.typeCondition ? [fragment.typeCondition.name.value] : [];
    return [...named, ...typeConditionsIn(fragment.selectionSet, fragments)];
  });
}

/** Result unions whose members an operation does not all select by name. */
function unhandledUnionMembers(document: string): string[] {
  const missing: string[] = [];
  const fragments = fragmentsByName(parse(document));
  forEachObjectField(document, (node, union) => {
    if (!nodeGraphql.isUnionType(union) || !node.selectionSet) return;
    const handled = new Set(typeConditionsIn(node.selectionSet, fragments));
    for (const member of union.getTypes()) {
      if (!handled.has(member.name)) missing.push(`${node.name.value}: ${member.name}`);
    }
  });
  return missing;
}

/** The key fields of every type the generated type policies normalize. */
const keyFieldsByType = new Map(
  Object.entries(typePolicies).flatMap(([typeName, policy]) =>
    'keyFields' in policy ? [[typeName, policy.keyFields as readonly string[]] as const] : [],
  ),
);

/** Field names a selection set asks for on `typeName`, through fragments on that type. */
function selectedOn(
  selectionSet: SelectionSetNode,
  typeName: string,
  fragments: Map<string, FragmentDefinitionNode>,
): Set<string> {
  const names = new Set<string>();
  const walk = (selections: readonly SelectionNode[]) => {
    for (const selection of selections) {
      if (selection.kind === Kind.FIELD) {
        names.add(selection.alias?.value ?? selection.name.value);
        continue;
      }
      const fragment =
        selection.kind === Kind.FRAGMENT_SPREAD ? fragments.get(selection.name.value) : selection;
      if (fragment && (!fragment.typeCondition || fragment.typeCondition.name.value === typeName))
        walk(fragment.selectionSet.selections);
    }
  };
  walk(selectionSet.selections);
  return names;
}

/** Keyed objects an operation can return without `__typename` or one of their key fields. */
function keylessObjects(document: string): string[] {
  const missing: string[] = [];
  const fragments = fragmentsByName(parse(document));
  forEachObjectField(document, (node, returned) => {
    const members = nodeGraphql.isAbstractType(returned)
      ? schema.getPossibleTypes(returned)
      : [returned];
    for (const member of members) {
      const key = keyFieldsByType.get(member.name);
      if (!key || !node.selectionSet) continue;
      const selected = selectedOn(node.selectionSet, member.name, fragments);
      for (const wanted of ['__typename', ...key]) {
        if (!selected.has(wanted)) missing.push(`${node.name.value} (${member.name}): ${wanted}`);
      }
    }
  });
  return missing;
}

describe('the example operations under schema/operations', () => {
  it('are there, one per flow', () => {
    expect(names).toEqual([
      'complete-order',
      'mobile-line-addons',
      'mobile-lines',
      'order',
      'rcc-acceptance',
      'rcc-disclosure',
      'send-rcc',
    ]);
  });

  it.each(names)(
    '%s validates against the schema and handles every member of its unions',
    (name) => {
      const { document } = readExampleOperation(name);
      const parsed = parse(document);
      expect(nodeGraphql.validate(schema, parsed).map((error) => error.message)).toEqual([]);
      const operations = parsed.definitions.filter(
        (definition): definition is OperationDefinitionNode =>
          definition.kind === Kind.OPERATION_DEFINITION,
      );
      expect(operations).toHaveLength(1);
      expect(operations[0]?.name?.value).toMatch(/^[A-Z][A-Za-z]+$/);
      expect(unhandledUnionMembers(document)).toEqual([]);
      expect(keylessObjects(document)).toEqual([]);
    },
  );

  it('use every root field of the public API', () => {
    const used = new Set(
      names.flatMap((name) =>
        parse(readExampleOperation(name).document).definitions.flatMap((definition) =>
          definition.kind === Kind.OPERATION_DEFINITION
            ? definition.selectionSet.selections.flatMap((selection) =>
                selection.kind === Kind.FIELD ? [selection.name.value] : [],
              )
            : [],
        ),
      ),
    );
    const rootFields = [schema.getQueryType(), schema.getMutationType()].flatMap((type) =>
      Object.keys(type?.getFields() ?? {}).filter((field) => !field.startsWith('_')),
    );
    expect(rootFields.filter((field) => !used.has(field))).toEqual([]);
  });
});

/** The README up to its supergraph section: what runs against this subgraph alone. */
const readmeOwnPart = () => {
  const readme = readFileSync(join(projectRoot(), 'README.md'), 'utf8');
  return readme.slice(0, readme.indexOf('## Compose it into a supergraph'));
};

/** The README's code blocks in one language, as written (list indentation removed). */
function readmeBlocks(language: 'graphql' | 'json'): string[] {
  return [
    ...readmeOwnPart().matchAll(new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``, 'g')),
  ].map((match) => (match[1] ?? '').replace(/^ {3}/gm, ''));
}
const readmeExamples = () => readmeBlocks('graphql');

describe("the README's example operations", () => {
  const examples = readmeExamples();

  it('are there: the lines and every step of the ordering flow', () => {
    expect(examples.length).toBeGreaterThanOrEqual(5);
  });

  it.each(examples.map((document) => [document.split('\n')[0], document]))(
    '%s validates and selects the key fields of every keyed object',
    (_name, document) => {
      expect(nodeGraphql.validate(schema, parse(document)).map((error) => error.message)).toEqual(
        [],
      );
      expect(keylessObjects(document)).toEqual([]);
    },
  );

  it('answers its first one with the JSON it shows', async () => {
    const stack = await startTestStackForTest();
    const response = await graphql(stack.graphqlUrl, examples[0] ?? '');
    expect(response.body).toEqual(JSON.parse(readmeBlocks('json')[0] ?? 'null'));
  });
});

describe('the example operations, run as written against the sandboxes', () => {
  const stack = useTestStack();

  /** The root field's answer to the example operation `name`, with the variables its file gives. */
  function runExample<TAnswer = Record<string, unknown>>(name: string) {
    const { document, variables } = readExampleOperation(name);
    return answerOf<TAnswer>(stack, document, variables ?? {});
  }

  it('reads the seed line, then several lines with one unknown', async () => {
    expect(await runExample('mobile-line-addons')).toMatchObject({
      __typename: 'MobileLine',
      plan: { id: 'PR_B2C_ULT_Extra_MB_Line' },
    });
    const mobileLines = await runExample<{ __typename: string }[]>('mobile-lines');
    expect(mobileLines.map((line) => line.__typename)).toEqual([
      'MobileLine',
      'MobileLine',
      'LineNotFoundError',
    ]);
  });

  it('goes through the ordering flow with the variables each file gives', async () => {
    expect(await runExample('rcc-disclosure')).toMatchObject({
      __typename: 'RccDisclosure',
      partnerOrderId: 'PO-1001',
    });
    expect(await runExample('send-rcc')).toMatchObject({
      __typename: 'RccSent',
      destination: '***0123',
    });
    expect(await runExample('rcc-acceptance')).toMatchObject({
      __typename: 'RccAcceptanceStatus',
      accepted: true,
    });
    expect(await runExample('complete-order')).toMatchObject({
      __typename: 'OrderCompleted',
      replayed: false,
    });
    expect(await runExample('order')).toMatchObject({
      __typename: 'Order',
      partnerOrderId: 'PO-1001',
      rccAcceptance: { method: 'SMS' },
    });
  });
});

describe('the example operations, run as written through Apollo Client with the generated type policies', () => {
  const stack = useTestStack();
  let console_: ReturnType<typeof captureConsole>;
  beforeEach(() => {
    console_ = captureConsole();
  });
  afterEach(() => {
    console_.restore();
  });

  it('runs every example in flow order with no cache warning', async () => {
    expect(apolloDevelopmentBuild).toBe(true);
    const client = createApolloClient(stack.graphqlUrl);
    const order = [
      'mobile-line-addons',
      'mobile-lines',
      'rcc-disclosure',
      'send-rcc',
      'rcc-acceptance',
      'complete-order',
      'order',
    ];
    expect([...order].sort()).toEqual(names);
    const typenames: string[] = [];
    for (const name of order) {
      const { document, variables } = readExampleOperation(name);
      const query = gql(document);
      const isMutation = document
        .trimStart()
        .replace(/^(#.*\n)+/, '')
        .startsWith('mutation');
      const { data } = isMutation
        ? await client.mutate({ mutation: query, variables: variables ?? {} })
        : await client.query({ query, variables: variables ?? {}, fetchPolicy: 'network-only' });
      const root = Object.values(data as Record<string, unknown>)[0];
      typenames.push(
        ...(Array.isArray(root) ? root : [root]).map(
          (value) => (value as { __typename: string }).__typename,
        ),
      );
    }
    expect(typenames).toEqual([
      'MobileLine',
      'MobileLine',
      'MobileLine',
      'LineNotFoundError',
      'RccDisclosure',
      'RccSent',
      'RccAcceptanceStatus',
      'OrderCompleted',
      'Order',
    ]);
    expect(console_.take()).toEqual([]);
  });
});
