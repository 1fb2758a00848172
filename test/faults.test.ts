import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { PX_ROUTES } from '../src/sandbox/px/server.js';
import type { SandboxFault } from '../src/sandbox/sandbox-server.js';
import {
  answerOf,
  graphql,
  startTestStackForTest,
  useTestStack,
  type TestStack,
} from './helpers/app.js';
import {
  DXP_ROUTE,
  MOBILE_LINE_ENTITIES,
  MOBILE_LINES,
  dxpCallsDuring,
  queryLine,
  queryLineCountingCalls,
  type LineResult,
} from './helpers/lines.js';
import { RCC_ACCEPTANCE, newOrderKey } from './helpers/px-operations.js';
import { complete, disclose } from './helpers/order-flow.js';

/**
 * What the network and the upstreams can do wrong, through GraphQL over HTTP
 * against both sandboxes: refused connections, resets, hangs, 5xx storms,
 * rate limits, a dead token endpoint, the circuit breaker, and completeOrder
 * under every one of them. Outcomes are asserted by the calls each sandbox
 * counted, not by the clock.
 */

/** Px operations other than completeOrder select no `upstream`; their code says it all. */
const PX_UNAVAILABLE = { __typename: 'UpstreamUnavailableError', code: 'UPSTREAM_UNAVAILABLE' };

const ACCEPTANCE_WITH_WAIT = `query Acceptance($order: OrderKeyInput!) {
  rccAcceptance(order: $order) {
    __typename
    ... on Error { code }
    ... on UpstreamUnavailableError { retryAfterSeconds }
  } }`;

const FRESH_LINES = ['17875550101', '17875550102', '16654555678'];

/** An origin nothing listens on: a port the OS handed out, then closed. */
async function closedOrigin(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address !== 'object') throw new Error('no port to close');
  return `http://127.0.0.1:${address.port}`;
}

const pxOrderCalls = (stack: TestStack) =>
  [PX_ROUTES.retrieveRcc, PX_ROUTES.sendRcc, PX_ROUTES.getRccAcceptance, PX_ROUTES.completeOrder]
    .map((route) => stack.px.callCount(route))
    .reduce((sum, count) => sum + count, 0);

async function prepared(stack: TestStack) {
  const order = newOrderKey();
  const disclosure = await disclose(stack, order);
  expect(disclosure.__typename).toBe('RccDisclosure');
  return order;
}

const acceptance = (stack: TestStack, order: ReturnType<typeof newOrderKey>) =>
  answerOf(stack, RCC_ACCEPTANCE, { order });

/** A fault, or one made the moment it is armed: a Retry-After date must not age before its request. */
type FaultWhenArmed = SandboxFault | (() => SandboxFault);

const made = (fault: FaultWhenArmed): SandboxFault =>
  typeof fault === 'function' ? fault() : fault;

/** The seed line read with `fault` armed on dxp-ux for `times` calls, and the calls it cost. */
async function dxpReadUnder(stack: TestStack, fault: FaultWhenArmed, times: number) {
  stack.dxp.clearFaults();
  stack.dxp.injectFault(DXP_ROUTE, made(fault), times);
  const before = stack.dxp.callCount(DXP_ROUTE);
  const { line, response } = await queryLine(stack, 'PR', '16654555678');
  stack.dxp.clearFaults();
  return {
    line,
    errors: response.body.errors,
    calls: stack.dxp.callCount(DXP_ROUTE) - before,
  };
}

/** A prepared order's RCC acceptance read with `fault` armed on Px for `times` calls, and the calls it cost. */
async function pxAcceptanceReadUnder(stack: TestStack, fault: FaultWhenArmed, times: number) {
  const order = await prepared(stack);
  stack.px.injectFault(PX_ROUTES.getRccAcceptance, made(fault), times);
  const before = stack.px.callCount(PX_ROUTES.getRccAcceptance);
  const status = await acceptance(stack, order);
  stack.px.clearFaults();
  return { status, calls: stack.px.callCount(PX_ROUTES.getRccAcceptance) - before };
}

const retryAfterDate = (seconds: number) => new Date(Date.now() + seconds * 1000).toUTCString();

const retryAfterFault = (status: number, retryAfter: string): SandboxFault => ({
  kind: 'status',
  status,
  headers: { 'retry-after': retryAfter },
});

