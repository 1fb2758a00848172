import { describe, expect, it, onTestFinished } from 'vitest';
import { TypedError } from '../src/errors.js';
import { createLogger } from '../src/observability/logger.js';
import { createMetrics, type Metrics } from '../src/observability/metrics.js';
import {
  PX_ROUTES,
  PX_SANDBOX_CREDENTIALS,
  startPxSandbox,
  type PxSandboxHandle,
} from '../src/sandbox/px/server.js';
import { createUpstreamHttp, type UpstreamHttp } from '../src/upstreams/http.js';
import { createTokenManager, type TokenManager } from '../src/upstreams/px/token-manager.js';
import { createLogCapture } from './helpers/log-capture.js';
import {
  callContext,
  completeRequest,
  retrieveRequest,
  startPxHarness,
  startPxHarnessWithOrder,
  tokenGrantsCounted,
} from './helpers/px.js';
import { typedErrorOf } from './helpers/typed-error.js';

interface ManagerSetup {
  sandbox: PxSandboxHandle;
  manager: TokenManager;
  metrics: Metrics;
  clock: { now: number };
}

async function tokenManager(
  options: { credentials?: { clientId: string; clientSecret: string }; tokenUrl?: string } = {},
): Promise<ManagerSetup> {
  const sandbox = await startPxSandbox();
  const metrics = createMetrics({ collectDefaults: false });
  const http: UpstreamHttp = createUpstreamHttp('PX', metrics);
  onTestFinished(async () => {
    await http.close();
    await sandbox.close();
  });
  const clock = { now: Date.now() };
  const manager = createTokenManager({
    tokenUrl: options.tokenUrl ?? `${sandbox.url}/oauth/token`,
    credentials: options.credentials ?? { ...PX_SANDBOX_CREDENTIALS },
    http,
    timeoutMs: 2_000,
    metrics,
    now: () => clock.now,
  });
  return { sandbox, manager, metrics, clock };
}

