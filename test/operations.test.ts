import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSchema } from '../src/schema.js';
import { exampleOperationNames, readExampleOperation } from './federation/example-operations.js';
import { nodeGraphql } from './federation/node-graphql.js';
import { graphql, startTestStack, type TestStack } from './helpers/app.js';

const schema = buildSchema();
const names = exampleOperationNames();

/** Result unions whose members an operation does not all select by name. */
function unhandledUnionMembers(document: string): string[] {
  const typeInfo = new nodeGraphql.TypeInfo(schema);
  const missing: string[] = [];
  nodeGraphql.visit(
    parse(document),
    nodeGraphql.visitWithTypeInfo(typeInfo, {
      Field(node) {
        // The field's type as printed ("[MobileLineResult!]!") without its wrappers.
        const typeName = String(typeInfo.getType()).replace(/[[\]!]/g, '');
        const union = schema.getType(typeName);
        if (!nodeGraphql.isUnionType(union) || !node.selectionSet) return;
        const handled = new Set(
          node.selectionSet.selections.flatMap((selection) =>
            selection.kind === Kind.INLINE_FRAGMENT && selection.typeCondition
              ? [selection.typeCondition.name.value]
              : [],
          ),
        );
        for (const member of union.getTypes()) {
          if (!handled.has(member.name)) missing.push(`${node.name.value}: ${member.name}`);
        }
      },
    }),
  );
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

describe('the example operations, run as written against the sandboxes', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack.close());

  async function runExample(name: string) {
    const { document, variables } = readExampleOperation(name);
    const response = await graphql(stack.graphqlUrl, document, variables ?? {});
    expect(response.body.errors).toBeUndefined();
    return response.body.data ?? {};
  }

  it('reads the seed line, then several lines with one unknown', async () => {
    expect(await runExample('mobile-line-addons')).toMatchObject({
      mobileLine: { __typename: 'MobileLine', plan: { id: 'PR_B2C_ULT_Extra_MB_Line' } },
    });
    const { mobileLines } = (await runExample('mobile-lines')) as {
      mobileLines: { __typename: string }[];
    };
    expect(mobileLines.map((line) => line.__typename)).toEqual([
      'MobileLine',
      'MobileLine',
      'LineNotFoundError',
    ]);
  });

  it('goes through the ordering flow with the variables each file gives', async () => {
    expect(await runExample('rcc-disclosure')).toMatchObject({
      rccDisclosure: { __typename: 'RccDisclosure', partnerOrderId: 'PO-1001' },
    });
    expect(await runExample('send-rcc')).toMatchObject({
      sendRcc: { __typename: 'RccSent', destination: '***0123' },
    });
    expect(await runExample('rcc-acceptance')).toMatchObject({
      rccAcceptance: { __typename: 'RccAcceptanceStatus', accepted: true },
    });
    expect(await runExample('complete-order')).toMatchObject({
      completeOrder: { __typename: 'OrderCompleted', replayed: false },
    });
    expect(await runExample('order')).toMatchObject({
      order: { partnerOrderId: 'PO-1001', rccAcceptance: { method: 'SMS' } },
    });
  });
});
