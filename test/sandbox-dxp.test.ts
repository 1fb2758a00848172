import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { SandboxHandle } from '../src/sandbox/sandbox-server.js';
import { DXP_BUSINESS_IDS, DXP_FIXTURE_LINES, DXP_TRIGGERS } from '../src/sandbox/dxp/fixtures.js';
import { DXP_SEED_RESPONSE_TEXT } from '../src/sandbox/dxp/seed-response.js';
import {
  DXP_PRODUCT_ORDER_ROUTE,
  DXP_SANDBOX_CREDENTIALS,
  startDxpSandbox,
  type DxpSandboxOptions,
} from '../src/sandbox/dxp/server.js';

const credentials = {
  client_id: DXP_SANDBOX_CREDENTIALS.clientId,
  client_secret: DXP_SANDBOX_CREDENTIALS.clientSecret,
};

async function start(options: DxpSandboxOptions = {}): Promise<SandboxHandle> {
  const sandbox = await startDxpSandbox({ host: '127.0.0.1', port: 0, ...options });
  onTestFinished(() => sandbox.close());
  return sandbox;
}

function productOrderUrl(
  sandbox: SandboxHandle,
  businessId: string,
  query: Record<string, string> = {},
): string {
  const search = new URLSearchParams(query).toString();
  return `${sandbox.url}/dxp-ux/v1/${businessId}/productOrder${search ? `?${search}` : ''}`;
}

function lineUrl(sandbox: SandboxHandle, businessId: string, msisdn: string): string {
  return productOrderUrl(sandbox, businessId, {
    'channel.name': 'Digital',
    'relatedParty.id': msisdn,
  });
}

function getLine(
  sandbox: SandboxHandle,
  businessId: string,
  msisdn: string,
  init: { signal?: AbortSignal } = {},
): Promise<Response> {
  return fetch(lineUrl(sandbox, businessId, msisdn), {
    ...init,
    headers: { ...credentials, 'X-Correlation-ID': 'corr-test-1' },
  });
}

// Only the fields the assertions read; the fixtures' own types stay private.
interface ProductOrderBody {
  '@type': string;
  note?: { text: string }[];
  productOrderItem: {
    product: { id: string; name: string; '@type': string };
    productOrderItem: {
      '@type': string;
      product: { id: string; name: string };
      itemPrice: {
        name: string;
        description: string;
        price: { dutyFreeAmount: { unit: string; value: number } };
      }[];
    }[];
  }[];
}

async function orderOf(response: Response): Promise<ProductOrderBody> {
  expect(response.status).toBe(200);
  const body = (await response.json()) as ProductOrderBody[];
  expect(body).toHaveLength(1);
  const [order] = body;
  if (!order) throw new Error('expected one productOrder in the body, got none');
  return order;
}

interface ErrorBody {
  errors: { code: number; message: string; description: string }[];
}

async function expectError(
  response: Response,
  status: number,
  texts: { message?: string; description?: string } = {},
): Promise<void> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const body = (await response.json()) as ErrorBody;
  expect(body.errors).toHaveLength(1);
  const [error] = body.errors;
  expect(Object.keys(error ?? {}).sort()).toEqual(['code', 'description', 'message']);
  expect(error?.code).toBe(status);
  expect(typeof error?.message).toBe('string');
  expect(typeof error?.description).toBe('string');
  if (texts.message !== undefined) expect(error?.message).toBe(texts.message);
  if (texts.description !== undefined) expect(error?.description).toBe(texts.description);
}

