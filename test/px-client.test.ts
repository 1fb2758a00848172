import { describe, expect, it, onTestFinished } from 'vitest';
import { createLogger } from '../src/observability/logger.js';
import { PX_ROUTES, PX_SANDBOX_CREDENTIALS } from '../src/sandbox/px/server.js';
import type { SandboxFault } from '../src/sandbox/sandbox-server.js';
import { createLogCapture } from './helpers/log-capture.js';
import { startRecordingProxy as startProxy } from './helpers/recording-proxy.js';
import {
  callContext,
  completeRequest,
  retrieveRequest,
  startPxHarness,
  startPxHarnessWithOrder,
} from './helpers/px.js';
import { typedErrorOf } from './helpers/typed-error.js';

/** The proxy records what Px actually receives; every Px request body is JSON. */
async function startRecordingProxy(target: string) {
  const proxy = await startProxy(target);
  onTestFinished(() => proxy.close());
  return proxy;
}

const jsonBody = (body: string): unknown => (body === '' ? null : JSON.parse(body));

describe('Px client against the sandbox: the four calls', () => {
  it('maps each happy answer to our types', async () => {
    const { client } = await startPxHarness();
    const key = retrieveRequest({ addressDetailId: 'ADDR-1' });

    const rcc = await client.retrieveRcc(key, callContext());
    expect(rcc).toMatchObject({
      transactionId: key.transactionId,
      partnerOrderId: key.partnerOrderId,
      rcc: { taxEstimate: { amount: '12.48', currency: 'USD' } },
    });
    expect(Number.isNaN(Date.parse(rcc.preparedAt))).toBe(false);
    expect(rcc.rcc.sections.map((section) => section.title)).toEqual([
      'Monthly charges',
      'One-time charges',
      'Terms',
    ]);
    expect(rcc.rcc.charges).toContainEqual({
      name: 'Professional installation',
      amount: '99.00',
      currency: 'USD',
      recurrence: 'ONE_TIME',
    });

    const sent = await client.sendRcc(
      { ...key, deliveryMethod: 'EMAIL', destination: 'jane@example.com' },
      callContext(),
    );
    expect(sent).toEqual({
      transactionId: key.transactionId,
      partnerOrderId: key.partnerOrderId,
      deliveryMethod: 'EMAIL',
      status: 'SENT',
      sentAt: sent.sentAt,
    });
    expect(Number.isNaN(Date.parse(sent.sentAt))).toBe(false);

    const acceptance = await client.getRccAcceptance(key, callContext());
    expect(acceptance).toEqual({
      transactionId: key.transactionId,
      partnerOrderId: key.partnerOrderId,
      accepted: true,
      acceptanceMethod: 'EMAIL',
      acceptedAt: sent.sentAt,
    });

    const order = await client.completeOrder(
      completeRequest(key, {
        acceptanceMethod: 'EMAIL',
        paymentToken: 'tok_visa',
        giftCards: ['GC-1'],
      }),
      callContext(),
    );
    expect(order).toMatchObject({
      transactionId: key.transactionId,
      partnerOrderId: key.partnerOrderId,
      status: 'ACKNOWLEDGED',
    });
    expect(order.orderNumber).toMatch(/^PX\d{8}$/);
    expect(order.items.map((item) => item.productId)).toEqual([
      'PRD-FIBER-940',
      'PRD-MODEM-C4000',
      'PRD-INSTALL-PRO',
    ]);
  });

  it('sends Px every mapped field, with the bearer token and correlation id', async () => {
    const { client, sandbox, proxy } = await proxiedHarness();
    const key = retrieveRequest({ addressDetailId: 'ADDR-1' });
    const call = callContext();
    await client.retrieveRcc(key, call);
    await client.sendRcc({ ...key, deliveryMethod: 'SMS', destination: '+15551234567' }, call);
    await client.getRccAcceptance(key, call);
    await client.completeOrder(
      completeRequest(key, {
        acceptanceMethod: 'SMS',
        paymentToken: 'tok_visa',
        giftCards: ['GC-7'],
      }),
      call,
    );

    const orderKey = {
      partnerId: key.partnerId,
      partnerOrderId: key.partnerOrderId,
      transactionId: key.transactionId,
    };
    expect(
      proxy.recorded.map(({ method, path, body }) => ({ method, path, body: jsonBody(body) })),
    ).toEqual([
      {
        method: 'POST',
        path: '/pxRetrieveRCC',
        body: { ...orderKey, salesCode: 'SC100', addressDetailId: 'ADDR-1' },
      },
      {
        method: 'POST',
        path: '/pxSendRCC',
        body: { ...orderKey, deliveryMethod: 'SMS', destination: '+15551234567' },
      },
      { method: 'POST', path: '/pxGetRCCAcceptance', body: orderKey },
      {
        method: 'POST',
        path: '/pxCompleteOrder',
        body: {
          ...orderKey,
          salesCode: 'SC100',
          addressDetailId: 'ADDR-1',
          rccAccepted: true,
          acceptanceMethod: 'SMS',
          paymentToken: 'tok_visa',
          giftCards: ['GC-7'],
        },
      },
    ]);
    for (const { headers } of proxy.recorded) {
      expect(headers.authorization).toMatch(/^Bearer \S+$/);
      expect(headers['x-correlation-id']).toBe(call.correlationId);
      expect(headers['content-type']).toBe('application/json');
    }
    expect(sandbox.tokenGrants()).toBe(1);
  });

  it('leaves out a payment token the agent did not give', async () => {
    const { client, proxy } = await proxiedHarness();
    const key = retrieveRequest({ addressDetailId: 'ADDR-2' });
    await client.retrieveRcc(key, callContext());
    await client.completeOrder(completeRequest(key), callContext());
    const complete = proxy.recorded.find((recorded) => recorded.path === '/pxCompleteOrder');
    const completeBody = jsonBody(complete?.body ?? '');
    expect(completeBody).not.toHaveProperty('paymentToken');
    expect(completeBody).toMatchObject({
      rccAccepted: true,
      acceptanceMethod: 'VERBAL',
      giftCards: [],
    });
  });

  it('answers Px business errors as typed errors, with one call each', async () => {
    const { sandbox, client } = await startPxHarness();
    const noRcc = retrieveRequest({ addressDetailId: 'ADDR-NORCC' });
    const error = await typedErrorOf(client.retrieveRcc(noRcc, callContext()));
    expect(error.result).toMatchObject({
      __typename: 'RccUnavailableError',
      upstreamCode: '4050',
      transactionId: noRcc.transactionId,
      supportPhone: '1-800-555-0100',
    });
    expect(sandbox.callCount(PX_ROUTES.retrieveRcc)).toBe(1);

    const key = retrieveRequest();
    await client.retrieveRcc(key, callContext());
    await client.completeOrder(completeRequest(key), callContext());
    const again = await typedErrorOf(client.completeOrder(completeRequest(key), callContext()));
    expect(again.result).toMatchObject({
      __typename: 'OrderAlreadySubmittedError',
      upstreamCode: '2130',
      orderRef: null,
    });
    expect(sandbox.callCount(PX_ROUTES.completeOrder)).toBe(2);
  });
});

