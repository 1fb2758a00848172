import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/process/config.js';
import type { OrderJournal } from '../src/store/journal.js';
import { graphql, useTestStack, type GraphQLResponse } from './helpers/app.js';
import { MOBILE_LINE, MOBILE_LINE_ENTITIES, dxpCallsDuring } from './helpers/lines.js';
import type { OrderKey } from './helpers/order-flow.js';
import {
  COMPLETE_ORDER,
  ORDER,
  RCC_ACCEPTANCE,
  RCC_DISCLOSURE,
  SEND_RCC,
  completeInput,
  disclosureInput,
  newOrderKey,
} from './helpers/px-operations.js';

const PARTNER_HEADER = 'x-partner-id';
const OWN = 'P-1001';
const OTHER = 'P-2002';

const ENTITIES = `query($r: [_Any!]!) {
  _entities(representations: $r) {
    __typename
    ... on Order { orderNumber }
    ... on RccDisclosure { text }
  }
}`;

/** Every order-flow operation a router can send, for the order `key`. */
function orderFlowOperations(key: OrderKey): [string, string, Record<string, unknown>][] {
  const { partnerId, partnerOrderId, transactionId } = key;
  return [
    ['rccDisclosure', RCC_DISCLOSURE, disclosureInput(key)],
    ['rccAcceptance', RCC_ACCEPTANCE, { order: key }],
    ['sendRcc', SEND_RCC, { input: { order: key, method: 'SMS', destination: '17875551234' } }],
    ['completeOrder', COMPLETE_ORDER, completeInput(key)],
    ['order', ORDER, { partnerId, partnerOrderId }],
    ['Order entity', ENTITIES, { r: [{ __typename: 'Order', partnerId, partnerOrderId }] }],
    [
      'RccDisclosure entity',
      ENTITIES,
      { r: [{ __typename: 'RccDisclosure', partnerId, partnerOrderId, transactionId }] },
    ],
  ];
}

function expectRefused(response: GraphQLResponse, code: 'UNAUTHENTICATED' | 'FORBIDDEN'): void {
  expect(response.status).toBe(200);
  expect(response.body.data).toBeUndefined();
  expect(response.body.errors).toHaveLength(1);
  expect(response.body.errors?.[0]?.extensions).toMatchObject({ code });
  expect(response.body.errors?.[0]?.message).toContain(PARTNER_HEADER);
}