/** A Retry-After of `seconds` in both forms HTTP allows, each made when asked for. */
const retryAfterForms = (seconds: number) =>
  [
    ['in seconds', () => String(seconds)],
    ['as an HTTP date', () => retryAfterDate(seconds)],
  ] as const;

async function metricsText(stack: TestStack): Promise<string> {
  return (await fetch(`${stack.app.url}/metrics`)).text();
}

async function readinessStatus(stack: TestStack): Promise<number> {
  const response = await fetch(`${stack.app.url}/health/ready`);
  await response.text();
  return response.status;
}

async function circuitOf(stack: TestStack, upstream: 'DXP' | 'PX'): Promise<string> {
  const response = await fetch(`${stack.app.url}/health/upstreams`);
  const body = (await response.json()) as { upstreams: Record<string, { circuit: string }> };
  return body.upstreams[upstream.toLowerCase()]?.circuit ?? 'unreported';
}

describe('unreachable upstreams', () => {
  it('answers UpstreamUnavailableError for dxp-ux when its port refuses connections', async () => {
    const stack = await startTestStackForTest({ DXP_BASE_URL: await closedOrigin() });
    const { line } = await queryLine(stack, 'PR', '16654555678');
    expect(line).toMatchObject({ __typename: 'UpstreamUnavailableError', upstream: 'DXP' });
    expect(stack.dxp.callCount(DXP_ROUTE)).toBe(0);
  });

  it('answers UpstreamUnavailableError for Px when its port refuses connections', async () => {
    const stack = await startTestStackForTest({ PX_BASE_URL: await closedOrigin() });
    const order = newOrderKey();
    const disclosure = await disclose(stack, order);
    expect(disclosure).toMatchObject(PX_UNAVAILABLE);
    const status = await acceptance(stack, order);
    expect(status).toMatchObject(PX_UNAVAILABLE);
  });

  it('answers UpstreamUnavailableError without calling Px when the token endpoint refuses connections', async () => {
    const stack = await startTestStackForTest({
      PX_TOKEN_URL: `${await closedOrigin()}/oauth/token`,
    });
    const disclosure = await disclose(stack, newOrderKey());
    expect(disclosure).toMatchObject(PX_UNAVAILABLE);
    expect(pxOrderCalls(stack)).toBe(0);
  });

  it('answers UpstreamUnavailableError without calling Px when the token endpoint answers 503', async () => {
    const stack = await startTestStackForTest();
    stack.px.injectFault(PX_ROUTES.token, { kind: 'status', status: 503 }, 10);
    const disclosure = await disclose(stack, newOrderKey());
    expect(disclosure).toMatchObject(PX_UNAVAILABLE);
    expect(stack.px.callCount(PX_ROUTES.token)).toBeGreaterThanOrEqual(1);
    expect(pxOrderCalls(stack)).toBe(0);
  });
});

