import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { PX_ERROR_ROWS, renderPxError } from '../src/sandbox/px/errors.js';
import { PX_ADDRESSES, PX_FIXTURES, type ServiceableAddress } from '../src/sandbox/px/fixtures.js';
import {
  PX_ROUTES,
  PX_SANDBOX_CREDENTIALS,
  startPxSandbox,
  type PxSandboxHandle,
  type PxSandboxOptions,
} from '../src/sandbox/px/server.js';
import { createPxOrderFlow, type CompleteOrderInput } from '../src/sandbox/px/state.js';

const PATHS = {
  retrieve: '/pxRetrieveRCC',
  send: '/pxSendRCC',
  acceptance: '/pxGetRCCAcceptance',
  complete: '/pxCompleteOrder',
} as const;
type Route = keyof typeof PATHS;

type Body = Record<string, unknown>;

interface Answer {
  status: number;
  body: Body;
  headers: Headers;
}

const basic = (id: string, secret: string): string =>
  `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

async function answerOf(response: Response): Promise<Answer> {
  const parsed: unknown = await response.json();
  expect(parsed).toBeTypeOf('object');
  return { status: response.status, body: parsed as Body, headers: response.headers };
}

async function requestToken(
  url: string,
  authorization = basic(PX_SANDBOX_CREDENTIALS.clientId, PX_SANDBOX_CREDENTIALS.clientSecret),
  form = 'grant_type=client_credentials',
): Promise<Answer> {
  const response = await fetch(`${url}/oauth/token`, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
    body: form,
  });
  return answerOf(response);
}

async function grantToken(url: string): Promise<string> {
  const { status, body } = await requestToken(url);
  expect(status).toBe(200);
  expect(typeof body.access_token).toBe('string');
  return String(body.access_token);
}

async function post(
  url: string,
  route: Route,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await fetch(`${url}${PATHS[route]}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return answerOf(response);
}

interface Px {
  sandbox: PxSandboxHandle;
  call(route: Route, body: unknown, headers?: Record<string, string>): Promise<Answer>;
}

async function openPx(options: PxSandboxOptions = {}): Promise<Px> {
  const sandbox = await startPxSandbox(options);
  const token = await grantToken(sandbox.url);
  return {
    sandbox,
    call: (route, body, headers = {}) =>
      post(sandbox.url, route, body, { authorization: `Bearer ${token}`, ...headers }),
  };
}

/** openPx for the test that opens it: its sandbox closes when that test finishes. */
async function openPxForTest(options: PxSandboxOptions = {}): Promise<Px> {
  const px = await openPx(options);
  onTestFinished(() => px.sandbox.close());
  return px;
}

function serviceable(addressDetailId: string): ServiceableAddress {
  const address = PX_ADDRESSES.get(addressDetailId);
  if (address?.kind !== 'serviceable') throw new Error(`${addressDetailId} is not serviceable`);
  return address;
}

/** A clock the test moves by hand. */
function manualClock(start = '2025-03-01T12:00:00.000Z'): {
  now: () => Date;
  advance(ms: number): void;
} {
  let current = new Date(start).getTime();
  return {
    now: () => new Date(current),
    advance: (ms) => {
      current += ms;
    },
  };
}

const key = (transactionId: string, partnerOrderId = `PO-${transactionId}`): Body => ({
  partnerId: 'P-1001',
  partnerOrderId,
  transactionId,
});
const retrieve = (transactionId: string, overrides: Body = {}): Body => ({
  ...key(transactionId),
  salesCode: 'SC100',
  addressDetailId: 'ADDR-2',
  ...overrides,
});
const send = (transactionId: string, overrides: Body = {}): Body => ({
  ...key(transactionId),
  deliveryMethod: 'SMS',
  destination: '+15555550123',
  ...overrides,
});
const complete = (transactionId: string, overrides: Body = {}): Body => ({
  ...key(transactionId),
  salesCode: 'SC100',
  addressDetailId: 'ADDR-2',
  rccAccepted: true,
  acceptanceMethod: 'VERBAL',
  paymentToken: null,
  giftCards: [],
  ...overrides,
});

