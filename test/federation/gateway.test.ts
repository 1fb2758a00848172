import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DXP_PRODUCT_ORDER_ROUTE } from '../../src/sandbox/dxp/server.js';
import { startTestStack, type TestStack } from '../helpers/app.js';
import { completeInput, disclosureInput, newOrderKey } from '../helpers/px-operations.js';
import { startCatalogSubgraph } from '../../schema/supergraph/catalog-subgraph.js';
import {
  startCustomersSubgraph,
  type ExampleCustomer,
} from '../../schema/supergraph/customers-subgraph.js';
import { readExampleOperation } from './example-operations.js';
import { startExampleGateway, type ExampleGateway, type SubgraphFetch } from './gateway.js';
import type { RunningSubgraph } from '../../schema/supergraph/subgraph-server.js';
import {
  composeExampleSupergraph,
  composeForApolloGateway,
} from '../../schema/supergraph/supergraph.js';

const ROUTER_SECRET = 'gateway-test-router-secret';
const SEED = { businessId: 'PR', msisdn: '16654555678' };
const UNLIMITED = { businessId: 'PR', msisdn: '17875550102' };
const UNKNOWN = { businessId: 'PR', msisdn: '17875559876' };

const CUSTOMER_LINES = `query CustomerLines {
  customers {
    id
    lines {
      msisdn planType
      plan { id name description }
      addons { product { id name description } prices { name dutyFreeAmount { amount currency } } }
    }
  }
}`;

const CUSTOMER_ORDERS = `query CustomerOrders($id: ID!) {
  customer(id: $id) {
    name
    orders {
      partnerOrderId orderNumber status
      rccAcceptance { method }
      items { quantity product { id name description } charges { name recurrence amount { amount currency } } }
    }
  }
}`;

const SEED_ADDON_IDS = [
  'PR_B2C_Liberty_Home_Roadside_Assistance',
  'PR_B2C_Mobile_IntRmg_Voice',
  'PR_B2C_Mobile_Pospaid_International_Calling_Voice',
];

