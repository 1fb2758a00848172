import { setTimeout as sleep } from 'node:timers/promises';
import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plannedEntityFetches, type EntityName } from './helpers/entity-fetches.js';
import { graphql, startTestStack, type GraphQLResponse, type TestStack } from './helpers/app.js';

/**
 * Depth, alias, token and cost limits refuse attackers' documents with a
 * clear error that never states the configured number, while what a router
 * really sends (the planner's `_entities` fetches, 50 representations each,
 * and `_service { sdl }`) and what Apollo Sandbox sends (introspection) pass.
 */
const REPRESENTATIONS = 50;

const SENT_BY_HAND_FOR_MOBILE_LINE =
  'query($representations:[_Any!]!){_entities(representations:$representations){...on MobileLine{businessId msisdn planType plan{id name} addons{product{id name} prices{name description dutyFreeAmount{amount currency}}}}}}';

const FIXTURE_LINES = ['16654555678', '17875550101', '17875550102'];

function representationsOf(entity: EntityName): Record<string, string>[] {
  return Array.from({ length: REPRESENTATIONS }, (_, index): Record<string, string> => {
    switch (entity) {
      case 'MobileLine':
        return {
          __typename: 'MobileLine',
          businessId: 'PR',
          msisdn: FIXTURE_LINES[index % FIXTURE_LINES.length] ?? '16654555678',
        };
      case 'Order':
        return { __typename: 'Order', partnerId: 'P-1001', partnerOrderId: `PO-unknown-${index}` };
      case 'RccDisclosure':
        return {
          __typename: 'RccDisclosure',
          partnerId: 'P-1001',
          partnerOrderId: `PO-unknown-${index}`,
          transactionId: `TX-unknown-${index}`,
        };
    }
  });
}

/** The counter once it has stopped moving for a moment. */
async function settledCount(count: () => number): Promise<number> {
  for (let last = -1, rounds = 0; rounds < 100; rounds++) {
    const now = count();
    if (now === last) return now;
    last = now;
    await sleep(200);
  }
  throw new Error('the upstream calls never settled');
}

const repeat = (times: number, make: (index: number) => string) =>
  Array.from({ length: times }, (_, index) => make(index)).join(' ');

/** Nests `levels` copies of `open` (which opens selection sets) around `inner`, and closes them. */
const nested = (levels: number, open: string, inner: string) =>
  `${open.repeat(levels)} ${inner} ${'}'.repeat(levels * open.split('{').length - levels)}`;

const ATTACKS: Record<string, string> = {
  'fields nested deep through introspection types': `{ __schema { types { ${nested(40, 'fields { type { ', 'name')} } } }`,
  'fields nested deep through ofType': `{ __type(name: "Query") { ${nested(200, 'ofType { ', 'name')} } }`,
  'a thousand aliases of a cheap field': `{ ${repeat(1000, (index) => `a${index}: __typename`)} }`,
  'a hundred aliases of an upstream read': `{ ${repeat(100, (index) => `l${index}: mobileLine(businessId: "PR", msisdn: "16654555678") { __typename }`)} }`,
  'a document of huge token count, under the body limit': `{ ${repeat(8_000, () => '__typename')} }`,
  'an expensive list, multiplied through fragment spreads': `
    query { mobileLines(businessId: "PR", msisdns: ["16654555678"]) { ...L } }
    fragment L on MobileLine { ${repeat(600, () => '...A')} }
    fragment A on MobileLine { plan { id name } addons { product { id name } prices { name description dutyFreeAmount { amount currency } } } }`,
};

describe('query limits', () => {
  let stack: TestStack;
  let fetches: Record<EntityName, string>;
  beforeAll(async () => {
    stack = await startTestStack();
    fetches = plannedEntityFetches();
  });
  afterAll(() => stack.close());

  const limitCodes = ['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED'];
  const refusedByLimit = (response: GraphQLResponse) =>
    (response.body.errors ?? []).some((error) =>
      limitCodes.includes(String(error.extensions?.['code'])),
    );

  it.each(['MobileLine', 'Order', 'RccDisclosure'] as const)(
    "lets the router's planned _entities fetch for %s with 50 representations through",
    async (entity) => {
      const document = fetches[entity];
      expect(document).toContain(`_entities(representations:$representations){...on ${entity}`);
      const response = await graphql<{ _entities: unknown[] }>(stack.graphqlUrl, document, {
        representations: representationsOf(entity),
      });
      expect(response.status).toBe(200);
      expect(refusedByLimit(response), JSON.stringify(response.body.errors)).toBe(false);
      expect(response.body.data?._entities).toHaveLength(REPRESENTATIONS);
    },
  );

  it('lets the MobileLine fetch written out by hand (with its key fields) through, and resolves every line', async () => {
    const response = await graphql<{ _entities: { msisdn: string; plan: { id: string } }[] }>(
      stack.graphqlUrl,
      SENT_BY_HAND_FOR_MOBILE_LINE,
      { representations: representationsOf('MobileLine') },
    );
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data?._entities).toHaveLength(REPRESENTATIONS);
    expect(response.body.data?._entities[0]).toMatchObject({ msisdn: '16654555678' });
    // Three distinct lines among fifty representations: three dxp-ux reads at most.
    expect(stack.dxp.callCount('GET /dxp-ux/v1/:businessId/productOrder')).toBeLessThanOrEqual(3);
  });

  it('lets `_service { sdl }` and the full introspection query through', async () => {
    const service = await graphql<{ _service: { sdl: string } }>(
      stack.graphqlUrl,
      '{ _service { sdl } }',
    );
    expect(service.body.errors).toBeUndefined();
    expect(service.body.data?._service.sdl).toContain('type MobileLine');

    const introspection = await graphql(stack.graphqlUrl, getIntrospectionQuery());
    expect(introspection.body.errors).toBeUndefined();
  });

  it('refuses aliases of mobileLines that together ask for more than 50 lines, reading none', async () => {
    const fields = repeat(
      29,
      (alias) =>
        `l${alias}: mobileLines(businessId: "PR", msisdns: [${repeat(50, (index) => `"1787${String(alias * 100 + index).padStart(7, '0')}"`)}]) { __typename }`,
    );
    const before = stack.dxp.callCount('GET /dxp-ux/v1/:businessId/productOrder');
    const response = await graphql(stack.graphqlUrl, `{ ${fields} }`);
    expect(response.status).toBe(400);
    expect(response.body.errors?.map((error) => error.extensions?.['code'])).toEqual([
      'TOO_MANY_LINES',
    ]);
    // Refused before execution: not even the first alias's lines are read.
    const settled = await settledCount(() =>
      stack.dxp.callCount('GET /dxp-ux/v1/:businessId/productOrder'),
    );
    expect(settled - before).toBe(0);
  });

  it.each(Object.entries(ATTACKS))('refuses %s, without naming a limit', async (_name, query) => {
    const before = stack.dxp.callCount('GET /dxp-ux/v1/:businessId/productOrder');
    const response = await graphql(stack.graphqlUrl, query);
    expect(response.status).toBe(400);
    expect(refusedByLimit(response), JSON.stringify(response.body).slice(0, 300)).toBe(true);
    for (const error of response.body.errors ?? []) {
      expect(error.message).not.toMatch(/\d/);
      expect(error.extensions?.['code']).not.toBe('INTERNAL_SERVER_ERROR');
    }
    expect(stack.dxp.callCount('GET /dxp-ux/v1/:businessId/productOrder')).toBe(before);
  });
});