describe('Px sandbox token endpoint', () => {
  let sandbox: PxSandboxHandle;
  beforeAll(async () => {
    sandbox = await startPxSandbox({ tokenTtlSeconds: 900 });
  });
  afterAll(() => sandbox.close());

  it('grants a bearer token for the sandbox client and counts the grant', async () => {
    const before = sandbox.tokenGrants();
    const { status, body, headers } = await requestToken(sandbox.url);
    expect(status).toBe(200);
    expect(body).toEqual({
      access_token: body.access_token,
      token_type: 'Bearer',
      expires_in: 900,
    });
    expect(String(body.access_token)).toMatch(/^[\w-]{32,}$/);
    expect(headers.get('cache-control')).toBe('no-store');
    expect(sandbox.tokenGrants()).toBe(before + 1);
  });

  it('issues a different token on every grant', async () => {
    expect(await grantToken(sandbox.url)).not.toBe(await grantToken(sandbox.url));
  });

  it.each([
    ['a wrong secret', basic(PX_SANDBOX_CREDENTIALS.clientId, 'wrong')],
    ['a wrong client id', basic('someone', PX_SANDBOX_CREDENTIALS.clientSecret)],
    ['no credentials', ''],
    ['a bearer instead of basic', 'Bearer abc'],
    ['basic auth that is not base64 of id:secret', 'Basic !!!'],
  ])('answers 401 invalid_client for %s', async (_name, authorization) => {
    const before = sandbox.tokenGrants();
    const { status, body } = await requestToken(sandbox.url, authorization);
    expect(status).toBe(401);
    expect(body).toEqual({ error: 'invalid_client' });
    expect(sandbox.tokenGrants()).toBe(before);
  });

  it('answers 400 unsupported_grant_type for another grant type', async () => {
    const auth = basic(PX_SANDBOX_CREDENTIALS.clientId, PX_SANDBOX_CREDENTIALS.clientSecret);
    const { status, body } = await requestToken(sandbox.url, auth, 'grant_type=password');
    expect(status).toBe(400);
    expect(body).toEqual({ error: 'unsupported_grant_type' });
  });

  it('answers 400 invalid_request without a form grant type', async () => {
    const auth = basic(PX_SANDBOX_CREDENTIALS.clientId, PX_SANDBOX_CREDENTIALS.clientSecret);
    expect(await requestToken(sandbox.url, auth, 'scope=x')).toMatchObject({
      status: 400,
      body: { error: 'invalid_request' },
    });
    const json = await fetch(`${sandbox.url}/oauth/token`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: '{"grant_type":',
    });
    expect(json.status).toBe(400);
    expect(await json.json()).toEqual({ error: 'invalid_request' });
  });
});

describe('Px sandbox bearer check', () => {
  it('answers 401 without a code for a missing, unknown or revoked token', async () => {
    const px = await openPxForTest();
    const invalid = { message: 'Invalid or expired access token' };
    expect(await post(px.sandbox.url, 'retrieve', retrieve('T-AUTH'))).toMatchObject({
      status: 401,
      body: invalid,
    });
    const unknown = await post(px.sandbox.url, 'retrieve', retrieve('T-AUTH'), {
      authorization: 'Bearer not-a-token',
    });
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual(invalid);

    expect((await px.call('retrieve', retrieve('T-AUTH'))).status).toBe(200);
    px.sandbox.revokeTokens();
    const revoked = await px.call('retrieve', retrieve('T-AUTH'));
    expect(revoked.status).toBe(401);
    expect(revoked.body).toEqual(invalid);
    expect(revoked.body).not.toHaveProperty('code');

    const fresh = await grantToken(px.sandbox.url);
    const again = await post(px.sandbox.url, 'retrieve', retrieve('T-AUTH'), {
      authorization: `Bearer ${fresh}`,
    });
    expect(again.status).toBe(200);
  });

  it('checks the token before it reads the body', async () => {
    const px = await openPxForTest();
    const response = await fetch(`${px.sandbox.url}/pxCompleteOrder`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ message: 'Invalid or expired access token' });
  });

  it('expires tokens after tokenTtlSeconds on the sandbox clock', async () => {
    const clock = manualClock();
    const px = await openPxForTest({ tokenTtlSeconds: 60, now: clock.now });
    clock.advance(59_000);
    expect((await px.call('retrieve', retrieve('T-TTL'))).status).toBe(200);
    clock.advance(1_000);
    const expired = await px.call('retrieve', retrieve('T-TTL'));
    expect(expired.status).toBe(401);
    expect(expired.body).toEqual({ message: 'Invalid or expired access token' });
  });

  it('keeps tokens per sandbox instance', async () => {
    const first = await openPxForTest();
    const second = await startPxSandbox();
    onTestFinished(() => second.close());
    const firstToken = await grantToken(first.sandbox.url);
    const elsewhere = await post(second.url, 'retrieve', retrieve('T-ISO'), {
      authorization: `Bearer ${firstToken}`,
    });
    expect(elsewhere.status).toBe(401);
    expect(second.tokenGrants()).toBe(0);
  });
});

interface ErrorRow {
  name: string;
  /** Calls that must succeed first, to put the order flow in the row's state. */
  given?: [Route, Body][];
  call: [Route, Body];
  status: number;
  code: string | null;
  message: string;
}