describe('dxp-ux sandbox: the seed line', () => {
  it('answers PR 16654555678 with the seed response, amounts as written', async () => {
    const sandbox = await start();
    const response = await getLine(sandbox, 'PR', '16654555678');

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('x-correlation-id')).toBe('corr-test-1');
    const raw = await response.text();
    expect(raw).toBe(DXP_SEED_RESPONSE_TEXT);
    expect(raw).toContain('"value": 0.00');
    expect(raw).toContain('"value": 15.00');
    expect(raw).toContain('"value": 7.99');

    const [order] = JSON.parse(raw) as ProductOrderBody[];
    expect(order?.['@type']).toBe('getAddons');
    expect(order?.note).toEqual([{ text: 'planType-Postpaid' }]);
    const plan = order?.productOrderItem[0];
    expect(plan?.product).toEqual({
      id: 'PR_B2C_ULT_Extra_MB_Line',
      name: 'Liberty U-Pick Mobile Plus',
      '@type': 'Plan',
    });
    expect(plan?.productOrderItem.map((addon) => addon.product.id)).toEqual([
      'PR_B2C_Liberty_Home_Roadside_Assistance',
      'PR_B2C_Mobile_IntRmg_Voice',
      'PR_B2C_Mobile_Pospaid_International_Calling_Voice',
    ]);
    expect(plan?.productOrderItem.map((addon) => addon.itemPrice[0]?.price.dutyFreeAmount)).toEqual(
      [
        { unit: 'USD', value: 7.99 },
        { unit: 'USD', value: 0 },
        { unit: 'USD', value: 15 },
      ],
    );
  });

  it('makes up a correlation id when the caller sends none', async () => {
    const sandbox = await start();
    const response = await fetch(lineUrl(sandbox, 'PR', '16654555678'), { headers: credentials });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('dxp-ux sandbox: fixture lines', () => {
  it.each(DXP_FIXTURE_LINES.map((l) => [`${l.businessId} ${l.msisdn}`, l] as const))(
    '%s answers its fixture body',
    async (_name, fixture) => {
      const sandbox = await start();
      const response = await getLine(sandbox, fixture.businessId, fixture.msisdn);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe(fixture.responseBody);
    },
  );

  it('covers every allowed business unit', () => {
    const covered = new Set(DXP_FIXTURE_LINES.map((l) => l.businessId));
    expect([...covered].sort()).toEqual([...DXP_BUSINESS_IDS].sort());
  });

  it('no fixture msisdn collides with a trigger suffix', () => {
    for (const fixture of DXP_FIXTURE_LINES) {
      for (const trigger of DXP_TRIGGERS) {
        expect(fixture.msisdn.endsWith(trigger.msisdnSuffix)).toBe(false);
      }
    }
  });

  it('has a prepaid line', async () => {
    const sandbox = await start();
    const order = await orderOf(await getLine(sandbox, 'PR', '17875550101'));
    expect(order.note).toEqual([{ text: 'planType-Prepaid' }]);
    expect(order.productOrderItem[0]?.product['@type']).toBe('Plan');
  });

  it('has a postpaid line with no add-ons', async () => {
    const sandbox = await start();
    const order = await orderOf(await getLine(sandbox, 'PR', '17875550103'));
    expect(order.note).toEqual([{ text: 'planType-Postpaid' }]);
    expect(order.productOrderItem).toHaveLength(1);
    expect(order.productOrderItem[0]?.productOrderItem).toEqual([]);
  });

  it('has a line with no note at all', async () => {
    const sandbox = await start();
    const order = await orderOf(await getLine(sandbox, 'PR', '17875550104'));
    expect(order).not.toHaveProperty('note');
    expect(order.productOrderItem[0]?.productOrderItem.length).toBeGreaterThan(0);
  });

  it('has add-ons with more than one price', async () => {
    const sandbox = await start();
    const order = await orderOf(await getLine(sandbox, 'PR', '17875550102'));
    const addons = order.productOrderItem[0]?.productOrderItem ?? [];
    expect(addons.length).toBeGreaterThan(1);
    for (const addon of addons) expect(addon.itemPrice.length).toBeGreaterThan(1);
  });

  it('prices JM lines in JMD and TT lines in TTD', async () => {
    const sandbox = await start();
    const jm = await orderOf(await getLine(sandbox, 'JM', '18765550101'));
    const jmPrices = jm.productOrderItem[0]?.productOrderItem.flatMap((a) => a.itemPrice) ?? [];
    expect(jmPrices.map((p) => p.price.dutyFreeAmount)).toContainEqual({
      unit: 'JMD',
      value: 1500,
    });
    const tt = await orderOf(await getLine(sandbox, 'TT', '18685550101'));
    const ttUnits = tt.productOrderItem[0]?.productOrderItem.flatMap((a) =>
      a.itemPrice.map((p) => p.price.dutyFreeAmount.unit),
    );
    expect(new Set(ttUnits)).toEqual(new Set(['TTD']));
  });

  it('serves a line only under its own business unit', async () => {
    const sandbox = await start();
    await expectError(await getLine(sandbox, 'JM', '16654555678'), 404);
  });
});

describe('dxp-ux sandbox: errors', () => {
  const seed404 = {
    message: 'The request is invalid or not properly formed.',
    description:
      'The requested operation failed because a resource associated with the request could not be found.',
  };
  const seed401 = {
    message: 'The user could not be authenticated for this request.',
    description:
      'The request has not been applied because it lacks valid authentication credentials for the target resource',
  };
  const seed400 = {
    message: 'The request is invalid or not properly formed.',
    description: 'Bad Request',
  };

  it('answers 404 for an unknown msisdn', async () => {
    const sandbox = await start();
    await expectError(await getLine(sandbox, 'PR', '17875559876'), 404, seed404);
  });

  it.each([
    ['no credentials', {}],
    ['no client_secret', { client_id: DXP_SANDBOX_CREDENTIALS.clientId }],
    ['a wrong client_secret', { ...credentials, client_secret: 'wrong' }],
    ['a wrong client_id', { ...credentials, client_id: 'wrong' }],
  ])('answers 401 for %s', async (_name, headers: Record<string, string>) => {
    const sandbox = await start();
    const response = await fetch(lineUrl(sandbox, 'PR', '16654555678'), { headers });
    await expectError(response, 401, seed401);
  });

  it('checks credentials before the business id, the query and the method', async () => {
    const sandbox = await start();
    const bad = { client_id: 'wrong', client_secret: 'wrong' };
    await expectError(
      await fetch(lineUrl(sandbox, 'US', '16654555678'), { headers: bad }),
      401,
      seed401,
    );
    await expectError(await fetch(productOrderUrl(sandbox, 'PR'), { headers: bad }), 401, seed401);
    await expectError(await fetch(lineUrl(sandbox, 'PR', '10429'), { headers: bad }), 401, seed401);
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      await expectError(
        await fetch(productOrderUrl(sandbox, 'PR'), { method, headers: bad }),
        401,
        seed401,
      );
    }
  });

  it.each(['US', 'MX', 'pr', 'PRX'])('answers 403 for business id %s', async (businessId) => {
    const sandbox = await start();
    await expectError(await getLine(sandbox, businessId, '16654555678'), 403);
  });

  it.each([
    [
      'channel.name other than Digital',
      { 'channel.name': 'Retail', 'relatedParty.id': '16654555678' },
    ],
    ['no channel.name', { 'relatedParty.id': '16654555678' }],
    ['no relatedParty.id', { 'channel.name': 'Digital' }],
    ['an empty relatedParty.id', { 'channel.name': 'Digital', 'relatedParty.id': '' }],
  ])('answers 400 for %s', async (_name, query: Record<string, string>) => {
    const sandbox = await start();
    const response = await fetch(productOrderUrl(sandbox, 'PR', query), { headers: credentials });
    await expectError(response, 400, seed400);
  });

  const errorTriggers = DXP_TRIGGERS.flatMap((trigger) =>
    trigger.kind === 'error' ? [trigger] : [],
  );
  const triggerCases = DXP_BUSINESS_IDS.flatMap((businessId) =>
    errorTriggers.map(
      (trigger) =>
        [
          `${businessId} …${trigger.msisdnSuffix}`,
          businessId,
          `1555000${trigger.msisdnSuffix}`,
          trigger.status,
          trigger.retryAfter ?? null,
        ] as const,
    ),
  );

  it('has the documented trigger statuses', () => {
    expect(errorTriggers.map((t) => [t.msisdnSuffix, t.status, t.retryAfter])).toEqual([
      ['0429', 429, '1'],
      ['0500', 500, undefined],
      ['0502', 502, undefined],
      ['0503', 503, '1'],
    ]);
  });

  it.each(triggerCases)(
    'trigger %s answers its status',
    async (_name, businessId, msisdn, status, retryAfter) => {
      const sandbox = await start();
      const response = await getLine(sandbox, businessId, msisdn);
      expect(response.headers.get('retry-after')).toBe(retryAfter);
      expect(response.headers.get('x-correlation-id')).toBe('corr-test-1');
      await expectError(response, status);
    },
  );

  it('answers the seed texts for 429 and 500', async () => {
    const sandbox = await start();
    await expectError(await getLine(sandbox, 'PR', '17870000429'), 429, seed404);
    await expectError(await getLine(sandbox, 'PR', '17870000500'), 500, {
      message: 'The request failed due to an internal error.',
      description: '',
    });
  });

  it.each(['POST', 'PUT', 'DELETE'])('answers 405 for %s', async (method) => {
    const sandbox = await start();
    const response = await fetch(productOrderUrl(sandbox, 'PR'), {
      method,
      headers: { ...credentials, 'content-type': 'application/json' },
      body: '{"not": "read"',
    });
    await expectError(response, 405, {
      message: 'APIKIT:METHOD_NOT_ALLOWED',
      description: `HTTP Method ${method.toLowerCase()} not allowed for : /{businessId}/productOrder`,
    });
  });

  it('answers 501 for PATCH, naming the business id', async () => {
    const sandbox = await start();
    const response = await fetch(productOrderUrl(sandbox, 'JM'), {
      method: 'PATCH',
      headers: credentials,
    });
    await expectError(response, 501, {
      message: 'Not implemented',
      description: 'Operation PATCH /productOrder for Business Id: JM not implemented',
    });
  });

  it.each(['/', '/dxp-ux/v1/PR/productOrders', '/dxp-ux/v2/PR/productOrder'])(
    'answers 404 with the error shape for the unknown path %s',
    async (path) => {
      const sandbox = await start();
      await expectError(
        await fetch(`${sandbox.url}${path}`, { headers: credentials }),
        404,
        seed404,
      );
    },
  );
});

describe('dxp-ux sandbox: call counting', () => {
  it('counts calls by route', async () => {
    const sandbox = await start();
    await (await getLine(sandbox, 'PR', '16654555678')).text();
    await (await getLine(sandbox, 'JM', '18765550101')).text();
    await (await getLine(sandbox, 'PR', '17875559876')).text();
    await (
      await fetch(productOrderUrl(sandbox, 'PR'), { method: 'POST', headers: credentials })
    ).text();

    expect(sandbox.callCount(DXP_PRODUCT_ORDER_ROUTE)).toBe(3);
    expect(sandbox.calls()).toEqual({
      [DXP_PRODUCT_ORDER_ROUTE]: 3,
      'POST /dxp-ux/v1/:businessId/productOrder': 1,
    });
    sandbox.resetCalls();
    expect(sandbox.callCount(DXP_PRODUCT_ORDER_ROUTE)).toBe(0);
  });
});

describe('dxp-ux sandbox: the slow line', () => {
  it.each(DXP_BUSINESS_IDS)('%s …0999 answers after the configured delay', async (businessId) => {
    const sandbox = await start({ slowLineDelayMs: 200 });
    const startedAt = performance.now();
    const response = await getLine(sandbox, businessId, '15550000999');
    const body = await response.text();
    const elapsed = performance.now() - startedAt;

    expect(response.status).toBe(200);
    expect(elapsed).toBeGreaterThanOrEqual(190);
    const firstLine = DXP_FIXTURE_LINES.find((l) => l.businessId === businessId);
    expect(body).toBe(firstLine?.responseBody);
  });

  it('close() returns promptly while a slow answer is in flight', async () => {
    const sandbox = await start({ slowLineDelayMs: 600_000 });
    const inFlight = getLine(sandbox, 'PR', '17870000999').then(
      (response) => response.status,
      (error: unknown) => error,
    );
    await waitForCall(sandbox, DXP_PRODUCT_ORDER_ROUTE);

    const startedAt = performance.now();
    await sandbox.close();
    expect(performance.now() - startedAt).toBeLessThan(1000);
    expect(await inFlight).toBeInstanceOf(Error);
  });

  it('does not keep the process alive after close()', async () => {
    const serverModule = fileURLToPath(new URL('../src/sandbox/dxp/server.ts', import.meta.url));
    const script = `
      const { startDxpSandbox, DXP_SANDBOX_CREDENTIALS: c } = await import(${JSON.stringify(serverModule)});
      const sandbox = await startDxpSandbox({ slowLineDelayMs: 600000 });
      fetch(sandbox.url + '/dxp-ux/v1/PR/productOrder?channel.name=Digital&relatedParty.id=17870000999', {
        headers: { client_id: c.clientId, client_secret: c.clientSecret },
      }).catch(() => undefined);
      while (sandbox.callCount('GET /dxp-ux/v1/:businessId/productOrder') === 0) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await sandbox.close();
    `;
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      { cwd: fileURLToPath(new URL('..', import.meta.url)), stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    clearTimeout(killer);
    // stderr rides along so a failure shows why the child did not exit cleanly.
    expect({ code, stderr }).toMatchObject({ code: 0 });
  });
});

describe('dxp-ux sandbox: injected faults', () => {
  it('answers an injected status once, then the fixture again', async () => {
    const sandbox = await start();
    sandbox.injectFault(DXP_PRODUCT_ORDER_ROUTE, {
      kind: 'status',
      status: 503,
      body: { errors: [{ code: 503, message: 'Service Unavailable', description: 'maintenance' }] },
      headers: { 'Retry-After': '120' },
    });

    const faulted = await getLine(sandbox, 'PR', '16654555678');
    expect(faulted.headers.get('retry-after')).toBe('120');
    await expectError(faulted, 503, { message: 'Service Unavailable', description: 'maintenance' });
    const healthy = await getLine(sandbox, 'PR', '16654555678');
    expect(await healthy.text()).toBe(DXP_SEED_RESPONSE_TEXT);
    expect(sandbox.callCount(DXP_PRODUCT_ORDER_ROUTE)).toBe(2);
  });

  it('answers raw malformed JSON for the armed number of calls', async () => {
    const sandbox = await start();
    sandbox.injectFault(
      DXP_PRODUCT_ORDER_ROUTE,
      { kind: 'raw', status: 200, body: '[{"@type": ' },
      2,
    );

    for (let call = 0; call < 2; call += 1) {
      const response = await getLine(sandbox, 'PR', '16654555678');
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await response.text()).toBe('[{"@type": ');
    }
    expect((await getLine(sandbox, 'PR', '16654555678')).status).toBe(200);
  });

  it('resets the connection', async () => {
    const sandbox = await start();
    sandbox.injectFault(DXP_PRODUCT_ORDER_ROUTE, { kind: 'reset' });
    await expect(getLine(sandbox, 'PR', '16654555678')).rejects.toThrow(TypeError);
    expect((await getLine(sandbox, 'PR', '16654555678')).status).toBe(200);
  });

  it('hangs until the client gives up, and close() still returns promptly', async () => {
    const sandbox = await start();
    sandbox.injectFault(DXP_PRODUCT_ORDER_ROUTE, { kind: 'hang' }, 2);

    await expect(
      getLine(sandbox, 'PR', '16654555678', { signal: AbortSignal.timeout(200) }),
    ).rejects.toMatchObject({ name: 'TimeoutError' });

    const inFlight = getLine(sandbox, 'PR', '16654555678').then(
      (response) => response.status,
      (error: unknown) => error,
    );
    await waitForCall(sandbox, DXP_PRODUCT_ORDER_ROUTE, 2);
    const startedAt = performance.now();
    await sandbox.close();
    expect(performance.now() - startedAt).toBeLessThan(1000);
    expect(await inFlight).toBeInstanceOf(Error);
  });
});

async function waitForCall(sandbox: SandboxHandle, routeKey: string, count = 1): Promise<void> {
  while (sandbox.callCount(routeKey) < count) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