describe('resets, hangs, storms and rate limits', () => {
  // Short enough to make hangs cheap, long enough for a busy shared machine.
  const stack = useTestStack({
    ADDONS_CACHE_TTL_S: '0',
    BREAKER_MIN_CALLS: '1000',
    DXP_TIMEOUT_MS: '1000',
    PX_TIMEOUT_MS: '1000',
  });

  const TRANSIENT_FAULTS = [
    ['a reset', { kind: 'reset' }],
    ['a hang past the attempt timeout', { kind: 'hang' }],
    ['a 503 storm', { kind: 'status', status: 503 }],
  ] as const;

  it.each(TRANSIENT_FAULTS)(
    'gives a dxp-ux read three attempts under %s, then UpstreamUnavailableError',
    async (_name, fault) => {
      const { line, calls } = await dxpReadUnder(stack, fault, 100);
      expect(line).toMatchObject({ __typename: 'UpstreamUnavailableError', upstream: 'DXP' });
      expect(calls).toBe(3);
    },
  );

  it.each(TRANSIENT_FAULTS)(
    'gives a Px acceptance read three attempts under %s, then UpstreamUnavailableError',
    async (_name, fault) => {
      const { status, calls } = await pxAcceptanceReadUnder(stack, fault, 100);
      expect(status).toMatchObject(PX_UNAVAILABLE);
      expect(calls).toBe(3);
    },
  );

  it.each(retryAfterForms(1))(
    'waits out a dxp-ux 429 whose Retry-After is %s, then reads the line',
    async (_name, header) => {
      const { line, calls } = await dxpReadUnder(stack, retryAfterFault(429, header()), 1);
      expect(line).toMatchObject({ __typename: 'MobileLine', msisdn: '16654555678' });
      expect(calls).toBe(2);
    },
  );

  it.each(retryAfterForms(1))(
    'waits out a Px 429 or 503 on a read whose Retry-After is %s',
    async (_name, header) => {
      for (const status of [429, 503]) {
        const { status: answer, calls } = await pxAcceptanceReadUnder(
          stack,
          retryAfterFault(status, header()),
          1,
        );
        expect(answer, `Px ${status}`).toMatchObject({ __typename: 'RccAcceptanceStatus' });
        expect(calls, `Px ${status}`).toBe(2);
      }
    },
  );

  it.each(retryAfterForms(120))(
    'answers a dxp-ux 429 whose Retry-After (%s) is beyond reach at once, with the wait',
    async (_name, header) => {
      const { line, calls } = await dxpReadUnder(stack, retryAfterFault(429, header()), 100);
      expect(line).toMatchObject({ __typename: 'RateLimitedError', code: 'RATE_LIMITED' });
      expect(line['retryAfterSeconds']).toBeGreaterThanOrEqual(119);
      expect(line['retryAfterSeconds']).toBeLessThanOrEqual(120);
      expect(calls).toBe(1);
    },
  );

  it.each([
    ['an absurd number of seconds', '99999999999999999999'],
    ['a date in the year 9999', 'Fri, 31 Dec 9999 23:59:59 GMT'],
  ])(
    'answers a Retry-After of %s with a typed error and a wait that fits an Int',
    async (_name, header) => {
      const { line, calls, errors } = await dxpReadUnder(stack, retryAfterFault(429, header), 100);
      expect(errors).toBeUndefined();
      expect(line).toMatchObject({ __typename: 'RateLimitedError', code: 'RATE_LIMITED' });
      expect(line['retryAfterSeconds']).toBeGreaterThan(0);
      expect(line['retryAfterSeconds']).toBeLessThanOrEqual(2 ** 31 - 1);
      expect(calls).toBe(1);

      const order = await prepared(stack);
      stack.px.injectFault(PX_ROUTES.getRccAcceptance, retryAfterFault(503, header), 100);
      const status = await answerOf(stack, ACCEPTANCE_WITH_WAIT, { order });
      stack.px.clearFaults();
      expect(status).toMatchObject(PX_UNAVAILABLE);
      expect(status['retryAfterSeconds']).toBeGreaterThan(0);
      expect(status['retryAfterSeconds']).toBeLessThanOrEqual(2 ** 31 - 1);
    },
  );

  it('answers a Px 503 whose Retry-After is beyond reach at once, with the wait', async () => {
    const { status, calls } = await pxAcceptanceReadUnder(stack, retryAfterFault(503, '120'), 100);
    expect(status).toMatchObject(PX_UNAVAILABLE);
    expect(calls).toBe(1);
  });
});

describe('the request deadline', () => {
  // Attempts may take the default seconds; the whole request may not.
  const stack = useTestStack({
    ADDONS_CACHE_TTL_S: '0',
    BREAKER_MIN_CALLS: '1000',
    REQUEST_DEADLINE_MS: '2500',
  });

  it('ends a hung dxp-ux read at the deadline, after one attempt', async () => {
    const { line, calls } = await dxpReadUnder(stack, { kind: 'hang' }, 100);
    expect(line).toMatchObject({ __typename: 'UpstreamUnavailableError', upstream: 'DXP' });
    expect(calls).toBe(1);
  });

  it('ends a hung Px read at the deadline, after one attempt', async () => {
    const { status, calls } = await pxAcceptanceReadUnder(stack, { kind: 'hang' }, 100);
    expect(status).toMatchObject(PX_UNAVAILABLE);
    expect(calls).toBe(1);
  });

  it('does not wait for a Retry-After that ends past the deadline, though under the cap', async () => {
    // Four seconds: under the five-second cap, past the 2.5 s deadline even as a whole-second date.
    // A date is made right before its fault is armed: made earlier, a slow machine could bring it
    // within the deadline by the time the upstream answers.
    for (const [, retryAfter] of retryAfterForms(4)) {
      const faultNow = () => retryAfterFault(503, retryAfter());
      const header = retryAfter();
      const dxp = await dxpReadUnder(stack, faultNow, 100);
      expect(dxp.line, header).toMatchObject({ __typename: 'UpstreamUnavailableError' });
      expect(dxp.calls, header).toBe(1);

      const px = await pxAcceptanceReadUnder(stack, faultNow, 100);
      expect(px.status, header).toMatchObject(PX_UNAVAILABLE);
      expect(px.calls, header).toBe(1);
    }
  });
});