describe('Px client against the sandbox: failures and retries', () => {
  it('sends a completeOrder whose answer never comes exactly once', async () => {
    const { sandbox, client, key } = await startPxHarnessWithOrder({ timeoutMs: 200 });
    sandbox.injectFault(PX_ROUTES.completeOrder, { kind: 'hang' }, 5);

    const error = await typedErrorOf(client.completeOrder(completeRequest(key), callContext()));
    expect(error.result).toMatchObject({
      __typename: 'UpstreamUnavailableError',
      upstream: 'PX',
      transactionId: key.transactionId,
    });
    await sleep(300);
    expect(sandbox.callCount(PX_ROUTES.completeOrder)).toBe(1);
  });

  it('never runs an attempt past the request deadline', async () => {
    const { sandbox, client, key } = await startPxHarnessWithOrder({ timeoutMs: 5_000 });
    sandbox.injectFault(PX_ROUTES.getRccAcceptance, { kind: 'hang' }, 5);

    const startedAt = Date.now();
    const error = await typedErrorOf(
      client.getRccAcceptance(key, callContext(createLogger('silent'), 300)),
    );
    expect(error.result.__typename).toBe('UpstreamUnavailableError');
    expect(Date.now() - startedAt).toBeLessThan(3_000);
  });

  it('makes no call at all once the deadline has passed', async () => {
    const { sandbox, client } = await startPxHarness();
    const error = await typedErrorOf(
      client.retrieveRcc(retrieveRequest(), callContext(createLogger('silent'), -1)),
    );
    expect(error.result.__typename).toBe('UpstreamUnavailableError');
    expect(sandbox.callCount(PX_ROUTES.retrieveRcc)).toBe(0);
  });

  it.each([
    ['sendRcc', PX_ROUTES.sendRcc],
    ['retrieveRcc', PX_ROUTES.retrieveRcc],
    ['completeOrder', PX_ROUTES.completeOrder],
  ] as const)('sends %s once under a 503', async (name, route) => {
    const { sandbox, client } = await startPxHarness();
    const key = retrieveRequest();
    if (name !== 'retrieveRcc') await client.retrieveRcc(key, callContext());
    sandbox.resetCalls();
    sandbox.injectFault(route, { kind: 'status', status: 503, body: {} }, 3);

    const calls = {
      sendRcc: () =>
        client.sendRcc(
          { ...key, deliveryMethod: 'SMS', destination: '+15551230000' },
          callContext(),
        ),
      retrieveRcc: () => client.retrieveRcc(key, callContext()),
      completeOrder: () => client.completeOrder(completeRequest(key), callContext()),
    };
    const error = await typedErrorOf(calls[name]());
    expect(error.result).toMatchObject({
      __typename: 'UpstreamUnavailableError',
      upstreamCode: '503',
    });
    expect(sandbox.callCount(route)).toBe(1);
  });

  it('sends a completeOrder once when the connection is reset', async () => {
    const { sandbox, client, key } = await startPxHarnessWithOrder();
    sandbox.injectFault(PX_ROUTES.completeOrder, { kind: 'reset' }, 3);
    const error = await typedErrorOf(client.completeOrder(completeRequest(key), callContext()));
    expect(error.result.__typename).toBe('UpstreamUnavailableError');
    expect(sandbox.callCount(PX_ROUTES.completeOrder)).toBe(1);
  });

  it('retries getRccAcceptance after one 503, to success', async () => {
    const { sandbox, client, key } = await startPxHarnessWithOrder();
    sandbox.injectFault(PX_ROUTES.getRccAcceptance, { kind: 'status', status: 503, body: {} });
    const acceptance = await client.getRccAcceptance(key, callContext());
    expect(acceptance).toMatchObject({ transactionId: key.transactionId, accepted: false });
    expect(sandbox.callCount(PX_ROUTES.getRccAcceptance)).toBe(2);
  });

  it('retries getRccAcceptance after a timeout and after a reset', async () => {
    const { sandbox, client, key } = await startPxHarnessWithOrder({ timeoutMs: 250 });
    sandbox.injectFault(PX_ROUTES.getRccAcceptance, { kind: 'hang' });
    await expect(client.getRccAcceptance(key, callContext())).resolves.toBeDefined();
    expect(sandbox.callCount(PX_ROUTES.getRccAcceptance)).toBe(2);

    sandbox.injectFault(PX_ROUTES.getRccAcceptance, { kind: 'reset' });
    await expect(client.getRccAcceptance(key, callContext())).resolves.toBeDefined();
    expect(sandbox.callCount(PX_ROUTES.getRccAcceptance)).toBe(4);
  });

  it('gives up on getRccAcceptance after three attempts', async () => {
    const { sandbox, client, key } = await startPxHarnessWithOrder();
    sandbox.injectFault(PX_ROUTES.getRccAcceptance, { kind: 'status', status: 502, body: {} }, 10);
    const error = await typedErrorOf(client.getRccAcceptance(key, callContext()));
    expect(error.result).toMatchObject({
      __typename: 'UpstreamUnavailableError',
      upstreamCode: '502',
    });
    expect(sandbox.callCount(PX_ROUTES.getRccAcceptance)).toBe(3);
  });

  it('waits the Retry-After Px asks for before the next attempt', async () => {
    const { sandbox, client, key } = await startPxHarnessWithOrder();
    sandbox.injectFault(PX_ROUTES.getRccAcceptance, unavailableRetryAfter(1));
    const startedAt = Date.now();
    await client.getRccAcceptance(key, callContext());
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(900);
    expect(sandbox.callCount(PX_ROUTES.getRccAcceptance)).toBe(2);
  });

  it('answers at once, with the wait, when Retry-After is beyond the cap', async () => {
    const { sandbox, client, key } = await startPxHarnessWithOrder();
    sandbox.injectFault(PX_ROUTES.getRccAcceptance, unavailableRetryAfter(120));
    const error = await typedErrorOf(client.getRccAcceptance(key, callContext()));
    expect(error.result).toMatchObject({
      __typename: 'UpstreamUnavailableError',
      retryAfterSeconds: 120,
    });
    expect(sandbox.callCount(PX_ROUTES.getRccAcceptance)).toBe(1);
  });

  it.each([
    ['malformed JSON', '{"transactionId": '],
    ['the wrong shape', JSON.stringify({ transactionId: 'TX', partnerOrderId: 'PO' })],
  ])('answers a 200 with %s as UpstreamUnavailableError, without its text', async (_name, body) => {
    const { sandbox, client, metrics } = await startPxHarness();
    sandbox.injectFault(PX_ROUTES.retrieveRcc, { kind: 'raw', status: 200, body });
    const error = await typedErrorOf(client.retrieveRcc(retrieveRequest(), callContext()));
    expect(error.result).toMatchObject({ __typename: 'UpstreamUnavailableError', upstream: 'PX' });
    expect(error.result.message).not.toContain('transactionId');
    const shapeErrors = (await metrics.upstreamErrors.get()).values
      .filter((value) => value.labels.kind === 'shape')
      .map((value) => ({ route: value.labels.route, count: value.value }));
    expect(shapeErrors).toEqual([{ route: 'pxRetrieveRCC', count: 1 }]);
  });

  it.each([
    ['a leap second, which no Date holds', '2026-06-30T23:59:60Z'],
    ['year 9999 at a negative offset, year 10000 in UTC', '9999-12-31T23:59:59-01:00'],
  ])('answers a 200 whose time is %s as UpstreamUnavailableError', async (_name, preparedAt) => {
    const { sandbox, client, metrics } = await startPxHarness();
    const body = JSON.stringify({
      transactionId: 'TX',
      partnerOrderId: 'PO',
      preparedAt,
      rcc: { sections: [], charges: [] },
    });
    sandbox.injectFault(PX_ROUTES.retrieveRcc, { kind: 'raw', status: 200, body });
    const error = await typedErrorOf(client.retrieveRcc(retrieveRequest(), callContext()));
    expect(error.result).toMatchObject({ __typename: 'UpstreamUnavailableError', upstream: 'PX' });
    const shapeErrors = (await metrics.upstreamErrors.get()).values.filter(
      (value) => value.labels.kind === 'shape',
    );
    expect(shapeErrors.map((value) => value.value)).toEqual([1]);
  });
});