describe('@apollo/gateway serving the composed supergraph, in front of the subgraphs on loopback', () => {
  let stack: TestStack;
  let customers: RunningSubgraph;
  let catalog: RunningSubgraph;
  let gateway: ExampleGateway;
  const placed = newOrderKey();
  const neverPlaced = newOrderKey();
  const exampleCustomers: ExampleCustomer[] = [
    {
      id: 'C-1',
      name: 'Ana Rivera',
      lines: [SEED, UNLIMITED],
      orders: [placed, neverPlaced].map(({ partnerId, partnerOrderId }) => ({
        partnerId,
        partnerOrderId,
      })),
    },
    { id: 'C-2', name: 'Luis Ortiz', lines: [SEED, UNKNOWN], orders: [] },
  ];

  /** What the gateway sent the ordering subgraph while `work` ran. */
  async function orderingFetchesDuring<T>(work: () => Promise<T>) {
    const before = gateway.fetches.length;
    const result = await work();
    const fetches = gateway.fetches.slice(before).filter((fetch) => fetch.subgraph === 'ordering');
    return { result, fetches };
  }

  /** Requests the ordering subgraph itself counted, by operation name. */
  async function receivedByOrdering(fetch: SubgraphFetch): Promise<number> {
    const metric = await stack.app.metrics.graphqlRequests.get();
    return metric.values
      .filter((value) => value.labels.operation === fetch.operationName)
      .reduce((sum, value) => sum + value.value, 0);
  }

  beforeAll(async () => {
    // The ordering subgraph requires the router secret, as in production behind a router;
    // no cross-request line cache, so each query's dxp-ux calls can be counted.
    stack = await startTestStack({ ROUTER_SECRET, ADDONS_CACHE_TTL_S: '0' });
    customers = await startCustomersSubgraph(exampleCustomers);
    catalog = await startCatalogSubgraph();
    gateway = await startExampleGateway({
      supergraphSdl: composeForApolloGateway().supergraphSdl,
      urls: { ordering: stack.graphqlUrl, customers: customers.url, catalog: catalog.url },
      routerSecret: ROUTER_SECRET,
    });

    // An order placed through the supergraph, with the example operations.
    const disclosed = await gateway.execute(
      readExampleOperation('rcc-disclosure').document,
      disclosureInput(placed),
    );
    expect(disclosed.data?.['rccDisclosure']).toMatchObject({ __typename: 'RccDisclosure' });
    const completed = await gateway.execute(
      readExampleOperation('complete-order').document,
      completeInput(placed),
    );
    expect(completed.errors).toBeUndefined();
    expect(completed.data?.['completeOrder']).toMatchObject({
      __typename: 'OrderCompleted',
      replayed: false,
    });
  });
  afterAll(async () => {
    await gateway.close();
    await Promise.all([customers.close(), catalog.close()]);
    await stack.close();
  });

  it('composes with zero errors and zero hints', () => {
    expect(composeExampleSupergraph().hints).toEqual([]);
  });

  it('goes customer → lines → plan and add-ons: one _entities batch, one dxp-ux call per distinct line', async () => {
    const dxpBefore = stack.dxp.callCount(DXP_PRODUCT_ORDER_ROUTE);
    const { result, fetches } = await orderingFetchesDuring(() =>
      gateway.execute(CUSTOMER_LINES, {}, 'corr-customer-lines'),
    );
    expect(result.errors).toBeUndefined();

    const lines = (result.data?.['customers'] as { lines: unknown[] }[]).map((c) => c.lines);
    const seedLine = {
      msisdn: SEED.msisdn,
      planType: 'POSTPAID',
      plan: {
        id: 'PR_B2C_ULT_Extra_MB_Line',
        name: 'Liberty U-Pick Mobile Plus',
        description: 'Postpaid plan with extra mobile data.',
      },
      addons: expect.arrayContaining([
        {
          product: {
            id: 'PR_B2C_Mobile_Pospaid_International_Calling_Voice',
            name: 'International Calling',
            description: 'Calls to international numbers from a postpaid line.',
          },
          prices: [{ name: 'Calling $15', dutyFreeAmount: { amount: '15.00', currency: 'USD' } }],
        },
      ]) as unknown,
    };
    expect(lines[0]).toEqual([
      seedLine,
      expect.objectContaining({
        msisdn: UNLIMITED.msisdn,
        // The catalog does not know this plan: the ordering subgraph's name, no description.
        plan: {
          id: 'PR_B2C_ULT_Unlimited_Line',
          name: 'Liberty U-Pick Unlimited',
          description: null,
        },
      }),
    ]);
    // A line dxp-ux does not know is a null entity, not an error for the whole batch.
    expect(lines[1]).toEqual([seedLine, null]);
    const seedAddons = (lines[0]?.[0] as { addons: { product: { id: string } }[] }).addons;
    expect(seedAddons.map((addon) => addon.product.id)).toEqual(SEED_ADDON_IDS);

    // Four references in one _entities fetch; three distinct lines, three dxp-ux calls.
    expect(fetches).toHaveLength(1);
    expect(fetches[0]?.query).toContain('_entities(representations:$representations)');
    expect(fetches[0]?.representations).toBe(4);
    expect(await receivedByOrdering(fetches[0]!)).toBe(1);
    expect(stack.dxp.callCount(DXP_PRODUCT_ORDER_ROUTE) - dxpBefore).toBe(3);

    // The caller's correlation id reached the ordering subgraph through the gateway.
    const logged = stack.logs
      .records()
      .filter((record) => record['correlationId'] === 'corr-customer-lines');
    expect(logged.length).toBeGreaterThan(0);
  });

  it('goes customer → orders → items from the journal: one _entities batch, no Px call', async () => {
    const pxBefore = stack.px.calls();
    const { result, fetches } = await orderingFetchesDuring(() =>
      gateway.execute(CUSTOMER_ORDERS, { id: 'C-1' }),
    );
    expect(result.errors).toBeUndefined();
    const customer = result.data?.['customer'] as { name: string; orders: unknown[] };
    expect(customer.name).toBe('Ana Rivera');
    expect(customer.orders).toEqual([
      {
        partnerOrderId: placed.partnerOrderId,
        orderNumber: expect.any(String) as unknown,
        status: 'ACKNOWLEDGED',
        rccAcceptance: { method: 'VERBAL' },
        items: [
          {
            quantity: 1,
            product: {
              id: 'PRD-INTERNET-100',
              name: 'Internet 100 Mbps',
              description: 'Home internet.',
            },
            charges: [
              {
                name: 'Internet 100 Mbps',
                recurrence: 'MONTHLY',
                amount: { amount: '45.00', currency: 'USD' },
              },
            ],
          },
          {
            quantity: 1,
            product: {
              id: 'PRD-MODEM-C4000',
              name: 'Modem C4000 lease',
              description: 'The modem, leased monthly.',
            },
            charges: [
              {
                name: 'Modem lease',
                recurrence: 'MONTHLY',
                amount: { amount: '15.00', currency: 'USD' },
              },
            ],
          },
        ],
      },
      // An order the ordering subgraph has no record of.
      null,
    ]);
    expect(fetches).toHaveLength(1);
    expect(fetches[0]?.query).toContain('_entities(representations:$representations)');
    expect(fetches[0]?.representations).toBe(2);
    expect(await receivedByOrdering(fetches[0]!)).toBe(1);
    expect(stack.px.calls()).toEqual(pxBefore);
  });
});