describe('PARTNER_HEADER: an order-flow request acts only for the partner the router names', () => {
  const stack = useTestStack({ PARTNER_HEADER: 'X-Partner-Id' });
  let journalReads = 0;
  const asOwn = { [PARTNER_HEADER]: OWN };

  /** Px calls and journal reads `work` cost. */
  async function costOf<T>(work: () => Promise<T>) {
    const pxBefore = Object.values(stack.px.calls()).reduce((sum, count) => sum + count, 0);
    const readsBefore = journalReads;
    const result = await work();
    const pxCalls =
      Object.values(stack.px.calls()).reduce((sum, count) => sum + count, 0) - pxBefore;
    return { result, pxCalls, journalReads: journalReads - readsBefore };
  }

  beforeAll(() => {
    const journal = stack.app.journal as unknown as Record<string, (...args: unknown[]) => unknown>;
    for (const method of [
      'disclosure',
      'disclosureOfTransaction',
      'orders',
      'claim',
      'fingerprintKey',
    ] satisfies (keyof OrderJournal)[]) {
      const original = journal[method]!.bind(journal);
      journal[method] = (...args: unknown[]) => {
        journalReads += 1;
        return original(...args);
      };
    }
  });

  it('runs the whole flow for the partner the header names, entities included', async () => {
    const key = newOrderKey();
    for (const [name, query, variables] of orderFlowOperations(key)) {
      const response = await graphql(stack.graphqlUrl, query, variables, asOwn);
      expect(response.status, name).toBe(200);
      expect(response.body.errors, name).toBeUndefined();
    }
    const order = await graphql<{ order: { orderNumber: string } | null }>(
      stack.graphqlUrl,
      ORDER,
      { partnerId: OWN, partnerOrderId: key.partnerOrderId },
      asOwn,
    );
    expect(order.body.data?.order?.orderNumber).toEqual(expect.any(String));
  });

  it('refuses every order-flow operation without the header: UNAUTHENTICATED, no Px call, no journal read', async () => {
    for (const [name, query, variables] of orderFlowOperations(newOrderKey())) {
      const { result, pxCalls, journalReads } = await costOf(() =>
        graphql(stack.graphqlUrl, query, variables),
      );
      expectRefused(result, 'UNAUTHENTICATED');
      expect({ name, pxCalls, journalReads }).toEqual({ name, pxCalls: 0, journalReads: 0 });
    }
  });

  it('refuses every order-flow operation for another partner: FORBIDDEN, no Px call, no journal read', async () => {
    for (const [name, query, variables] of orderFlowOperations(newOrderKey())) {
      const { result, pxCalls, journalReads } = await costOf(() =>
        graphql(stack.graphqlUrl, query, variables, { [PARTNER_HEADER]: OTHER }),
      );
      expectRefused(result, 'FORBIDDEN');
      expect({ name, pxCalls, journalReads }).toEqual({ name, pxCalls: 0, journalReads: 0 });
    }
  });

  it('finds another partnerId wherever the operation names it', async () => {
    const key = newOrderKey();
    const hidden: [string, string, Record<string, unknown>][] = [
      [
        'a literal inside a fragment',
        `query { ...Look }
         fragment Look on Query { order(partnerId: "${OTHER}", partnerOrderId: "PO-1") { orderNumber } }`,
        {},
      ],
      [
        'a variable inside an input literal',
        `query($p: ID!) {
           rccAcceptance(order: { partnerId: $p, partnerOrderId: "PO-1", transactionId: "TX-1" }) { __typename }
         }`,
        { p: OTHER },
      ],
      [
        'an alias beside an allowed field',
        `query($mine: ID!, $theirs: ID!) {
           mine: order(partnerId: $mine, partnerOrderId: "PO-1") { orderNumber }
           theirs: order(partnerId: $theirs, partnerOrderId: "PO-1") { orderNumber }
         }`,
        { mine: OWN, theirs: OTHER },
      ],
      [
        'one representation among the partner’s own',
        ENTITIES,
        {
          r: [
            { __typename: 'Order', partnerId: OWN, partnerOrderId: key.partnerOrderId },
            { __typename: 'Order', partnerId: OTHER, partnerOrderId: key.partnerOrderId },
          ],
        },
      ],
    ];
    for (const [name, query, variables] of hidden) {
      const { result, pxCalls, journalReads } = await costOf(() =>
        graphql(stack.graphqlUrl, query, variables, asOwn),
      );
      expect(result.body.errors?.[0]?.extensions?.['code'], name).toBe('FORBIDDEN');
      expect({ name, pxCalls, journalReads }).toEqual({ name, pxCalls: 0, journalReads: 0 });
    }
  });

  it('takes an integer partnerId as the ID GraphQL coerces it to', async () => {
    const response = await graphql(
      stack.graphqlUrl,
      '{ order(partnerId: 1001, partnerOrderId: "PO-none") { orderNumber } }',
      {},
      { [PARTNER_HEADER]: '1001' },
    );
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data).toEqual({ order: null });
  });

  it('asks nothing of line reads, which are no partner’s data', async () => {
    const { result, calls } = await dxpCallsDuring(stack, async () => [
      await graphql(stack.graphqlUrl, MOBILE_LINE, { businessId: 'PR', msisdn: '16654555678' }),
      await graphql(stack.graphqlUrl, MOBILE_LINE_ENTITIES, {
        r: [{ __typename: 'MobileLine', businessId: 'PR', msisdn: '17875550102' }],
      }),
    ]);
    for (const response of result) {
      expect(response.status).toBe(200);
      expect(response.body.errors).toBeUndefined();
    }
    expect(calls).toBe(2);
  });
});

describe('PARTNER_HEADER configuration', () => {
  it('is off by default and takes a header name, lower-cased', () => {
    expect(loadConfig({}).partnerHeader).toBeNull();
    expect(loadConfig({ PARTNER_HEADER: 'X-Partner-Id' }).partnerHeader).toBe('x-partner-id');
  });

  it('refuses what cannot be a header name, naming the variable', () => {
    expect(() => loadConfig({ PARTNER_HEADER: 'x partner' })).toThrow(/^PARTNER_HEADER: /);
  });
});
