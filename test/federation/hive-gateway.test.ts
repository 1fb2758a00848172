import { describe, expect, it } from 'vitest';
import { DXP_PRODUCT_ORDER_ROUTE } from '../../src/sandbox/dxp/server.js';
import { startRecordedStack } from '../helpers/lines.js';
import { startOtlpReceiver } from '../helpers/otlp-receiver.js';
import type { TestStack } from '../helpers/app.js';
import { usePerSuite } from '../helpers/per-suite.js';
import { completeInput, disclosureInput, newOrderKey } from '../helpers/px-operations.js';
import { startCatalogSubgraph } from '../../schema/supergraph/catalog-subgraph.js';
import { startCustomersSubgraph } from '../../schema/supergraph/customers-subgraph.js';
import { readExampleOperation } from './example-operations.js';
import {
  LINE_RESULT_TTL_MS,
  PARTNER_CLAIM,
  PARTNER_HEADER,
  signedToken,
  startHiveGateway,
  type HiveGatewayResponse,
} from './hive-gateway.js';
import { composeExampleSupergraph } from '../../schema/supergraph/supergraph.js';

const ROUTER_SECRET = 'hive-gateway-test-router-secret';
const SEED = { businessId: 'PR', msisdn: '16654555678' };
const UNLIMITED = { businessId: 'PR', msisdn: '17875550102' };
const PREPAID = { businessId: 'PR', msisdn: '17875550101' };
/** A PR line dxp-ux does not know: the subgraph answers LineNotFoundError, a typed error member. */
const UNKNOWN_MSISDN = '17875559876';
/** The partner of newOrderKey's orders. */
const PARTNER = 'P-1001';
/** Above one mobileLine (weight 10), below mobileLines' 50 assumed lines at 10 each. */
const MAX_COST = 200;

const CUSTOMER_LINES = `query CustomerLines {
  customers { id lines { msisdn plan { id name description } addons { product { id name } } } }
}`;

/** A caller's token: agent-1 of partner P-1001 unless `claims` say otherwise. */
const bearer = (scope?: string, claims: Record<string, unknown> = {}) => ({
  authorization: `Bearer ${signedToken({
    sub: 'agent-1',
    [PARTNER_CLAIM]: PARTNER,
    ...(scope === undefined ? {} : { scope }),
    ...claims,
  })}`,
});

const LINE_PLAN = `query LinePlan($msisdn: Msisdn!) {
  mobileLine(businessId: "PR", msisdn: $msisdn) { __typename ... on MobileLine { msisdn plan { name } } }
}`;

const pxCallCount = (stack: TestStack) =>
  Object.values(stack.px.calls()).reduce((sum, count) => sum + count, 0);