describe('Px client logs', () => {
  it('log each call at debug, never the token, secret, payment token or destination', async () => {
    const logs = createLogCapture();
    const logger = createLogger('trace', logs.stream);
    const { client, sandbox, proxy } = await proxiedHarness();
    const destination = 'jane.private@example.com';
    const key = retrieveRequest({ addressDetailId: 'ADDR-1' });
    const call = callContext(logger);

    await client.retrieveRcc(key, call);
    await client.sendRcc({ ...key, deliveryMethod: 'EMAIL', destination }, call);
    sandbox.revokeTokens();
    await client.getRccAcceptance(key, call);
    await typedErrorOf(
      client.completeOrder(completeRequest(key, { paymentToken: 'tok_declined' }), call),
    );
    await client.completeOrder(
      completeRequest(key, { acceptanceMethod: 'EMAIL', paymentToken: 'tok_visa' }),
      call,
    );

    const tokens = new Set(
      proxy.recorded.map(({ headers }) => String(headers.authorization).replace(/^Bearer /, '')),
    );
    expect(tokens.size).toBe(2);
    const text = logs.text();
    for (const token of tokens) expect(text).not.toContain(token);
    for (const secret of [
      PX_SANDBOX_CREDENTIALS.clientSecret,
      Buffer.from(
        `${PX_SANDBOX_CREDENTIALS.clientId}:${PX_SANDBOX_CREDENTIALS.clientSecret}`,
      ).toString('base64'),
      'tok_visa',
      'tok_declined',
      destination,
    ]) {
      expect(text).not.toContain(secret);
    }

    const pxCalls = logs.records().filter((record) => record.upstream === 'PX');
    expect(pxCalls.map((record) => record.route)).toEqual([
      'oauthToken',
      'pxRetrieveRCC',
      'pxSendRCC',
      'pxGetRCCAcceptance',
      'oauthToken',
      'pxGetRCCAcceptance',
      'pxCompleteOrder',
      'pxCompleteOrder',
    ]);
    for (const record of pxCalls) {
      expect(record).toMatchObject({ level: 'debug', correlationId: call.correlationId });
      expect(record.durationMs).toBeTypeOf('number');
    }
    expect(pxCalls.map((record) => record.outcome)).toEqual([
      200, 200, 200, 401, 200, 200, 410, 200,
    ]);
  });
});

/** A 503 whose Retry-After asks for `seconds`. */
function unavailableRetryAfter(seconds: number): SandboxFault {
  return { kind: 'status', status: 503, body: {}, headers: { 'retry-after': String(seconds) } };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The harness with a recording proxy between the client and the sandbox's four Px routes. */
async function proxiedHarness() {
  const holder: { proxy?: Awaited<ReturnType<typeof startRecordingProxy>> } = {};
  const started = await startPxHarness({
    baseUrl: async (sandboxUrl) => {
      holder.proxy = await startRecordingProxy(sandboxUrl);
      return holder.proxy.url;
    },
  });
  if (!holder.proxy) throw new Error('the recording proxy did not start');
  return { ...started, proxy: holder.proxy };
}