const ERROR_ROWS: ErrorRow[] = [
  // Retrieve
  {
    name: '2030 partner id on retrieve',
    call: ['retrieve', retrieve('T-R2030', { partnerId: 'P-9999' })],
    status: 401,
    code: '2030',
    message: 'Missing or Invalid Partner ID; TxID T-R2030',
  },
  {
    name: '2225 missing partner order id on retrieve',
    call: ['retrieve', retrieve('T-R2225', { partnerOrderId: '' })],
    status: 410,
    code: '2225',
    message: 'Missing Partner Order Id; TxID T-R2225',
  },
  {
    name: '2070 empty transaction id on retrieve',
    call: ['retrieve', retrieve('')],
    status: 410,
    code: '2070',
    message: 'Missing or Invalid Transaction Id; TxID ',
  },
  {
    name: '2131 pair changed on retrieve',
    given: [['retrieve', retrieve('T-R2131', { partnerOrderId: 'PO-A' })]],
    call: ['retrieve', retrieve('T-R2131', { partnerOrderId: 'PO-B' })],
    status: 410,
    code: '2131',
    message:
      'Transaction Id T-R2131 and PartnerOrderId PO-B combination must remain constant through Submit; TxID T-R2131',
  },
  {
    name: '2000 sales code on retrieve',
    call: ['retrieve', retrieve('T-R2000', { salesCode: 'SC999' })],
    status: 401,
    code: '2000',
    message: 'Missing or Invalid Sales Code; TxID T-R2000',
  },
  {
    name: '2025 address on retrieve',
    call: ['retrieve', retrieve('T-R2025', { addressDetailId: 'ADDR-9' })],
    status: 401,
    code: '2025',
    message: 'Missing or Invalid addressDetailId; TxID T-R2025',
  },
  {
    name: '4040 tax estimate down on retrieve',
    call: ['retrieve', retrieve('T-R4040', { addressDetailId: 'ADDR-TAXDOWN' })],
    status: 500,
    code: '4040',
    message: 'Centurylink taxEstimateService unavailable; TxID T-R4040',
  },
  {
    name: '4050 no RCC on retrieve (SC100 phone)',
    call: ['retrieve', retrieve('T-R4050', { addressDetailId: 'ADDR-NORCC' })],
    status: 500,
    code: '4050',
    message:
      'Downstream applications failed, cannot process order at this time. Please contact Centurylink 1-800-555-0100 to process your order? TxID T-R4050',
  },
  {
    name: '4050 no RCC on retrieve (SC200 phone)',
    call: ['retrieve', retrieve('T-R4050B', { addressDetailId: 'ADDR-NORCC', salesCode: 'SC200' })],
    status: 500,
    code: '4050',
    message:
      'Downstream applications failed, cannot process order at this time. Please contact Centurylink 1-800-555-0200 to process your order? TxID T-R4050B',
  },
  {
    name: 'partner checked before everything on retrieve',
    call: ['retrieve', retrieve('', { partnerId: 'nobody', salesCode: 'x', addressDetailId: 'y' })],
    status: 401,
    code: '2030',
    message: 'Missing or Invalid Partner ID; TxID ',
  },
  {
    name: 'sales code checked before address on retrieve',
    call: ['retrieve', retrieve('T-R-ORDER', { salesCode: 'x', addressDetailId: 'ADDR-NORCC' })],
    status: 401,
    code: '2000',
    message: 'Missing or Invalid Sales Code; TxID T-R-ORDER',
  },
  // Send and acceptance
  {
    name: '2070 unknown transaction on send',
    call: ['send', send('T-S-NEVER')],
    status: 410,
    code: '2070',
    message: 'Missing or Invalid Transaction Id; TxID T-S-NEVER',
  },
  {
    name: '2030 partner id on send',
    given: [['retrieve', retrieve('T-S2030')]],
    call: ['send', send('T-S2030', { partnerId: '' })],
    status: 401,
    code: '2030',
    message: 'Missing or Invalid Partner ID; TxID T-S2030',
  },
  {
    name: '2131 pair changed on send',
    given: [['retrieve', retrieve('T-S2131')]],
    call: ['send', send('T-S2131', { partnerOrderId: 'PO-OTHER' })],
    status: 410,
    code: '2131',
    message:
      'Transaction Id T-S2131 and PartnerOrderId PO-OTHER combination must remain constant through Submit; TxID T-S2131',
  },
  {
    name: '2070 unknown transaction on acceptance',
    call: ['acceptance', key('T-A-NEVER')],
    status: 410,
    code: '2070',
    message: 'Missing or Invalid Transaction Id; TxID T-A-NEVER',
  },
  {
    name: '2070 transaction of another partner on acceptance',
    given: [['retrieve', retrieve('T-A-OTHER')]],
    call: ['acceptance', { ...key('T-A-OTHER'), partnerId: 'P-1002' }],
    status: 410,
    code: '2070',
    message: 'Missing or Invalid Transaction Id; TxID T-A-OTHER',
  },
  {
    name: '2131 pair changed on acceptance',
    given: [['retrieve', retrieve('T-A2131')]],
    call: ['acceptance', key('T-A2131', 'PO-OTHER')],
    status: 410,
    code: '2131',
    message:
      'Transaction Id T-A2131 and PartnerOrderId PO-OTHER combination must remain constant through Submit; TxID T-A2131',
  },
  // Complete
  {
    name: '2030 partner id on complete',
    given: [['retrieve', retrieve('T-C2030')]],
    call: ['complete', complete('T-C2030', { partnerId: 'P-0' })],
    status: 401,
    code: '2030',
    message: 'Missing or Invalid Partner ID; TxID T-C2030',
  },
  {
    name: '2225 missing partner order id on complete',
    given: [['retrieve', retrieve('T-C2225')]],
    call: ['complete', complete('T-C2225', { partnerOrderId: null })],
    status: 410,
    code: '2225',
    message: 'Missing Partner Order Id; TxID T-C2225',
  },
  {
    name: '2070 empty transaction id on complete',
    call: ['complete', complete('')],
    status: 410,
    code: '2070',
    message: 'Missing or Invalid Transaction Id; TxID ',
  },
  {
    name: '2070 transaction never retrieved on complete',
    call: ['complete', complete('T-C-NEVER')],
    status: 410,
    code: '2070',
    message: 'Missing or Invalid Transaction Id; TxID T-C-NEVER',
  },
  {
    name: '2131 pair changed on complete',
    given: [['retrieve', retrieve('T-C2131')]],
    call: ['complete', complete('T-C2131', { partnerOrderId: 'PO-NEW' })],
    status: 410,
    code: '2131',
    message:
      'Transaction Id T-C2131 and PartnerOrderId PO-NEW combination must remain constant through Submit; TxID T-C2131',
  },
  {
    name: '2000 sales code on complete',
    given: [['retrieve', retrieve('T-C2000')]],
    call: ['complete', complete('T-C2000', { salesCode: '' })],
    status: 401,
    code: '2000',
    message: 'Missing or Invalid Sales Code; TxID T-C2000',
  },
  {
    name: '2025 unknown address on complete',
    given: [['retrieve', retrieve('T-C2025')]],
    call: ['complete', complete('T-C2025', { addressDetailId: 'ADDR-404' })],
    status: 401,
    code: '2025',
    message: 'Missing or Invalid addressDetailId; TxID T-C2025',
  },
  {
    name: '2025 an address other than the one retrieved on complete',
    given: [['retrieve', retrieve('T-C2025B')]],
    call: [
      'complete',
      complete('T-C2025B', { addressDetailId: 'ADDR-1', paymentToken: 'tok_visa' }),
    ],
    status: 401,
    code: '2025',
    message: 'Missing or Invalid addressDetailId; TxID T-C2025B',
  },
  {
    name: '2130 already submitted',
    given: [
      ['retrieve', retrieve('T-C2130')],
      ['complete', complete('T-C2130')],
    ],
    call: ['complete', complete('T-C2130')],
    status: 410,
    code: '2130',
    message: 'Order shows already submitted and may not be submitted again; TxID T-C2130',
  },
  {
    name: '2215 more than 120 minutes after prepare',
    given: [['retrieve', retrieve('EXPIRED-C2215')]],
    call: ['complete', complete('EXPIRED-C2215')],
    status: 410,
    code: '2215',
    message:
      'A complete order cannot be executed more than 120 minutes after the corresponding prepare Order TxID EXPIRED-C2215',
  },
  {
    name: '1215 more than one gift card',
    given: [['retrieve', retrieve('T-C1215')]],
    call: ['complete', complete('T-C1215', { giftCards: ['GC-1', 'GC-2'] })],
    status: 410,
    code: '1215',
    message: 'Only one gift card can be submitted, please correct and resubmit; TxID T-C1215',
  },
  {
    name: '1210 rccAccepted false',
    given: [['retrieve', retrieve('T-C1210')]],
    call: ['complete', complete('T-C1210', { rccAccepted: false })],
    status: 401,
    code: '1210',
    message: 'RCC must be accepted to submit an order, please correct and resubmit; TxID T-C1210',
  },
  {
    name: '1210 rccAccepted left out',
    given: [['retrieve', retrieve('T-C1210B')]],
    call: ['complete', complete('T-C1210B', { rccAccepted: undefined })],
    status: 401,
    code: '1210',
    message: 'RCC must be accepted to submit an order, please correct and resubmit; TxID T-C1210B',
  },
  {
    name: '1210 EMAIL acceptance that Px never recorded',
    given: [['retrieve', retrieve('T-C1210C')]],
    call: ['complete', complete('T-C1210C', { acceptanceMethod: 'EMAIL' })],
    status: 401,
    code: '1210',
    message: 'RCC must be accepted to submit an order, please correct and resubmit; TxID T-C1210C',
  },
  {
    name: '1210 SMS acceptance when the customer declined',
    given: [
      ['retrieve', retrieve('T-C1210D')],
      ['send', send('T-C1210D', { destination: '+1555decline' })],
    ],
    call: ['complete', complete('T-C1210D', { acceptanceMethod: 'SMS' })],
    status: 401,
    code: '1210',
    message: 'RCC must be accepted to submit an order, please correct and resubmit; TxID T-C1210D',
  },
  {
    name: '1210 EMAIL named when the customer accepted by SMS',
    given: [
      ['retrieve', retrieve('T-C1210E')],
      ['send', send('T-C1210E')],
    ],
    call: ['complete', complete('T-C1210E', { acceptanceMethod: 'EMAIL' })],
    status: 401,
    code: '1210',
    message: 'RCC must be accepted to submit an order, please correct and resubmit; TxID T-C1210E',
  },
  {
    name: '1130 payment token required (ADDR-1)',
    given: [['retrieve', retrieve('T-C1130', { addressDetailId: 'ADDR-1' })]],
    call: ['complete', complete('T-C1130', { addressDetailId: 'ADDR-1' })],
    status: 410,
    code: '1130',
    message:
      'Because payment is required, token must be provided. Please correct and resend. TxID T-C1130',
  },
  {
    name: '1099 tok_declined',
    given: [['retrieve', retrieve('T-C1099', { addressDetailId: 'ADDR-1' })]],
    call: [
      'complete',
      complete('T-C1099', { addressDetailId: 'ADDR-1', paymentToken: 'tok_declined' }),
    ],
    status: 410,
    code: '1099',
    message:
      'Invalid credit card information. Authorization Failed Please correct and resend TxID T-C1099',
  },
  {
    name: '1099 a token the gateway does not know',
    given: [['retrieve', retrieve('T-C1099B', { addressDetailId: 'ADDR-1' })]],
    call: [
      'complete',
      complete('T-C1099B', { addressDetailId: 'ADDR-1', paymentToken: 'tok_whatever' }),
    ],
    status: 410,
    code: '1099',
    message:
      'Invalid credit card information. Authorization Failed Please correct and resend TxID T-C1099B',
  },
  {
    name: 'payment system down (401, no code, SC100 phone)',
    given: [['retrieve', retrieve('T-CDOWN', { addressDetailId: 'ADDR-1' })]],
    call: [
      'complete',
      complete('T-CDOWN', { addressDetailId: 'ADDR-1', paymentToken: 'tok_unavailable' }),
    ],
    status: 401,
    code: null,
    message: 'Payment system is down please contact CenturyLink at 1-800-555-0100; TxID T-CDOWN',
  },
  {
    name: 'payment system down (SC200 phone)',
    given: [['retrieve', retrieve('T-CDOWN2', { addressDetailId: 'ADDR-1' })]],
    call: [
      'complete',
      complete('T-CDOWN2', {
        addressDetailId: 'ADDR-1',
        salesCode: 'SC200',
        paymentToken: 'tok_unavailable',
      }),
    ],
    status: 401,
    code: null,
    message: 'Payment system is down please contact CenturyLink at 1-800-555-0200; TxID T-CDOWN2',
  },
  {
    name: 'already submitted checked before expiry, gift cards and acceptance',
    given: [
      ['retrieve', retrieve('T-C-ORDER1')],
      ['complete', complete('T-C-ORDER1')],
    ],
    call: ['complete', complete('T-C-ORDER1', { giftCards: ['a', 'b'], rccAccepted: false })],
    status: 410,
    code: '2130',
    message: 'Order shows already submitted and may not be submitted again; TxID T-C-ORDER1',
  },
  {
    name: 'expiry checked before gift cards',
    given: [['retrieve', retrieve('EXPIRED-ORDER2')]],
    call: ['complete', complete('EXPIRED-ORDER2', { giftCards: ['a', 'b'] })],
    status: 410,
    code: '2215',
    message:
      'A complete order cannot be executed more than 120 minutes after the corresponding prepare Order TxID EXPIRED-ORDER2',
  },
  {
    name: 'gift cards checked before acceptance',
    given: [['retrieve', retrieve('T-C-ORDER3')]],
    call: ['complete', complete('T-C-ORDER3', { giftCards: ['a', 'b'], rccAccepted: false })],
    status: 410,
    code: '1215',
    message: 'Only one gift card can be submitted, please correct and resubmit; TxID T-C-ORDER3',
  },
  {
    name: 'acceptance checked before payment',
    given: [['retrieve', retrieve('T-C-ORDER4', { addressDetailId: 'ADDR-1' })]],
    call: ['complete', complete('T-C-ORDER4', { addressDetailId: 'ADDR-1', rccAccepted: false })],
    status: 401,
    code: '1210',
    message:
      'RCC must be accepted to submit an order, please correct and resubmit; TxID T-C-ORDER4',
  },
];

