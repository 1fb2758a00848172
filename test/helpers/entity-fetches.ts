import { composeServices } from '@apollo/composition';
import {
  ROUTER_SUPPORTED_SUPERGRAPH_FEATURES,
  Supergraph,
  operationFromDocument,
} from '@apollo/federation-internals';
import { QueryPlanner, type PlanNode, type QueryPlan } from '@apollo/query-planner';
import { parse } from 'graphql';
import { loadTypeDefs } from '../../src/graphql/schema.js';

/**
 * The `_entities` documents a router really sends this subgraph: a supergraph
 * of this subgraph and a small one that only references its entities is
 * planned by Apollo's query planner, and the fetches to "ordering" are kept.
 * Limits are tested against these, so a limit that would refuse a router is
 * caught even when the planner changes how it writes them.
 */
const REFERENCING_SUBGRAPH = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  scalar BusinessId
  scalar Msisdn
  type Query { sale(id: ID!): Sale }
  type Sale @key(fields: "id") {
    id: ID!
    lines: [MobileLine!]!
    orders: [Order!]!
    disclosures: [RccDisclosure!]!
  }
  type MobileLine @key(fields: "businessId msisdn", resolvable: false) {
    businessId: BusinessId!
    msisdn: Msisdn!
  }
  type Order @key(fields: "partnerId partnerOrderId", resolvable: false) {
    partnerId: ID!
    partnerOrderId: ID!
  }
  type RccDisclosure @key(fields: "partnerId partnerOrderId transactionId", resolvable: false) {
    partnerId: ID!
    partnerOrderId: ID!
    transactionId: ID!
  }
`);

/** Every field of each entity, as deep as a front end would ask for it. */
const SALE_QUERIES = {
  MobileLine: `{ sale(id: "S-1") { lines {
      businessId msisdn planType plan { id name }
      addons { product { id name } prices { name description dutyFreeAmount { amount currency } } } } } }`,
  Order: `{ sale(id: "S-1") { orders {
      partnerId partnerOrderId transactionId orderNumber status submittedAt
      items { product { id name } quantity charges { name recurrence amount { amount currency } } }
      rccAcceptance { method acceptedAt }
      disclosure { partnerId partnerOrderId transactionId text preparedAt expiresAt } } } }`,
  RccDisclosure: `{ sale(id: "S-1") { disclosures {
      partnerId partnerOrderId transactionId text preparedAt expiresAt
      sections { title text }
      charges { name recurrence amount { amount currency } }
      taxEstimate { amount currency }
      acceptance { method acceptedAt } } } }`,
} as const;

export type EntityName = keyof typeof SALE_QUERIES;

export function plannedEntityFetches(): Record<EntityName, string> {
  const composition = composeServices([
    { name: 'ordering', typeDefs: loadTypeDefs(), url: 'http://ordering.invalid/graphql' },
    { name: 'sales', typeDefs: REFERENCING_SUBGRAPH, url: 'http://sales.invalid/graphql' },
  ]);
  if (composition.errors) {
    throw new Error(`composition failed: ${composition.errors.map(String).join('; ')}`);
  }
  // Planned as Apollo Router plans it: with the authorization features it enforces.
  const supergraph = Supergraph.build(composition.supergraphSdl, {
    supportedFeatures: ROUTER_SUPPORTED_SUPERGRAPH_FEATURES,
  });
  const planner = new QueryPlanner(supergraph);
  const fetchOf = (query: string): string => {
    const plan = planner.buildQueryPlan(
      operationFromDocument(supergraph.schema, parse(query), { validate: true }),
    );
    const operations = orderingFetches(plan);
    const [operation] = operations;
    if (operations.length !== 1 || operation === undefined) {
      throw new Error(`expected one fetch to ordering, but the plan has ${operations.length}`);
    }
    return operation;
  };
  return {
    MobileLine: fetchOf(SALE_QUERIES.MobileLine),
    Order: fetchOf(SALE_QUERIES.Order),
    RccDisclosure: fetchOf(SALE_QUERIES.RccDisclosure),
  };
}

function orderingFetches(plan: QueryPlan): string[] {
  const found: string[] = [];
  const visit = (node: PlanNode | undefined): void => {
    if (node === undefined) return;
    switch (node.kind) {
      case 'Fetch':
        if (node.serviceName === 'ordering') found.push(node.operation);
        return;
      case 'Sequence':
      case 'Parallel':
        node.nodes.forEach(visit);
        return;
      case 'Flatten':
        visit(node.node);
        return;
      default:
        return;
    }
  };
  if (plan.node?.kind !== 'Subscription') visit(plan.node);
  return found;
}
