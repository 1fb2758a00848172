import { RCC_DISCLOSURE } from '../helpers/px-operations.js';
import type { RawLinesRequest, RawRccRequest } from './raw-proxy.js';

/**
 * What the bench measures: each scenario is one GraphQL operation for the
 * subgraph and the request that makes the raw proxy do the same upstream
 * work. `upstreamCalls` is what one query must cost upstream.
 */
export interface Scenario {
  name: string;
  meaning: string;
  /** Which subgraph process serves it: the add-ons cache off (TTL 0) or on. */
  subgraph: 'uncached' | 'cached';
  /** Latency the upstreams add to every answer, in ms. */
  upstreamLatencyMs: number;
  graphql: { operationName: string; query: string; variables: Record<string, unknown> };
  raw: { path: '/lines'; body: RawLinesRequest } | { path: '/rcc'; body: RawRccRequest };
  /** Lines (dxp-ux) or Px calls one query must cost when nothing is cached. */
  upstreamCalls: number;
  /** How many results of the expected type one answer must hold. */
  results: number;
  /** The typename every result must have. */
  resultType: 'MobileLine' | 'RccDisclosure';
}

const LINE_FIELDS = `
  planType
  plan { id name }
  addons { product { id name } prices { name description dutyFreeAmount { amount currency } } }`;

const LINE_RESULT = `__typename
  ... on MobileLine { businessId msisdn ${LINE_FIELDS} }
  ... on Error { code message }`;

const SEED_LINE = '16654555678';

/** Distinct lines the bench's dxp-ux emulator answers with the seed's JSON. */
export function benchMsisdns(count: number): string[] {
  return Array.from({ length: count }, (_, index) => String(17870000000 + index));
}

function mobileLinesScenario(count: number): Scenario {
  const msisdns = benchMsisdns(count);
  return {
    name: `mobileLines ×${String(count)}`,
    meaning: `${String(count)} distinct lines in one query, add-ons cache off: one dxp-ux call per line, fanned out`,
    subgraph: 'uncached',
    upstreamLatencyMs: 0,
    graphql: {
      operationName: 'Lines',
      query: `query Lines($businessId: BusinessId!, $msisdns: [Msisdn!]!) {
        mobileLines(businessId: $businessId, msisdns: $msisdns) { ${LINE_RESULT} }
      }`,
      variables: { businessId: 'PR', msisdns },
    },
    raw: { path: '/lines', body: { businessId: 'PR', msisdns } },
    upstreamCalls: count,
    results: count,
    resultType: 'MobileLine',
  };
}

function oneLineScenario(subgraph: Scenario['subgraph']): Scenario {
  return {
    name: `one line, ${subgraph}`,
    meaning:
      subgraph === 'uncached'
        ? 'mobileLine for the seed line with ADDONS_CACHE_TTL_S=0: every query calls dxp-ux'
        : 'mobileLine for the seed line with the add-ons cache on (60 s): dxp-ux is called once per TTL; the raw proxy still calls it every time',
    subgraph,
    upstreamLatencyMs: 0,
    graphql: {
      operationName: 'Line',
      query: `query Line($businessId: BusinessId!, $msisdn: Msisdn!) {
        mobileLine(businessId: $businessId, msisdn: $msisdn) { ${LINE_RESULT} }
      }`,
      variables: { businessId: 'PR', msisdn: SEED_LINE },
    },
    raw: { path: '/lines', body: { businessId: 'PR', msisdns: [SEED_LINE] } },
    upstreamCalls: subgraph === 'uncached' ? 1 : 0,
    results: 1,
    resultType: 'MobileLine',
  };
}

function entitiesScenario(count: number): Scenario {
  const msisdns = benchMsisdns(count);
  return {
    name: `_entities ×${String(count)}`,
    meaning: `a router's fetch of ${String(count)} MobileLine representations, add-ons cache off`,
    subgraph: 'uncached',
    upstreamLatencyMs: 0,
    graphql: {
      operationName: 'Entities',
      query: `query Entities($representations: [_Any!]!) {
        _entities(representations: $representations) { __typename ... on MobileLine { ${LINE_FIELDS} } }
      }`,
      variables: {
        representations: msisdns.map((msisdn) => ({
          __typename: 'MobileLine',
          businessId: 'PR',
          msisdn,
        })),
      },
    },
    raw: { path: '/lines', body: { businessId: 'PR', msisdns } },
    upstreamCalls: count,
    results: count,
    resultType: 'MobileLine',
  };
}

/** One order flow for the whole run: the sandbox keeps one transaction, whatever the load. */
export const BENCH_ORDER = {
  partnerId: 'P-1001',
  partnerOrderId: 'PO-BENCH-1',
  transactionId: 'TX-BENCH-1',
};

function orderingScenario(upstreamLatencyMs: number): Scenario {
  const input = { order: BENCH_ORDER, salesCode: 'SC100', addressDetailId: 'ADDR-2' };
  return {
    name: `ordering flow, ${String(upstreamLatencyMs)} ms upstream`,
    meaning: `rccDisclosure with its acceptance (Px retrieve RCC, then get acceptance, one OAuth2 token), every Px answer ${String(upstreamLatencyMs)} ms late`,
    subgraph: 'uncached',
    upstreamLatencyMs,
    graphql: {
      operationName: 'Disclosure',
      query: RCC_DISCLOSURE,
      variables: { input },
    },
    raw: { path: '/rcc', body: input },
    upstreamCalls: 2,
    results: 1,
    resultType: 'RccDisclosure',
  };
}

export const SCENARIOS: Scenario[] = [
  oneLineScenario('uncached'),
  oneLineScenario('cached'),
  mobileLinesScenario(1),
  mobileLinesScenario(10),
  mobileLinesScenario(50),
  entitiesScenario(50),
  orderingScenario(0),
  orderingScenario(20),
];

/** The mutation that makes the bench order's disclosure accepted, so acceptance has a value. */
export const SEND_BENCH_RCC = {
  query: `mutation Send($input: SendRccInput!) { sendRcc(input: $input) { __typename } }`,
  variables: { input: { order: BENCH_ORDER, method: 'SMS', destination: '17875550123' } },
};