describe('Px token manager against the sandbox', () => {
  it('answers 20 concurrent callers with one grant', async () => {
    const { sandbox, manager, metrics } = await tokenManager();
    const tokens = await Promise.all(
      Array.from({ length: 20 }, () => manager.getToken(callContext())),
    );
    expect(new Set(tokens).size).toBe(1);
    expect(sandbox.tokenGrants()).toBe(1);
    expect(sandbox.callCount(PX_ROUTES.token)).toBe(1);
    expect(await tokenGrantsCounted(metrics)).toBe(1);
  });

  it('keeps the token until the refresh skew, then fetches one new one for all callers', async () => {
    const { sandbox, manager, clock } = await tokenManager();
    const first = await manager.getToken(callContext());

    // The sandbox grants 3600 s; the default skew is 30 s.
    clock.now += (3600 - 31) * 1000;
    expect(await manager.getToken(callContext())).toBe(first);
    expect(sandbox.tokenGrants()).toBe(1);

    clock.now += 2_000;
    const refreshed = await Promise.all(
      Array.from({ length: 10 }, () => manager.getToken(callContext())),
    );
    expect(new Set(refreshed).size).toBe(1);
    expect(refreshed[0]).not.toBe(first);
    expect(sandbox.tokenGrants()).toBe(2);
  });

  it('drops a token on invalidate only while it is the current one', async () => {
    const { sandbox, manager } = await tokenManager();
    const first = await manager.getToken(callContext());
    manager.invalidate(first);
    const second = await manager.getToken(callContext());
    expect(second).not.toBe(first);

    // A late 401 for the old token must not throw away the new one.
    manager.invalidate(first);
    expect(await manager.getToken(callContext())).toBe(second);
    expect(sandbox.tokenGrants()).toBe(2);
  });

  it('fails every waiter of a failed grant, and the next call tries again', async () => {
    const { sandbox, manager, metrics } = await tokenManager();
    sandbox.injectFault(PX_ROUTES.token, { kind: 'status', status: 503, body: { error: 'down' } });

    const outcomes = await Promise.allSettled(
      Array.from({ length: 5 }, () => manager.getToken(callContext())),
    );
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      const reason: unknown = outcome.status === 'rejected' ? outcome.reason : null;
      expect(reason).toBeInstanceOf(TypedError);
      expect((reason as TypedError).result).toMatchObject({
        __typename: 'UpstreamUnavailableError',
        upstream: 'PX',
        upstreamCode: '503',
      });
    }
    expect(sandbox.callCount(PX_ROUTES.token)).toBe(1);
    expect(await tokenGrantsCounted(metrics)).toBe(0);

    await expect(manager.getToken(callContext())).resolves.toEqual(expect.any(String));
    expect(sandbox.tokenGrants()).toBe(1);
  });

  it('answers UpstreamUnavailableError when the token endpoint cannot be reached', async () => {
    const closed = await startPxSandbox();
    const deadUrl = `${closed.url}/oauth/token`;
    await closed.close();
    const { manager } = await tokenManager({ tokenUrl: deadUrl });
    const error = await typedErrorOf(manager.getToken(callContext()));
    expect(error.result.__typename).toBe('UpstreamUnavailableError');
  });

  it('answers UpstreamUnavailableError for refused credentials, never naming the secret', async () => {
    const clientSecret = 'wrong-secret-value-123';
    const logs = createLogCapture();
    const { manager } = await tokenManager({
      credentials: { clientId: PX_SANDBOX_CREDENTIALS.clientId, clientSecret },
    });
    const error = await typedErrorOf(
      manager.getToken(callContext(createLogger('trace', logs.stream))),
    );
    expect(error.result).toMatchObject({
      __typename: 'UpstreamUnavailableError',
      upstreamCode: '401',
    });
    expect(JSON.stringify(error.result)).not.toContain(clientSecret);
    expect(error.message).not.toContain(clientSecret);
    expect(logs.text()).not.toContain(clientSecret);
    expect(logs.text()).not.toContain(
      Buffer.from(`${PX_SANDBOX_CREDENTIALS.clientId}:${clientSecret}`).toString('base64'),
    );
  });

  it.each([
    ['a token type other than Bearer', { access_token: 'abc', token_type: 'mac', expires_in: 60 }],
    ['an empty token', { access_token: '', token_type: 'Bearer', expires_in: 60 }],
  ])('refuses a grant with %s', async (_name, body) => {
    const { sandbox, manager } = await tokenManager();
    sandbox.injectFault(PX_ROUTES.token, { kind: 'status', status: 200, body });
    const error = await typedErrorOf(manager.getToken(callContext()));
    expect(error.result.__typename).toBe('UpstreamUnavailableError');
    expect(JSON.stringify(error.result)).not.toContain('abc');
  });

  it.each([
    ['without expires_in', {}, 300],
    ['with expires_in as a numeric string', { expires_in: '3600' }, 3600],
    ['with expires_in that is not a number', { expires_in: 'soon' }, 300],
    ['with a negative expires_in', { expires_in: -5 }, 300],
  ])(
    'uses a token granted %s until its lifetime (or the 300 s default) less the skew',
    async (_name, expiry, lifetimeSeconds) => {
      const { sandbox, manager, clock } = await tokenManager();
      sandbox.injectFault(PX_ROUTES.token, {
        kind: 'status',
        status: 200,
        body: { access_token: 'lenient-token', token_type: 'Bearer', ...expiry },
      });
      expect(await manager.getToken(callContext())).toBe('lenient-token');

      // The default skew is 30 s.
      clock.now += (lifetimeSeconds - 31) * 1000;
      expect(await manager.getToken(callContext())).toBe('lenient-token');
      expect(sandbox.callCount(PX_ROUTES.token)).toBe(1);

      clock.now += 2_000;
      expect(await manager.getToken(callContext())).not.toBe('lenient-token');
      expect(sandbox.callCount(PX_ROUTES.token)).toBe(2);
    },
  );

  it('reuses a token granted for 0.001 s for the minimum 5 s, not one grant per call', async () => {
    const { sandbox, manager, clock } = await tokenManager();
    sandbox.injectFault(
      PX_ROUTES.token,
      {
        kind: 'status',
        status: 200,
        body: { access_token: 'fleeting-token', token_type: 'Bearer', expires_in: 0.001 },
      },
      2,
    );
    for (let call = 0; call < 20; call++) {
      expect(await manager.getToken(callContext())).toBe('fleeting-token');
      clock.now += 200;
    }
    expect(sandbox.callCount(PX_ROUTES.token)).toBe(1);

    clock.now += 1_000;
    await manager.getToken(callContext());
    expect(sandbox.callCount(PX_ROUTES.token)).toBe(2);
  });

  it('takes the token type in any case', async () => {
    const { sandbox, manager } = await tokenManager();
    sandbox.injectFault(PX_ROUTES.token, {
      kind: 'status',
      status: 200,
      body: { access_token: 'lowercase-bearer', token_type: 'bearer', expires_in: 60 },
    });
    expect(await manager.getToken(callContext())).toBe('lowercase-bearer');
  });

  it('stops a caller whose request runs out of time, without failing the shared grant', async () => {
    const { sandbox, manager } = await tokenManager();
    sandbox.injectFault(PX_ROUTES.token, { kind: 'delay', ms: 600 });
    const startedAt = Date.now();
    const hurried = manager.getToken(callContext(createLogger('silent'), 50));
    const patient = manager.getToken(callContext());
    const error = await typedErrorOf(hurried);
    expect(error.result.__typename).toBe('UpstreamUnavailableError');
    expect(Date.now() - startedAt).toBeLessThan(500);
    await expect(patient).resolves.toEqual(expect.any(String));
    expect(sandbox.tokenGrants()).toBe(1);
  });
});