describe('Px sandbox error rows', () => {
  let px: Px;
  beforeAll(async () => {
    px = await openPx();
  });
  afterAll(() => px.sandbox.close());

  it.each(ERROR_ROWS)('$name', async ({ given = [], call, status, code, message }) => {
    for (const [route, body] of given) {
      expect((await px.call(route, body)).status, `given ${route}`).toBe(200);
    }
    const answer = await px.call(...call);
    expect(answer.status).toBe(status);
    expect(answer.body).toEqual(code === null ? { message } : { code, message });
  });

  it('covers every row of the seed table', () => {
    const codes = new Set(ERROR_ROWS.map((row) => row.code));
    for (const row of Object.values(PX_ERROR_ROWS)) expect(codes).toContain(row.code);
  });
});

describe('Px sandbox order flow', () => {
  it('retrieve, then complete VERBAL with ADDR-2 and no payment token', async () => {
    const clock = manualClock();
    const px = await openPxForTest({ now: clock.now });
    const rcc = await px.call('retrieve', retrieve('T-HAPPY-1'));
    expect(rcc.status).toBe(200);
    expect(rcc.body).toEqual({
      transactionId: 'T-HAPPY-1',
      partnerOrderId: 'PO-T-HAPPY-1',
      preparedAt: '2025-03-01T12:00:00.000Z',
      rcc: {
        sections: serviceable('ADDR-2').sections,
        charges: [
          { name: 'Internet 100 Mbps', amount: '45.00', currency: 'USD', recurrence: 'MONTHLY' },
          { name: 'Modem lease', amount: '15.00', currency: 'USD', recurrence: 'MONTHLY' },
        ],
        taxEstimate: { amount: '6.30', currency: 'USD' },
      },
    });

    clock.advance(5 * 60_000);
    const done = await px.call('complete', complete('T-HAPPY-1'));
    expect(done.status).toBe(200);
    const { orderNumber, ...order } = done.body;
    expect(orderNumber).toMatch(/^PX\d{8}$/);
    expect(order).toEqual({
      transactionId: 'T-HAPPY-1',
      partnerOrderId: 'PO-T-HAPPY-1',
      status: 'ACKNOWLEDGED',
      submittedAt: '2025-03-01T12:05:00.000Z',
      items: serviceable('ADDR-2').items,
    });

    const acceptance = await px.call('acceptance', key('T-HAPPY-1'));
    expect(acceptance.body).toEqual({
      transactionId: 'T-HAPPY-1',
      partnerOrderId: 'PO-T-HAPPY-1',
      accepted: true,
      acceptanceMethod: 'VERBAL',
      acceptedAt: '2025-03-01T12:05:00.000Z',
    });
    expect(px.sandbox.submittedOrders()).toBe(1);
  });

  it('retrieve, send by SMS, read the SMS acceptance, complete ADDR-1 with tok_visa', async () => {
    const clock = manualClock();
    const px = await openPxForTest({ now: clock.now });
    const rcc = await px.call('retrieve', retrieve('T-HAPPY-2', { addressDetailId: 'ADDR-1' }));
    expect(rcc.status).toBe(200);
    const address = serviceable('ADDR-1');
    const charges = address.items.flatMap((item) => item.charges);
    expect(charges).toContainEqual({
      name: 'Professional installation',
      amount: '99.00',
      currency: 'USD',
      recurrence: 'ONE_TIME',
    });
    expect(rcc.body.rcc).toEqual({
      sections: address.sections,
      charges,
      taxEstimate: address.taxEstimate,
    });

    clock.advance(60_000);
    const sent = await px.call('send', send('T-HAPPY-2'));
    expect(sent.body).toEqual({
      transactionId: 'T-HAPPY-2',
      partnerOrderId: 'PO-T-HAPPY-2',
      deliveryMethod: 'SMS',
      status: 'SENT',
      sentAt: '2025-03-01T12:01:00.000Z',
    });

    const acceptance = await px.call('acceptance', key('T-HAPPY-2'));
    expect(acceptance.body).toEqual({
      transactionId: 'T-HAPPY-2',
      partnerOrderId: 'PO-T-HAPPY-2',
      accepted: true,
      acceptanceMethod: 'SMS',
      acceptedAt: '2025-03-01T12:01:00.000Z',
    });

    const done = await px.call(
      'complete',
      complete('T-HAPPY-2', {
        addressDetailId: 'ADDR-1',
        acceptanceMethod: 'SMS',
        paymentToken: 'tok_visa',
        giftCards: ['GC-1'],
      }),
    );
    expect(done.status).toBe(200);
    expect(done.body.items).toEqual(address.items);
    expect(px.sandbox.submittedOrders()).toBe(1);
  });

  it('leaves the RCC unaccepted when sent to a declining destination', async () => {
    const px = await openPxForTest();
    await px.call('retrieve', retrieve('T-DECLINE'));
    const sent = await px.call(
      'send',
      send('T-DECLINE', { deliveryMethod: 'EMAIL', destination: 'will.DECLINE@example.com' }),
    );
    expect(sent.status).toBe(200);
    const acceptance = await px.call('acceptance', key('T-DECLINE'));
    expect(acceptance.body).toEqual({
      transactionId: 'T-DECLINE',
      partnerOrderId: 'PO-T-DECLINE',
      accepted: false,
      acceptanceMethod: null,
      acceptedAt: null,
    });
  });

  it('answers 2130 to a second complete and keeps one submitted order', async () => {
    const px = await openPxForTest();
    await px.call('retrieve', retrieve('T-TWICE'));
    const first = await px.call('complete', complete('T-TWICE'));
    expect(first.status).toBe(200);
    const second = await px.call('complete', complete('T-TWICE'));
    expect(second).toMatchObject({ status: 410, body: { code: '2130' } });
    expect(px.sandbox.submittedOrders()).toBe(1);
    expect(px.sandbox.callCount(PX_ROUTES.completeOrder)).toBe(2);
  });

  it('lets a completion fixed after a typed error go through', async () => {
    const px = await openPxForTest();
    await px.call('retrieve', retrieve('T-FIX', { addressDetailId: 'ADDR-1' }));
    const declined = await px.call(
      'complete',
      complete('T-FIX', { addressDetailId: 'ADDR-1', paymentToken: 'tok_declined' }),
    );
    expect(declined.body).toMatchObject({ code: '1099' });
    const approved = await px.call(
      'complete',
      complete('T-FIX', { addressDetailId: 'ADDR-1', paymentToken: 'tok_visa' }),
    );
    expect(approved.status).toBe(200);
    expect(px.sandbox.submittedOrders()).toBe(1);
  });

  it('prepares EXPIRED- transactions 121 minutes back and answers 2215 on complete', async () => {
    const clock = manualClock();
    const px = await openPxForTest({ now: clock.now });
    const rcc = await px.call('retrieve', retrieve('EXPIRED-1'));
    expect(rcc.body.preparedAt).toBe('2025-03-01T09:59:00.000Z');
    const done = await px.call('complete', complete('EXPIRED-1'));
    expect(done).toMatchObject({ status: 410, body: { code: '2215' } });
  });

  it('answers 2215 once 120 minutes have passed since the first retrieve', async () => {
    const clock = manualClock();
    const px = await openPxForTest({ now: clock.now, tokenTtlSeconds: 24 * 3600 });
    await px.call('retrieve', retrieve('T-LATE'));
    clock.advance(120 * 60_000);
    await px.call('retrieve', retrieve('T-LATE'));
    clock.advance(1);
    const done = await px.call('complete', complete('T-LATE'));
    expect(done).toMatchObject({ status: 410, body: { code: '2215' } });
  });

  it('keeps preparedAt across repeated retrieves of the same pair', async () => {
    const clock = manualClock();
    const px = await openPxForTest({ now: clock.now });
    const first = await px.call('retrieve', retrieve('T-IDEM'));
    clock.advance(10 * 60_000);
    const second = await px.call('retrieve', retrieve('T-IDEM'));
    expect(second.body).toEqual(first.body);
  });

  it('counts calls by route and grants, and echoes X-Correlation-ID', async () => {
    const px = await openPxForTest();
    const answer = await px.call('retrieve', retrieve('T-COUNT'), {
      'x-correlation-id': 'corr-123',
    });
    expect(answer.headers.get('x-correlation-id')).toBe('corr-123');
    const refused = await post(px.sandbox.url, 'send', send('T-COUNT'), {
      'x-correlation-id': 'corr-456',
    });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('x-correlation-id')).toBe('corr-456');
    await px.call('send', send('T-COUNT'));
    await px.call('acceptance', key('T-COUNT'));
    await px.call('complete', complete('T-COUNT'));

    expect(px.sandbox.calls()).toEqual({
      [PX_ROUTES.token]: 1,
      [PX_ROUTES.retrieveRcc]: 1,
      [PX_ROUTES.sendRcc]: 2,
      [PX_ROUTES.getRccAcceptance]: 1,
      [PX_ROUTES.completeOrder]: 1,
    });
    expect(px.sandbox.tokenGrants()).toBe(1);
    expect(px.sandbox.submittedOrders()).toBe(1);
  });

  it('serves an injected fault once, then the real answer', async () => {
    const px = await openPxForTest();
    await px.call('retrieve', retrieve('T-FAULT'));
    px.sandbox.injectFault(PX_ROUTES.completeOrder, {
      kind: 'status',
      status: 503,
      body: { down: true },
    });
    expect(await px.call('complete', complete('T-FAULT'))).toMatchObject({
      status: 503,
      body: { down: true },
    });
    expect((await px.call('complete', complete('T-FAULT'))).status).toBe(200);
  });
});