describe('the circuit breaker', () => {
  // Opens once three calls in its window are more than half failures.
  const BREAKER = {
    BREAKER_MIN_CALLS: '3',
    BREAKER_FAILURE_RATE: '0.5',
    BREAKER_WINDOW_S: '30',
    BREAKER_HALF_OPEN_S: '1',
    ADDONS_CACHE_TTL_S: '0',
  };
  const failingLines = (count: number, first = 0) =>
    Array.from(
      { length: count },
      (_, index) => `1787${String(first + index).padStart(3, '0')}0500`,
    );
  const linesOf = async (stack: TestStack, msisdns: string[]) => {
    const response = await graphql<{ mobileLines: LineResult[] }>(stack.graphqlUrl, MOBILE_LINES, {
      businessId: 'PR',
      msisdns,
    });
    expect(response.body.errors).toBeUndefined();
    return response.body.data?.mobileLines ?? [];
  };

  async function expectOpen(stack: TestStack, upstream: 'DXP' | 'PX', rejections: number) {
    const metrics = await metricsText(stack);
    expect(metrics).toContain(`circuit_breaker_open{upstream="${upstream}"} 1`);
    expect(metrics).toContain(
      `circuit_breaker_rejections_total{upstream="${upstream}"} ${rejections}`,
    );
    expect(await circuitOf(stack, upstream)).toBe('open');
    // An upstream's outage is every replica's: this one can still serve the rest.
    expect(await readinessStatus(stack)).toBe(200);
  }

  const expectAllUnavailable = (lines: LineResult[]) => {
    expect(lines.map((line) => line.__typename)).toEqual(
      lines.map(() => 'UpstreamUnavailableError'),
    );
  };

  /** Closed, and a line read goes to dxp-ux. */
  async function expectClosedAndServing(stack: TestStack) {
    await expectClosed(stack, 'DXP');
    const { result, calls } = await queryLineCountingCalls(stack, 'PR', '16654555678');
    expect(calls).toBe(1);
    expect(result.line.__typename).toBe('MobileLine');
  }

  async function expectClosed(stack: TestStack, upstream: 'DXP' | 'PX') {
    expect(await metricsText(stack)).toContain(`circuit_breaker_open{upstream="${upstream}"} 0`);
    expect(await circuitOf(stack, upstream)).toBe('closed');
    expect(await readinessStatus(stack)).toBe(200);
  }

  it('opens on dxp-ux after three failed reads, rejects without calling it, and recovers after a good probe', async () => {
    const stack = await startTestStackForTest(BREAKER);
    stack.dxp.injectFault(DXP_ROUTE, { kind: 'status', status: 503 }, 1000);
    for (const msisdn of FRESH_LINES) {
      const { line } = await queryLine(stack, 'PR', msisdn);
      expect(line).toMatchObject({ __typename: 'UpstreamUnavailableError', upstream: 'DXP' });
    }
    // Three operations of three attempts each: the breaker counts operations.
    expect(stack.dxp.callCount(DXP_ROUTE)).toBe(9);

    const rejected: LineResult[] = [];
    for (let index = 0; index < 5; index++) {
      rejected.push((await queryLine(stack, 'PR', '16654555678')).line);
    }
    expect(rejected.every((line) => line.__typename === 'UpstreamUnavailableError')).toBe(true);
    expect(stack.dxp.callCount(DXP_ROUTE)).toBe(9);
    await expectOpen(stack, 'DXP', 5);

    stack.dxp.clearFaults();
    await sleep(1_100);
    const { line } = await queryLine(stack, 'PR', '16654555678');
    expect(line).toMatchObject({ __typename: 'MobileLine' });
    expect(stack.dxp.callCount(DXP_ROUTE)).toBe(10);
    await expectClosed(stack, 'DXP');
  });

  it('opens on Px after three failed operations, rejects without calling it, and recovers after a good probe', async () => {
    const stack = await startTestStackForTest(BREAKER);
    stack.px.injectFault(PX_ROUTES.retrieveRcc, { kind: 'status', status: 503 }, 1000);
    for (let index = 0; index < 3; index++) {
      const disclosure = await disclose(stack, newOrderKey());
      expect(disclosure).toMatchObject(PX_UNAVAILABLE);
    }
    expect(stack.px.callCount(PX_ROUTES.retrieveRcc)).toBe(3);

    const order = newOrderKey();
    const rejected = await disclose(stack, order);
    expect(rejected).toMatchObject(PX_UNAVAILABLE);
    const completion = await complete(stack, order);
    expect(completion).toMatchObject({ ...PX_UNAVAILABLE, upstream: 'PX' });
    expect(stack.px.callCount(PX_ROUTES.retrieveRcc)).toBe(3);
    expect(stack.px.callCount(PX_ROUTES.completeOrder)).toBe(0);
    await expectOpen(stack, 'PX', 2);

    stack.px.clearFaults();
    await sleep(1_100);
    const disclosure = await disclose(stack, order);
    expect(disclosure).toMatchObject({ __typename: 'RccDisclosure' });
    await expectClosed(stack, 'PX');
  });

  it('counts business units and lines the caller got wrong as answers, which keep it closed', async () => {
    // MX is one dxp-ux refuses (403); CO is refused here, before any call.
    const stack = await startTestStackForTest({ ...BREAKER, DXP_BUSINESS_UNITS: 'PR,MX' });
    for (let index = 0; index < 3; index++) {
      const local = await queryLineCountingCalls(stack, 'CO', '16654555678');
      expect(local.calls).toBe(0);
      expect(local.result.line).toMatchObject({
        __typename: 'InvalidFieldError',
        field: 'businessId',
        upstreamCode: null,
      });
      const refused = await queryLineCountingCalls(stack, 'MX', '16654555678');
      expect(refused.calls).toBe(1);
      expect(refused.result.line).toMatchObject({
        __typename: 'InvalidFieldError',
        field: 'businessId',
        upstreamCode: '403',
      });
      const { line } = await queryLine(stack, 'PR', '17875559876');
      expect(line.__typename).toBe('LineNotFoundError');
    }
    const entities = await dxpCallsDuring(stack, () =>
      graphql(stack.graphqlUrl, MOBILE_LINE_ENTITIES, {
        r: [{ __typename: 'MobileLine', businessId: 'CO', msisdn: '16654555678' }],
      }),
    );
    expect(entities.calls).toBe(0);
    expect(entities.result.body.errors?.[0]?.extensions).toMatchObject({
      code: 'INVALID_FIELD',
      field: 'businessId',
    });
    // Six answers and three failures: a third of the window failed.
    expectAllUnavailable(await linesOf(stack, failingLines(3)));
    await expectClosedAndServing(stack);
  });

  it('stays closed, with its defaults, through one caller asking for five lines that answer 500', async () => {
    const stack = await startTestStackForTest({ ADDONS_CACHE_TTL_S: '0' });
    expectAllUnavailable(await linesOf(stack, failingLines(5)));
    await expectClosedAndServing(stack);
  });

  it('opens, with its defaults, on an outage several callers meet, and readiness stays 200', async () => {
    const stack = await startTestStackForTest({ ADDONS_CACHE_TTL_S: '0' });
    stack.dxp.injectFault(DXP_ROUTE, { kind: 'status', status: 503 }, 1000);
    // Four callers, five lines each: the default window's 20 calls, all failing.
    const callers = [0, 5, 10, 15].map((first) =>
      linesOf(
        stack,
        Array.from(
          { length: 5 },
          (_, index) => `178755502${String(first + index).padStart(2, '0')}`,
        ),
      ),
    );
    for (const lines of await Promise.all(callers)) expectAllUnavailable(lines);
    const { calls } = await queryLineCountingCalls(stack, 'PR', '16654555678');
    expect(calls).toBe(0);
    await expectOpen(stack, 'DXP', 1);
  });

  it('closes on a half-open probe that answers 404, and a single 500 then does not open it again', async () => {
    const stack = await startTestStackForTest(BREAKER);
    await linesOf(stack, failingLines(3));
    expect(await circuitOf(stack, 'DXP')).toBe('open');
    await sleep(1_100);
    const probe = await queryLineCountingCalls(stack, 'PR', '17875559876');
    expect(probe.calls).toBe(1);
    expect(probe.result.line.__typename).toBe('LineNotFoundError');
    expect(await circuitOf(stack, 'DXP')).toBe('closed');

    const failed = await queryLine(stack, 'PR', failingLines(1, 7)[0]!);
    expect(failed.line.__typename).toBe('UpstreamUnavailableError');
    await expectClosed(stack, 'DXP');
  });

  it('opens again when the half-open probe fails', async () => {
    const stack = await startTestStackForTest(BREAKER);
    stack.dxp.injectFault(DXP_ROUTE, { kind: 'status', status: 503 }, 1000);
    for (const msisdn of FRESH_LINES) await queryLine(stack, 'PR', msisdn);
    await sleep(1_100);
    const probe = await queryLine(stack, 'PR', '16654555678');
    expect(probe.line).toMatchObject({ __typename: 'UpstreamUnavailableError' });
    const afterProbe = stack.dxp.callCount(DXP_ROUTE);
    expect(afterProbe).toBeGreaterThan(9);
    await queryLine(stack, 'PR', '16654555678');
    expect(stack.dxp.callCount(DXP_ROUTE)).toBe(afterProbe);
    expect(await metricsText(stack)).toContain('circuit_breaker_open{upstream="DXP"} 1');
  });
});

