import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../src/observability/logger.js';
import { createMetrics } from '../src/observability/metrics.js';
import {
  DXP_PRODUCT_ORDER_ROUTE,
  DXP_SANDBOX_CREDENTIALS,
  startDxpSandbox,
} from '../src/sandbox/dxp/server.js';
import type { SandboxFault, SandboxHandle } from '../src/sandbox/sandbox-server.js';
import type { CallContext } from '../src/upstreams/call-context.js';
import { createDxpClient } from '../src/upstreams/dxp/client.js';
import type { DxpClient } from '../src/upstreams/dxp/types.js';
import {
  createUpstreamHttp,
  type UpstreamCall,
  type UpstreamHttp,
  type UpstreamResponse,
} from '../src/upstreams/http.js';
import { createTestResilience } from './helpers/resilience.js';
import { createLogCapture } from './helpers/log-capture.js';
import { typedResultOf } from './helpers/typed-error.js';

const SEED = { businessId: 'PR', msisdn: '16654555678' };
const ROUTE = DXP_PRODUCT_ORDER_ROUTE;

/** The real HTTP layer, recording what went out and what came back. */
function recording(http: UpstreamHttp) {
  const exchanges: { call: UpstreamCall; response?: UpstreamResponse }[] = [];
  const recorder: UpstreamHttp = {
    async send(call) {
      const exchange: (typeof exchanges)[number] = { call };
      exchanges.push(exchange);
      exchange.response = await http.send(call);
      return exchange.response;
    },
    close: () => http.close(),
  };
  return { http: recorder, exchanges };
}

let sandbox: SandboxHandle;
let clients: DxpClient[];

beforeEach(async () => {
  sandbox = await startDxpSandbox({ host: '127.0.0.1', port: 0, slowLineDelayMs: 10_000 });
  clients = [];
});

afterEach(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await sandbox.close();
});

function client(
  options: {
    clientSecret?: string;
    timeoutMs?: number;
    logger?: ReturnType<typeof createLogger>;
    businessUnits?: string[];
  } = {},
) {
  const metrics = createMetrics({ collectDefaults: false });
  const { http, exchanges } = recording(createUpstreamHttp('DXP', metrics));
  const resilience = createTestResilience('DXP', metrics);
  const dxp = createDxpClient({
    baseUrl: sandbox.url,
    credentials: {
      clientId: DXP_SANDBOX_CREDENTIALS.clientId,
      clientSecret: options.clientSecret ?? DXP_SANDBOX_CREDENTIALS.clientSecret,
    },
    timeoutMs: options.timeoutMs ?? 2_000,
    ...(options.businessUnits && { businessUnits: options.businessUnits }),
    http,
    resilience,
    metrics,
  });
  clients.push(dxp);
  return { dxp, exchanges, metrics };
}

function callContext(overrides: Partial<CallContext> = {}): CallContext {
  return {
    correlationId: 'test-correlation-0001',
    logger: createLogger('silent'),
    deadline: Date.now() + 15_000,
    ...overrides,
  };
}

/** A failing read: the client's answer and the calls it cost, by what the sandbox did. */
interface Failure {
  name: string;
  options?: Parameters<typeof client>[0];
  line?: { businessId: string; msisdn: string };
  fault?: SandboxFault;
  faultTimes?: number;
  answer: Record<string, unknown>;
  calls: number;
}