describe('Px sandbox malformed requests', () => {
  let px: PxSandboxHandle;
  let token: string;
  beforeAll(async () => {
    px = await startPxSandbox();
    token = await grantToken(px.url);
  });
  afterAll(() => px.close());

  const malformed = { code: '400', message: 'Malformed request' };

  it.each<[string, Route, string, string?]>([
    ['invalid JSON', 'retrieve', '{"partnerId":'],
    ['an empty body', 'retrieve', ''],
    ['a JSON array', 'retrieve', '[1,2]'],
    ['a JSON string', 'acceptance', '"hello"'],
    ['JSON null', 'acceptance', 'null'],
    ['a numeric partnerId', 'retrieve', JSON.stringify(retrieve('T-M', { partnerId: 1001 }))],
    [
      'an object transactionId',
      'acceptance',
      JSON.stringify({ ...key('T-M'), transactionId: { $ne: '' } }),
    ],
    ['a deliveryMethod of FAX', 'send', JSON.stringify(send('T-M', { deliveryMethod: 'FAX' }))],
    ['no deliveryMethod', 'send', JSON.stringify(send('T-M', { deliveryMethod: undefined }))],
    ['an empty destination', 'send', JSON.stringify(send('T-M', { destination: '' }))],
    [
      'rccAccepted as a string',
      'complete',
      JSON.stringify(complete('T-M', { rccAccepted: 'true' })),
    ],
    [
      'acceptanceMethod of FAX',
      'complete',
      JSON.stringify(complete('T-M', { acceptanceMethod: 'FAX' })),
    ],
    ['a numeric paymentToken', 'complete', JSON.stringify(complete('T-M', { paymentToken: 4242 }))],
    ['giftCards as a string', 'complete', JSON.stringify(complete('T-M', { giftCards: 'GC-1' }))],
    ['giftCards holding numbers', 'complete', JSON.stringify(complete('T-M', { giftCards: [1] }))],
    ['a __proto__ key', 'retrieve', '{"__proto__":{"x":1}}'],
    ['text/plain', 'retrieve', 'partnerId=P-1001', 'text/plain'],
  ])(
    'answers 400 Malformed request to %s',
    async (_name, route, raw, contentType = 'application/json') => {
      const response = await fetch(`${px.url}${PATHS[route]}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
        body: raw,
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual(malformed);
    },
  );

  it('answers a content type it does not speak with a Px-shaped body', async () => {
    const response = await fetch(`${px.url}/pxRetrieveRCC`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/xml' },
      body: '<x/>',
    });
    expect(response.status).toBe(415);
    expect(await response.json()).toEqual({ code: '415', message: 'Request refused' });
  });

  it('still serves well-formed calls after garbage', async () => {
    const answer = await post(px.url, 'retrieve', retrieve('T-AFTER'), {
      authorization: `Bearer ${token}`,
    });
    expect(answer.status).toBe(200);
  });
});

describe('Px order flow state (no HTTP)', () => {
  const input = (
    transactionId: string,
    overrides: Partial<CompleteOrderInput> = {},
  ): CompleteOrderInput => ({
    partnerId: 'P-1001',
    partnerOrderId: `PO-${transactionId}`,
    transactionId,
    salesCode: 'SC100',
    addressDetailId: 'ADDR-2',
    rccAccepted: true,
    acceptanceMethod: 'VERBAL',
    paymentToken: null,
    giftCards: [],
    ...overrides,
  });

  it('clears an electronic acceptance when a retrieve moves the order to another address', () => {
    const flow = createPxOrderFlow({ now: () => new Date('2025-03-01T12:00:00Z') });
    const order = input('T-MOVE', { acceptanceMethod: 'SMS' });
    expect(flow.retrieveRcc(order).ok).toBe(true);
    flow.sendRcc({ ...order, deliveryMethod: 'SMS', destination: '+15555550100' });
    expect(flow.getRccAcceptance(order)).toMatchObject({ ok: true, value: { accepted: true } });

    expect(flow.retrieveRcc({ ...order, addressDetailId: 'ADDR-1' }).ok).toBe(true);
    expect(flow.getRccAcceptance(order)).toMatchObject({ ok: true, value: { accepted: false } });
    expect(
      flow.completeOrder({ ...order, addressDetailId: 'ADDR-1', paymentToken: 'tok_visa' }),
    ).toEqual({
      ok: false,
      failure: { kind: 'rccNotAccepted' },
    });
  });

  it('keeps the first acceptance when a later send is declined', () => {
    const flow = createPxOrderFlow({ now: () => new Date('2025-03-01T12:00:00Z') });
    const order = input('T-KEEP', { acceptanceMethod: 'EMAIL' });
    flow.retrieveRcc(order);
    flow.sendRcc({ ...order, deliveryMethod: 'EMAIL', destination: 'a@example.com' });
    flow.sendRcc({ ...order, deliveryMethod: 'SMS', destination: 'decline' });
    expect(flow.getRccAcceptance(order)).toMatchObject({
      ok: true,
      value: { acceptanceMethod: 'EMAIL' },
    });
    expect(flow.completeOrder(order).ok).toBe(true);
  });

  it('does not charge a card for ADDR-2 unless one is given, and then authorizes it', () => {
    const flow = createPxOrderFlow({ now: () => new Date('2025-03-01T12:00:00Z') });
    flow.retrieveRcc(input('T-CARD'));
    expect(flow.completeOrder(input('T-CARD', { paymentToken: 'tok_declined' }))).toEqual({
      ok: false,
      failure: { kind: 'paymentDeclined' },
    });
    expect(flow.completeOrder(input('T-CARD', { paymentToken: '' })).ok).toBe(true);
  });

  it('gives every order its own order number', () => {
    const flow = createPxOrderFlow({ now: () => new Date('2025-03-01T12:00:00Z') });
    const numbers = new Set<string>();
    for (let index = 0; index < 200; index += 1) {
      const order = input(`T-N${String(index)}`);
      flow.retrieveRcc(order);
      const done = flow.completeOrder(order);
      if (!done.ok) throw new Error(`order ${String(index)} failed: ${done.failure.kind}`);
      numbers.add(done.value.orderNumber);
    }
    expect(numbers.size).toBe(200);
    expect(flow.submittedOrders()).toBe(200);
  });

  it('keeps state per flow instance', () => {
    const now = (): Date => new Date('2025-03-01T12:00:00Z');
    const first = createPxOrderFlow({ now });
    const second = createPxOrderFlow({ now });
    first.retrieveRcc(input('T-SHARED'));
    expect(second.getRccAcceptance(input('T-SHARED'))).toEqual({
      ok: false,
      failure: { kind: 'invalidTransactionId' },
    });
  });
});

describe('Px error rows and fixtures', () => {
  it('renders the payment-down row without a code and every other row with one', () => {
    const order = { transactionId: 'T-1', partnerOrderId: 'PO-1' };
    expect(
      renderPxError({ kind: 'paymentSystemDown', supportPhone: '1-800-555-0100' }, order),
    ).toEqual({
      status: 401,
      body: {
        message: 'Payment system is down please contact CenturyLink at 1-800-555-0100; TxID T-1',
      },
    });
    expect(renderPxError({ kind: 'invalidSalesCode' }, order)).toEqual({
      status: 401,
      body: { code: '2000', message: 'Missing or Invalid Sales Code; TxID T-1' },
    });
  });

  it('describes every fixture for the README', () => {
    for (const fixture of PX_FIXTURES) {
      expect(fixture.field).not.toBe('');
      expect(fixture.value).not.toBe('');
      expect(fixture.effect).not.toBe('');
    }
  });
});