/** A harness whose order's RCC was read with a token Px has since revoked; its calls counted afresh. */
async function startPxHarnessWithRevokedToken() {
  const harness = await startPxHarnessWithOrder();
  harness.sandbox.revokeTokens();
  harness.sandbox.resetCalls();
  return harness;
}

describe('Px client token handling against the sandbox', () => {
  it('refreshes a revoked token once and sends the same request once more', async () => {
    const { sandbox, client, metrics, key: request } = await startPxHarnessWithOrder();
    expect(sandbox.tokenGrants()).toBe(1);

    sandbox.revokeTokens();
    sandbox.resetCalls();
    const rcc = await client.retrieveRcc(request, callContext());
    expect(rcc.transactionId).toBe(request.transactionId);
    expect(sandbox.tokenGrants()).toBe(2);
    expect(await tokenGrantsCounted(metrics)).toBe(2);
    expect(sandbox.callCount(PX_ROUTES.retrieveRcc)).toBe(2);
  });

  it('refreshes once for concurrent calls that all met the revoked token', async () => {
    const { sandbox, client, key: request } = await startPxHarnessWithRevokedToken();

    const answers = await Promise.all(
      Array.from({ length: 8 }, () => client.getRccAcceptance(request, callContext())),
    );
    expect(answers.every((answer) => answer.transactionId === request.transactionId)).toBe(true);
    expect(sandbox.tokenGrants()).toBe(2);
    expect(sandbox.callCount(PX_ROUTES.getRccAcceptance)).toBe(16);
  });

  it('refreshes before a write too, since Px refused it at its door', async () => {
    const { sandbox, client, key: request } = await startPxHarnessWithRevokedToken();

    const order = await client.completeOrder(completeRequest(request), callContext());
    expect(order.status).toBe('ACKNOWLEDGED');
    expect(sandbox.callCount(PX_ROUTES.completeOrder)).toBe(2);
    expect(sandbox.submittedOrders()).toBe(1);
  });

  it('answers UpstreamUnavailableError when the new token is refused too', async () => {
    const { sandbox, client } = await startPxHarness();
    sandbox.injectFault(
      PX_ROUTES.sendRcc,
      { kind: 'status', status: 401, body: { message: 'Invalid or expired access token' } },
      2,
    );
    const error = await typedErrorOf(
      client.sendRcc(
        { ...retrieveRequest(), deliveryMethod: 'SMS', destination: '+15551230000' },
        callContext(),
      ),
    );
    expect(error.result).toMatchObject({
      __typename: 'UpstreamUnavailableError',
      upstream: 'PX',
      upstreamCode: '401',
    });
    expect(sandbox.callCount(PX_ROUTES.sendRcc)).toBe(2);
    expect(sandbox.tokenGrants()).toBe(2);
  });

  it('does not refresh for a 401 that carries a code (2030, unknown partner)', async () => {
    const { sandbox, client } = await startPxHarness();
    const request = retrieveRequest({ partnerId: 'P-9999' });
    const error = await typedErrorOf(client.retrieveRcc(request, callContext()));
    expect(error.result).toMatchObject({
      __typename: 'InvalidFieldError',
      field: 'order.partnerId',
      upstreamCode: '2030',
      transactionId: request.transactionId,
    });
    expect(sandbox.tokenGrants()).toBe(1);
    expect(sandbox.callCount(PX_ROUTES.retrieveRcc)).toBe(1);
  });

  it('answers the payment-down 401 as PaymentUnavailableError, without a refresh', async () => {
    const { sandbox, client } = await startPxHarness();
    const request = retrieveRequest({ addressDetailId: 'ADDR-1' });
    await client.retrieveRcc(request, callContext());
    const error = await typedErrorOf(
      client.completeOrder(
        completeRequest(request, { paymentToken: 'tok_unavailable' }),
        callContext(),
      ),
    );
    expect(error.result).toMatchObject({
      __typename: 'PaymentUnavailableError',
      code: 'PAYMENT_UNAVAILABLE',
      upstreamCode: null,
      transactionId: request.transactionId,
      supportPhone: '1-800-555-0100',
    });
    expect(sandbox.tokenGrants()).toBe(1);
    expect(sandbox.callCount(PX_ROUTES.completeOrder)).toBe(1);
  });

  it('answers UpstreamUnavailableError when the token endpoint is down, without calling Px', async () => {
    const { sandbox, client } = await startPxHarness();
    sandbox.injectFault(PX_ROUTES.token, { kind: 'status', status: 503, body: {} });
    const error = await typedErrorOf(client.retrieveRcc(retrieveRequest(), callContext()));
    expect(error.result).toMatchObject({ __typename: 'UpstreamUnavailableError', upstream: 'PX' });
    expect(sandbox.callCount(PX_ROUTES.retrieveRcc)).toBe(0);

    await expect(client.retrieveRcc(retrieveRequest(), callContext())).resolves.toBeDefined();
    expect(sandbox.tokenGrants()).toBe(1);
  });
});