const FAILURES: Failure[] = [
  {
    name: '404 → LineNotFoundError, not retried',
    line: { businessId: 'PR', msisdn: '17875559999' },
    answer: { __typename: 'LineNotFoundError', msisdn: '17875559999', upstreamCode: '404' },
    calls: 1,
  },
  {
    name: '400 (the sandbox refuses an empty relatedParty.id) → InvalidFieldError on msisdn, not retried',
    line: { businessId: 'PR', msisdn: '' },
    answer: { __typename: 'InvalidFieldError', field: 'msisdn', upstreamCode: '400' },
    calls: 1,
  },
  {
    name: '401 (wrong secret) → UpstreamUnavailableError, not retried',
    options: { clientSecret: 'not-the-secret' },
    answer: { __typename: 'UpstreamUnavailableError', upstream: 'DXP', upstreamCode: '401' },
    calls: 1,
  },
  {
    name: '403 (a business unit the sandbox does not serve) → InvalidFieldError on businessId, not retried',
    options: { businessUnits: ['PR', 'ZZ'] },
    line: { businessId: 'ZZ', msisdn: SEED.msisdn },
    answer: { __typename: 'InvalidFieldError', field: 'businessId', upstreamCode: '403' },
    calls: 1,
  },
  {
    name: 'refuses a business unit outside its list as InvalidFieldError on businessId, without a call',
    line: { businessId: 'MX', msisdn: SEED.msisdn },
    answer: {
      __typename: 'InvalidFieldError',
      code: 'INVALID_FIELD',
      field: 'businessId',
      upstreamCode: null,
    },
    calls: 0,
  },
  {
    name: '405 → UpstreamUnavailableError, not retried',
    fault: { kind: 'status', status: 405 },
    answer: { __typename: 'UpstreamUnavailableError', upstreamCode: '405' },
    calls: 1,
  },
  {
    name: '429 whose Retry-After is beyond the cap is answered at once',
    fault: { kind: 'status', status: 429, headers: { 'Retry-After': '30' } },
    answer: { __typename: 'RateLimitedError', retryAfterSeconds: 30 },
    calls: 1,
  },
  {
    name: 'a persistent 503 stops after 3 attempts',
    fault: { kind: 'status', status: 503 },
    faultTimes: 10,
    answer: {
      __typename: 'UpstreamUnavailableError',
      upstreamCode: '503',
      retryAfterSeconds: null,
    },
    calls: 3,
  },
  {
    name: 'a 503 asking for more than the cap is answered at once with retryAfterSeconds',
    fault: { kind: 'status', status: 503, headers: { 'Retry-After': '120' } },
    answer: {
      __typename: 'UpstreamUnavailableError',
      upstreamCode: '503',
      retryAfterSeconds: 120,
    },
    calls: 1,
  },
  {
    name: '500 is retried, then UpstreamUnavailableError',
    line: { businessId: 'PR', msisdn: '17875550500' },
    answer: { __typename: 'UpstreamUnavailableError', upstreamCode: '500' },
    calls: 3,
  },
  {
    name: '502 is retried, then UpstreamUnavailableError',
    line: { businessId: 'PR', msisdn: '17875550502' },
    answer: { __typename: 'UpstreamUnavailableError', upstreamCode: '502' },
    calls: 3,
  },
  {
    name: 'an attempt that hangs times out, is retried, then UpstreamUnavailableError',
    options: { timeoutMs: 100 },
    fault: { kind: 'hang' },
    faultTimes: 3,
    answer: { __typename: 'UpstreamUnavailableError', upstreamCode: null },
    calls: 3,
  },
  {
    name: 'a connection reset is retried, then UpstreamUnavailableError',
    fault: { kind: 'reset' },
    faultTimes: 3,
    answer: { __typename: 'UpstreamUnavailableError', upstreamCode: null },
    calls: 3,
  },
];