describe.each(['javascript', 'rust'] as const)(
  'Hive Gateway (%s query planner) serving the composed supergraph, enforcing its directives',
  (planner) => {
    /** The customers subgraph serves this object itself, so a test can change it. */
    const customer = { id: 'C-1', name: 'Ana Rivera', lines: [SEED, UNLIMITED, SEED], orders: [] };
    // The subgraph traces (to a receiver on loopback), so it continues a trace the gateway passes on.
    const receiver = usePerSuite('the OTLP receiver', startOtlpReceiver);
    const stack = usePerSuite('the recorded stack', async () => {
      const { stack: started, proxy } = await startRecordedStack({
        ROUTER_SECRET,
        // Line answers are `private, max-age=60`, so the gateway may keep them.
        ADDONS_CACHE_TTL_S: '60',
        PARTNER_HEADER,
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      });
      return { ...started, dxpProxy: proxy };
    });
    const customers = usePerSuite('the customers subgraph', () =>
      startCustomersSubgraph([customer]),
    );
    const catalog = usePerSuite('the catalog subgraph', startCatalogSubgraph);
    const gateway = usePerSuite('the gateway', async () =>
      startHiveGateway({
        supergraphSdl: composeExampleSupergraph().supergraphSdl,
        urls: { ordering: stack.graphqlUrl, customers: customers.url, catalog: catalog.url },
        routerSecret: ROUTER_SECRET,
        maxCost: MAX_COST,
        planner,
      }),
    );

    /** GraphQL requests the ordering subgraph itself counted. */
    async function orderingRequests(): Promise<number> {
      const metric = await stack.app.metrics.graphqlRequests.get();
      return metric.values.reduce((sum, value) => sum + value.value, 0);
    }

    it('goes customer → lines → plan and add-ons with one dxp-ux call per distinct line, the correlation id reaching dxp-ux', async () => {
      const first = stack.dxpProxy.recorded.length;
      const orderingBefore = await orderingRequests();
      const response = await gateway.execute(
        CUSTOMER_LINES,
        {},
        {
          ...bearer(),
          'x-correlation-id': 'hive-customer-lines',
        },
      );
      expect(response.body.errors).toBeUndefined();
      const lines = (response.body.data?.['customers'] as { lines: { msisdn: string }[] }[])[0]!
        .lines;
      expect(lines.map((line) => line.msisdn)).toEqual([
        SEED.msisdn,
        UNLIMITED.msisdn,
        SEED.msisdn,
      ]);
      // One _entities batch for the three references.
      expect((await orderingRequests()) - orderingBefore).toBe(1);
      const toDxp = stack.dxpProxy.recorded.slice(first);
      expect(toDxp).toHaveLength(2);
      expect(toDxp.map((request) => request.headers['x-correlation-id'])).toEqual([
        'hive-customer-lines',
        'hive-customer-lines',
      ]);
    });

    it("continues the caller's trace through the gateway and the subgraph to dxp-ux", async () => {
      const traceId = '6cf92f3577b34da6a3ce929d0e0e4738';
      const first = stack.dxpProxy.recorded.length;
      const response = await gateway.execute(
        `query { mobileLine(businessId: "PR", msisdn: "${PREPAID.msisdn}") { __typename } }`,
        {},
        { ...bearer(), traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
      );
      expect(response.body.errors).toBeUndefined();
      const seen = stack.dxpProxy.recorded
        .slice(first)
        .map(({ headers }) => headers['traceparent']);
      expect(seen).toHaveLength(1);
      expect(String(seen[0]).split('-')[1]).toBe(traceId);
    });

    it('refuses line reads without a token, before any dxp-ux call', async () => {
      const before = stack.dxp.callCount(DXP_PRODUCT_ORDER_ROUTE);
      const response = await gateway.execute(CUSTOMER_LINES);
      expect(response.body.errors?.[0]?.extensions?.['code']).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
      expect(stack.dxp.callCount(DXP_PRODUCT_ORDER_ROUTE)).toBe(before);
    });

    /**
     * Refused by the gateway, with either planner. (Without the response cache, the Rust planner
     * answered a parse error instead: granular auth stripped the root field and left an empty
     * operation; the cache adds `__typename` to every selection, so the operation stays valid.)
     */
    function expectRefused(response: HiveGatewayResponse) {
      expect(
        response.body.data?.['rccDisclosure'] ?? response.body.data?.['completeOrder'] ?? null,
      ).toBeNull();
      expect(response.body.errors?.[0]?.extensions?.['code']).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
    }

    it("refuses the order flow to a token without its scope, and runs it with orders:read and orders:write for the token's partner", async () => {
      const key = newOrderKey();
      const disclosure = readExampleOperation('rcc-disclosure').document;
      const complete = readExampleOperation('complete-order').document;
      const pxBefore = pxCallCount(stack);
      const unscoped = await gateway.execute(
        disclosure,
        disclosureInput(key),
        bearer('orders:write'),
      );
      expectRefused(unscoped);
      const readOnly = await gateway.execute(complete, completeInput(key), bearer('orders:read'));
      expectRefused(readOnly);
      expect(pxCallCount(stack)).toBe(pxBefore);

      const both = bearer('orders:read orders:write');
      const disclosed = await gateway.execute(disclosure, disclosureInput(key), both);
      expect(disclosed.body.errors).toBeUndefined();
      expect(disclosed.body.data?.['rccDisclosure']).toMatchObject({ __typename: 'RccDisclosure' });
      const completed = await gateway.execute(complete, completeInput(key), both);
      expect(completed.body.errors).toBeUndefined();
      expect(completed.body.data?.['completeOrder']).toMatchObject({
        __typename: 'OrderCompleted',
        replayed: false,
      });
    });

    it('refuses an over-cost mobileLines before any dxp-ux call, and serves a mobileLine', async () => {
      const before = stack.dxp.callCount(DXP_PRODUCT_ORDER_ROUTE);
      const refused = await gateway.execute(
        'query($m: [Msisdn!]!) { mobileLines(businessId: "PR", msisdns: $m) { __typename } }',
        { m: [SEED.msisdn] },
        bearer(),
      );
      expect(refused.body.errors?.[0]?.extensions?.['code']).toBe('COST_ESTIMATED_TOO_EXPENSIVE');
      expect(stack.dxp.callCount(DXP_PRODUCT_ORDER_ROUTE)).toBe(before);
      const served = await gateway.execute(
        '{ mobileLine(businessId: "PR", msisdn: "16654555678") { __typename } }',
        {},
        bearer(),
      );
      expect(served.body.errors).toBeUndefined();
      expect(served.body.data?.['mobileLine']).toMatchObject({ __typename: 'MobileLine' });
    });

    it('serves a repeated line query from its cache, to the same caller only', async () => {
      const variables = { msisdn: UNLIMITED.msisdn };
      const before = await orderingRequests();
      const first = await gateway.execute(LINE_PLAN, variables, bearer());
      expect(first.body.errors).toBeUndefined();
      expect(first.body.data?.['mobileLine']).toMatchObject({ msisdn: UNLIMITED.msisdn });
      // Kept for the subgraph's max-age (60 s), below the gateway's own TTL for lines.
      expect(LINE_RESULT_TTL_MS).toBeGreaterThan(60_000);
      expect(first.body.extensions?.['responseCache']).toEqual({
        hit: false,
        didCache: true,
        ttl: 60_000,
      });
      expect((await orderingRequests()) - before).toBe(1);

      const again = await gateway.execute(LINE_PLAN, variables, bearer());
      expect(again.body.data).toEqual(first.body.data);
      expect((await orderingRequests()) - before).toBe(1);

      const otherCaller = await gateway.execute(
        LINE_PLAN,
        variables,
        bearer(undefined, { sub: 'agent-2' }),
      );
      expect(otherCaller.body.errors).toBeUndefined();
      expect((await orderingRequests()) - before).toBe(2);
    });

    it('keeps nothing without a line: a customer renamed between two identical queries is seen renamed', async () => {
      const names = async () => {
        const response = await gateway.execute('query { customers { name } }', {}, bearer());
        expect(response.body.errors).toBeUndefined();
        return response.body.data?.['customers'];
      };
      expect(await names()).toEqual([{ name: 'Ana Rivera' }]);
      customer.name = 'Ana Rivera Soto';
      try {
        expect(await names()).toEqual([{ name: 'Ana Rivera Soto' }]);
      } finally {
        customer.name = 'Ana Rivera';
      }
    });

    it('never keeps a result touching Px data or holding a typed error member, though it holds a line', async () => {
      const key = newOrderKey();
      const disclosure = readExampleOperation('rcc-disclosure').document;
      const lineAndDisclosure = `query LineAndDisclosure($input: RccDisclosureInput!) {
        line: mobileLine(businessId: "PR", msisdn: "${SEED.msisdn}") { __typename }
        disclosure: rccDisclosure(input: $input) { __typename }
      }`;
      const lineAndUnknown = `query LineAndUnknown {
        line: mobileLine(businessId: "PR", msisdn: "${SEED.msisdn}") { __typename }
        unknown: mobileLine(businessId: "PR", msisdn: "${UNKNOWN_MSISDN}") { __typename }
      }`;
      const cases: [string, Record<string, unknown>, string[]][] = [
        [disclosure, disclosureInput(key), ['RccDisclosure']],
        [lineAndDisclosure, disclosureInput(key), ['MobileLine', 'RccDisclosure']],
        [lineAndUnknown, {}, ['MobileLine', 'LineNotFoundError']],
      ];
      for (const [query, variables, typenames] of cases) {
        const runs: number[] = [];
        for (let run = 0; run < 2; run += 1) {
          const before = await orderingRequests();
          const response = await gateway.execute(query, variables, bearer('orders:read'));
          expect(response.body.errors).toBeUndefined();
          expect(
            Object.values(response.body.data ?? {}).map(
              (value) => (value as { __typename: string }).__typename,
            ),
          ).toEqual(typenames);
          runs.push((await orderingRequests()) - before);
        }
        // Each run asks the subgraph again, as the first did.
        expect(runs[0]).toBeGreaterThan(0);
        expect(runs[1]).toBe(runs[0]);
      }
    });

    it("sends x-partner-id from the token's partner claim only, never from the client", async () => {
      const key = newOrderKey();
      const disclosure = readExampleOperation('rcc-disclosure').document;
      const pxBefore = pxCallCount(stack);
      const codeOf = (response: HiveGatewayResponse) =>
        response.body.errors?.[0]?.extensions?.['code'];

      const otherPartner = bearer('orders:read', { [PARTNER_CLAIM]: 'P-2002' });
      expect(codeOf(await gateway.execute(disclosure, disclosureInput(key), otherPartner))).toBe(
        'FORBIDDEN',
      );
      const claimedByClient = await gateway.execute(disclosure, disclosureInput(key), {
        ...otherPartner,
        [PARTNER_HEADER]: PARTNER,
      });
      expect(codeOf(claimedByClient)).toBe('FORBIDDEN');
      const noClaim = await gateway.execute(disclosure, disclosureInput(key), {
        ...bearer('orders:read', { [PARTNER_CLAIM]: undefined }),
        [PARTNER_HEADER]: PARTNER,
      });
      expect(codeOf(noClaim)).toBe('UNAUTHENTICATED');
      expect(pxCallCount(stack)).toBe(pxBefore);
    });
  },
);