describe('completeOrder when the answer is lost', () => {
  const stack = useTestStack({ BREAKER_MIN_CALLS: '1000', PX_TIMEOUT_MS: '1000' });

  const submissionsOf = (partnerOrderId: string) =>
    stack.px.submittedPartnerOrderIds().filter((id) => id === partnerOrderId).length;

  async function untilSubmitted(partnerOrderId: string): Promise<void> {
    for (let waited = 0; waited < 5_000 && submissionsOf(partnerOrderId) === 0; waited += 50) {
      await sleep(50);
    }
  }

  it.each([
    { name: 'a hang (Px never saw it)', fault: { kind: 'hang' }, taken: false },
    { name: 'a reset (Px never saw it)', fault: { kind: 'reset' }, taken: false },
    { name: 'a 503', fault: { kind: 'status', status: 503 }, taken: false },
    { name: 'a 500', fault: { kind: 'status', status: 500 }, taken: false },
    {
      name: 'a 429 (Px refused it at its door)',
      fault: retryAfterFault(429, '30'),
      taken: false,
    },
    { name: 'a lost answer (Px took it)', fault: { kind: 'lose-answer' }, taken: true },
  ] as const)(
    'sends it once under $name, answers UpstreamUnavailableError, and never orders twice',
    async ({ fault, taken }) => {
      const order = await prepared(stack);
      const sent = () => stack.px.callCount(PX_ROUTES.completeOrder);
      const before = sent();
      stack.px.injectFault(PX_ROUTES.completeOrder, fault);
      const first = await complete(stack, order);
      expect(first).toMatchObject({ ...PX_UNAVAILABLE, upstream: 'PX' });
      expect(sent() - before).toBe(1);

      if (taken) await untilSubmitted(order.partnerOrderId);
      expect(submissionsOf(order.partnerOrderId)).toBe(taken ? 1 : 0);

      const next = await complete(stack, order);
      expect(sent() - before).toBe(2);
      if (taken) {
        expect(next).toMatchObject({
          __typename: 'OrderAlreadySubmittedError',
          code: 'ORDER_ALREADY_SUBMITTED',
          upstreamCode: '2130',
        });
      } else {
        expect(next).toMatchObject({ __typename: 'OrderCompleted', replayed: false });
      }
      expect(submissionsOf(order.partnerOrderId)).toBe(1);

      const again = await complete(stack, order);
      expect(['OrderCompleted', 'OrderAlreadySubmittedError']).toContain(again.__typename);
      if (!taken) expect(sent() - before).toBe(2);
      expect(submissionsOf(order.partnerOrderId)).toBe(1);
    },
  );
});