describe('dxp-ux client against the sandbox', () => {
  it('maps the seed line exactly', async () => {
    const { dxp } = client();
    expect(await dxp.getLine(SEED, callContext())).toEqual({
      businessId: 'PR',
      msisdn: '16654555678',
      planType: 'POSTPAID',
      plan: { id: 'PR_B2C_ULT_Extra_MB_Line', name: 'Liberty U-Pick Mobile Plus', '@type': 'Plan' },
      addons: [
        {
          '@type': 'Addon',
          product: {
            id: 'PR_B2C_Liberty_Home_Roadside_Assistance',
            name: 'Liberty Home & Road Assistance',
          },
          itemPrice: [
            {
              name: 'Liberty Home and Roadside Assistance $7.99',
              description: 'Liberty Home and Roadside Assistance',
              price: { dutyFreeAmount: { unit: 'USD', value: 7.99 } },
            },
          ],
        },
        {
          '@type': 'Addon',
          product: { id: 'PR_B2C_Mobile_IntRmg_Voice', name: 'Liberty International Passport' },
          itemPrice: [
            {
              name: 'Day Pass Roaming',
              description: 'Internation Day Pass $10/day',
              price: { dutyFreeAmount: { unit: 'USD', value: 0 } },
            },
          ],
        },
        {
          '@type': 'Addon',
          product: {
            id: 'PR_B2C_Mobile_Pospaid_International_Calling_Voice',
            name: 'International Calling',
          },
          itemPrice: [
            {
              name: 'Calling $15',
              description: 'International calling Add-ons $15',
              price: { dutyFreeAmount: { unit: 'USD', value: 15 } },
            },
          ],
        },
      ],
    });
    expect(sandbox.callCount(ROUTE)).toBe(1);
  });

  it('reads a prepaid line, a line with no add-ons, and a line with no plan-type note', async () => {
    const { dxp } = client();
    const call = callContext();
    expect(await dxp.getLine({ businessId: 'PR', msisdn: '17875550101' }, call)).toMatchObject({
      planType: 'PREPAID',
    });
    expect(await dxp.getLine({ businessId: 'PR', msisdn: '17875550103' }, call)).toMatchObject({
      planType: 'POSTPAID',
      addons: [],
    });
    expect(await dxp.getLine({ businessId: 'PR', msisdn: '17875550104' }, call)).toMatchObject({
      planType: null,
      plan: { id: 'PR_B2B_Business_Line' },
    });
  });

  it('sends the credentials, the correlation id and accept, and the sandbox echoes the id back', async () => {
    const { dxp, exchanges } = client();
    await dxp.getLine(SEED, callContext({ correlationId: 'corr-echo-42' }));
    expect(exchanges).toHaveLength(1);
    const [exchange] = exchanges;
    expect(exchange?.call.headers).toEqual({
      client_id: DXP_SANDBOX_CREDENTIALS.clientId,
      client_secret: DXP_SANDBOX_CREDENTIALS.clientSecret,
      'X-Correlation-ID': 'corr-echo-42',
      accept: 'application/json',
    });
    expect(exchange?.call.url).toBe(
      `${sandbox.url}/dxp-ux/v1/PR/productOrder?channel.name=Digital&relatedParty.id=16654555678`,
    );
    // The sandbox writes back the X-Correlation-ID it received, so this proves it arrived.
    expect(exchange?.response?.headers['x-correlation-id']).toBe('corr-echo-42');
  });

  it('logs each attempt at debug with the msisdn masked and no secret', async () => {
    const logs = createLogCapture();
    const { dxp } = client();
    await dxp.getLine(SEED, callContext({ logger: createLogger('debug', logs.stream) }));
    const text = logs.text();
    expect(logs.records()).toContainEqual(
      expect.objectContaining({ level: 'debug', line: '***5678', outcome: 200, upstream: 'DXP' }),
    );
    expect(text).not.toContain(SEED.msisdn);
    expect(text).not.toContain(DXP_SANDBOX_CREDENTIALS.clientSecret);
  });

  it.each(FAILURES.map((failure) => [failure.name, failure] as const))(
    '%s',
    async (_name, { options, line = SEED, fault, faultTimes, answer, calls }) => {
      const { dxp } = client(options);
      if (fault) sandbox.injectFault(ROUTE, fault, faultTimes);
      expect(await typedResultOf(dxp.getLine(line, callContext()))).toMatchObject(answer);
      expect(sandbox.callCount(ROUTE)).toBe(calls);
    },
  );

  it('429 is retried after its Retry-After, then given up as RateLimitedError with retryAfterSeconds', async () => {
    const { dxp } = client();
    const startedAt = Date.now();
    expect(
      await typedResultOf(dxp.getLine({ businessId: 'PR', msisdn: '17875550429' }, callContext())),
    ).toMatchObject({
      __typename: 'RateLimitedError',
      code: 'RATE_LIMITED',
      upstreamCode: '429',
      retryAfterSeconds: 1,
    });
    expect(sandbox.callCount(ROUTE)).toBe(3);
    // Two waits of the Retry-After's second, not the tests' 5 ms backoff.
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1_900);
  });

  it('429 whose Retry-After would pass the deadline is answered at once', async () => {
    const { dxp } = client();
    const call = callContext({ deadline: Date.now() + 800 });
    expect(
      await typedResultOf(dxp.getLine({ businessId: 'PR', msisdn: '17875550429' }, call)),
    ).toMatchObject({
      __typename: 'RateLimitedError',
      retryAfterSeconds: 1,
    });
    expect(sandbox.callCount(ROUTE)).toBe(1);
  });

  it('a transient 503 is retried to success', async () => {
    const { dxp } = client();
    sandbox.injectFault(ROUTE, { kind: 'status', status: 503 });
    expect(await dxp.getLine(SEED, callContext())).toMatchObject({ planType: 'POSTPAID' });
    expect(sandbox.callCount(ROUTE)).toBe(2);
  });

  it('never waits past the request deadline, whatever the per-attempt timeout', async () => {
    const { dxp } = client({ timeoutMs: 10_000 });
    sandbox.injectFault(ROUTE, { kind: 'hang' }, 3);
    const startedAt = Date.now();
    expect(
      await typedResultOf(dxp.getLine(SEED, callContext({ deadline: startedAt + 200 }))),
    ).toMatchObject({
      __typename: 'UpstreamUnavailableError',
    });
    expect(Date.now() - startedAt).toBeLessThan(1_500);
    // The first attempt used up the request's time: no retry was sent after it.
    expect(sandbox.callCount(ROUTE)).toBe(1);
  });

  it('a reset once is retried to success', async () => {
    const { dxp } = client();
    sandbox.injectFault(ROUTE, { kind: 'reset' });
    expect(await dxp.getLine(SEED, callContext())).toMatchObject({ businessId: 'PR' });
    expect(sandbox.callCount(ROUTE)).toBe(2);
  });

  it.each([
    { name: 'malformed JSON', body: 'SECRET-UPSTREAM-TEXT <html>oops' },
    { name: 'an object, not an array', body: '{"SECRET-UPSTREAM-TEXT": true}' },
    {
      name: 'a product id of the wrong type',
      body: '[{"productOrderItem":[{"product":{"id":5,"name":"SECRET-UPSTREAM-TEXT"}}]}]',
    },
    {
      name: 'an amount as a string',
      body: '[{"productOrderItem":[{"product":{"id":"P"},"productOrderItem":[{"product":{"id":"A"},"itemPrice":[{"price":{"dutyFreeAmount":{"unit":"USD","value":"SECRET-UPSTREAM-TEXT"}}}]}]}]}]',
    },
  ])(
    'a 200 with $name → UpstreamUnavailableError without upstream text, not retried',
    async ({ body }) => {
      const { dxp, metrics } = client();
      sandbox.injectFault(ROUTE, { kind: 'raw', status: 200, body });
      const result = await typedResultOf(dxp.getLine(SEED, callContext()));
      expect(result).toMatchObject({ __typename: 'UpstreamUnavailableError', upstreamCode: '200' });
      expect(JSON.stringify(result)).not.toContain('SECRET-UPSTREAM-TEXT');
      expect(sandbox.callCount(ROUTE)).toBe(1);
      const { values } = await metrics.upstreamErrors.get();
      expect(values).toContainEqual(
        expect.objectContaining({
          labels: { upstream: 'DXP', route: 'productOrder', kind: 'shape' },
          value: 1,
        }),
      );
    },
  );

  it('a 200 with no plan item → LineNotFoundError (upstreamCode 200)', async () => {
    const { dxp } = client();
    sandbox.injectFault(ROUTE, { kind: 'raw', status: 200, body: '[]' });
    expect(await typedResultOf(dxp.getLine(SEED, callContext()))).toMatchObject({
      __typename: 'LineNotFoundError',
      msisdn: SEED.msisdn,
      upstreamCode: '200',
    });
  });

  it('takes the item whose product is a Plan, and reads the plan type whatever its case', async () => {
    const { dxp } = client();
    const body = JSON.stringify([
      {
        note: [{ text: 'something else' }, { text: 'PLANTYPE-prepaid' }],
        productOrderItem: [
          { product: { id: 'NOT_THE_PLAN', '@type': 'Bundle' } },
          {
            product: { id: 'THE_PLAN', '@type': 'Plan' },
            productOrderItem: [{ product: { id: 'ADDON' } }],
          },
        ],
      },
    ]);
    sandbox.injectFault(ROUTE, { kind: 'raw', status: 200, body });
    expect(await dxp.getLine(SEED, callContext())).toEqual({
      ...SEED,
      planType: 'PREPAID',
      plan: { id: 'THE_PLAN', '@type': 'Plan' },
      addons: [{ product: { id: 'ADDON' } }],
    });
  });

  it('URL-encodes what it puts in the path and query', async () => {
    const { dxp, exchanges } = client({ businessUnits: ['P/R'] });
    await typedResultOf(dxp.getLine({ businessId: 'P/R', msisdn: '1 2&x=3' }, callContext()));
    expect(exchanges[0]?.call.url).toBe(
      `${sandbox.url}/dxp-ux/v1/P%2FR/productOrder?channel.name=Digital&relatedParty.id=1+2%26x%3D3`,
    );
  });
});
