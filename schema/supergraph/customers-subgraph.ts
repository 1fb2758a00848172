import { readExampleTypeDefs, serveSubgraph, type RunningSubgraph } from './subgraph-server.js';

export const CUSTOMERS_TYPE_DEFS = readExampleTypeDefs('customers.graphql');

export interface ExampleCustomer {
  id: string;
  name: string;
  lines: { businessId: string; msisdn: string }[];
  /** Orders placed through the ordering subgraph, by their key: partner and partnerOrderId. */
  orders: { partnerId: string; partnerOrderId: string }[];
}

/** Customers on the sandboxes' fixture lines: the seed line, a prepaid one, one line shared by both. */
export const SAMPLE_CUSTOMERS: ExampleCustomer[] = [
  {
    id: 'C-1',
    name: 'Ana Rivera',
    lines: [
      { businessId: 'PR', msisdn: '16654555678' },
      { businessId: 'PR', msisdn: '17875550102' },
    ],
    orders: [],
  },
  {
    id: 'C-2',
    name: 'Luis Ortiz',
    lines: [
      { businessId: 'PR', msisdn: '17875550101' },
      { businessId: 'PR', msisdn: '16654555678' },
    ],
    orders: [],
  },
];

/**
 * An example customers subgraph: it owns Customer and hands the ordering
 * subgraph nothing but MobileLine and Order keys to resolve.
 */
export function startCustomersSubgraph(
  customers: ExampleCustomer[] = SAMPLE_CUSTOMERS,
  port = 0,
): Promise<RunningSubgraph> {
  const byId = new Map(customers.map((customer) => [customer.id, customer]));
  return serveSubgraph(
    CUSTOMERS_TYPE_DEFS,
    {
      Query: {
        customer: (_root: unknown, { id }: { id: string }) => byId.get(id) ?? null,
        customers: () => [...byId.values()].sort((a, b) => a.id.localeCompare(b.id)),
      },
      Customer: {
        __resolveReference: ({ id }: { id: string }) => byId.get(id) ?? null,
        orders: (customer: ExampleCustomer) => customer.orders,
      },
    },
    port,
  );
}
