import { beforeAll, describe, expect, it, vi } from 'vitest';
import { DXP_PRODUCT_ORDER_ROUTE } from '../../src/sandbox/dxp/server.js';
import { graphql, useTestStack } from '../helpers/app.js';
import { complete, disclose } from '../helpers/order-flow.js';
import { newOrderKey } from '../helpers/px-operations.js';

/** What a router sends to resolve references of every entity this subgraph owns, in one fetch. */
const ENTITIES = `query Entities($representations: [_Any!]!) {
  _entities(representations: $representations) {
    __typename
    ... on MobileLine { businessId msisdn plan { id } }
    ... on Order { partnerId partnerOrderId transactionId orderNumber status }
    ... on RccDisclosure { partnerId partnerOrderId transactionId expiresAt }
  }
}`;

type Representation = { __typename: string } & Record<string, string>;
type Entity = ({ __typename: string } & Record<string, unknown>) | null;

const line = (msisdn: string): Representation => ({
  __typename: 'MobileLine',
  businessId: 'PR',
  msisdn,
});
const order = (partnerOrderId: string, partnerId = 'P-1001'): Representation => ({
  __typename: 'Order',
  partnerId,
  partnerOrderId,
});
const disclosure = (
  partnerOrderId: string,
  transactionId: string,
  partnerId = 'P-1001',
): Representation => ({
  __typename: 'RccDisclosure',
  partnerId,
  partnerOrderId,
  transactionId,
});

const SEED_LINE = {
  __typename: 'MobileLine',
  businessId: 'PR',
  msisdn: '16654555678',
  plan: { id: 'PR_B2C_ULT_Extra_MB_Line' },
};

describe('_entities for every resolvable entity, batched, null for an unknown key', () => {
  const stack = useTestStack({ ADDONS_CACHE_TTL_S: '0' });
  const placed = newOrderKey();
  const unknown = newOrderKey();
  let orderNumber: string;

  const fetchEntities = (representations: Representation[]) =>
    graphql<{ _entities: Entity[] }>(stack.graphqlUrl, ENTITIES, { representations });

  /** Upstream calls and journal reads one `_entities` fetch cost. */
  async function costOf(representations: Representation[]) {
    const { journal } = stack.app;
    const orderReads = vi.spyOn(journal, 'orders');
    const disclosureReads = vi.spyOn(journal, 'disclosure');
    const dxpBefore = stack.dxp.callCount(DXP_PRODUCT_ORDER_ROUTE);
    const pxBefore = Object.values(stack.px.calls()).reduce((sum, count) => sum + count, 0);
    try {
      const response = await fetchEntities(representations);
      return {
        response,
        dxpCalls: stack.dxp.callCount(DXP_PRODUCT_ORDER_ROUTE) - dxpBefore,
        pxCalls: Object.values(stack.px.calls()).reduce((sum, count) => sum + count, 0) - pxBefore,
        orderReads: orderReads.mock.calls.map(([ids]) => [...ids]),
        disclosureReads: disclosureReads.mock.calls.length,
      };
    } finally {
      orderReads.mockRestore();
      disclosureReads.mockRestore();
    }
  }

  // An order taken through this subgraph, so the journal holds it and its disclosure.
  beforeAll(async () => {
    expect((await disclose(stack, placed)).__typename).toBe('RccDisclosure');
    const completed = await complete(stack, placed);
    expect(completed.__typename).toBe('OrderCompleted');
    orderNumber = (completed['order'] as { orderNumber: string }).orderNumber;
  });

  it('resolves Order references from the journal in one read, duplicates once, misses as null', async () => {
    const cost = await costOf([
      order(placed.partnerOrderId),
      order(unknown.partnerOrderId),
      order(placed.partnerOrderId),
    ]);
    expect(cost.response.body.errors).toBeUndefined();
    const expected = {
      __typename: 'Order',
      partnerId: placed.partnerId,
      partnerOrderId: placed.partnerOrderId,
      transactionId: placed.transactionId,
      orderNumber,
      status: 'ACKNOWLEDGED',
    };
    expect(cost.response.body.data?._entities).toEqual([expected, null, expected]);
    expect(cost.orderReads).toEqual([
      [
        { partnerId: placed.partnerId, partnerOrderId: placed.partnerOrderId },
        { partnerId: 'P-1001', partnerOrderId: unknown.partnerOrderId },
      ],
    ]);
    expect(cost.pxCalls).toBe(0);
  });

  it('resolves RccDisclosure references by their pair, a changed pair being a miss', async () => {
    const cost = await costOf([
      disclosure(placed.partnerOrderId, placed.transactionId),
      disclosure(placed.partnerOrderId, unknown.transactionId),
      disclosure(placed.partnerOrderId, placed.transactionId),
      disclosure(unknown.partnerOrderId, unknown.transactionId),
    ]);
    expect(cost.response.body.errors).toBeUndefined();
    const entities = cost.response.body.data?._entities ?? [];
    expect(entities.map((entity) => entity?.['__typename'] ?? null)).toEqual([
      'RccDisclosure',
      null,
      'RccDisclosure',
      null,
    ]);
    expect(entities[0]).toMatchObject({
      partnerOrderId: placed.partnerOrderId,
      transactionId: placed.transactionId,
    });
    expect(entities[2]).toEqual(entities[0]);
    // DataLoader asked the journal once per distinct pair, and Px not at all.
    expect(cost.disclosureReads).toBe(3);
    expect(cost.pxCalls).toBe(0);
  });

  it('leaves the journal records it resolves from as they were stored', async () => {
    const response = await fetchEntities([
      order(placed.partnerOrderId),
      disclosure(placed.partnerOrderId, placed.transactionId),
    ]);
    expect(response.body.data?._entities.map((entity) => entity?.['__typename'])).toEqual([
      'Order',
      'RccDisclosure',
    ]);
    const { journal } = stack.app;
    expect((await journal.orders([placed]))[0]).not.toHaveProperty('__typename');
    expect(await journal.disclosure(placed)).not.toHaveProperty('__typename');
  });

  it('resolves mixed types in one call, in order, each a value or null', async () => {
    const cost = await costOf([
      line('16654555678'),
      order(placed.partnerOrderId),
      disclosure(placed.partnerOrderId, placed.transactionId),
      line('17875559876'),
      order(unknown.partnerOrderId),
      line('16654555678'),
      disclosure(unknown.partnerOrderId, placed.transactionId),
      order(placed.partnerOrderId),
    ]);
    expect(cost.response.status).toBe(200);
    expect(cost.response.body.errors).toBeUndefined();
    const entities = cost.response.body.data?._entities ?? [];
    expect(entities.map((entity) => entity?.['__typename'] ?? null)).toEqual([
      'MobileLine',
      'Order',
      'RccDisclosure',
      null,
      null,
      'MobileLine',
      null,
      'Order',
    ]);
    expect(entities[0]).toEqual(SEED_LINE);
    expect(entities[5]).toEqual(SEED_LINE);
    expect(entities[1]).toMatchObject({ partnerOrderId: placed.partnerOrderId, orderNumber });
    expect(entities[7]).toEqual(entities[1]);
    // One dxp-ux call per distinct line (the unknown one answers 404), one journal read for the orders.
    expect(cost.dxpCalls).toBe(2);
    expect(cost.orderReads).toEqual([
      [
        { partnerId: placed.partnerId, partnerOrderId: placed.partnerOrderId },
        { partnerId: 'P-1001', partnerOrderId: unknown.partnerOrderId },
      ],
    ]);
    expect(cost.pxCalls).toBe(0);
  });
});
