import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import pMap from 'p-map';
import { Agent } from 'undici';
import { DXP_SANDBOX_CREDENTIALS } from '../../src/sandbox/dxp/server.js';
import { PX_SANDBOX_CREDENTIALS } from '../../src/sandbox/px/server.js';
import { serveCommands } from './ipc.js';

/**
 * The baseline: what the subgraph's work costs without GraphQL. A bare
 * `node:http` server that makes the same upstream calls (same pool, same
 * headers, same fan-out bound, one cached OAuth2 token) and reshapes the JSON
 * into what the GraphQL query returns. No validation, limits, metrics or logs.
 */
export interface RawLinesRequest {
  businessId: string;
  msisdns: string[];
}
export interface RawRccRequest {
  order: { partnerId: string; partnerOrderId: string; transactionId: string };
  salesCode: string;
  addressDetailId: string;
}

const dxpUrl = requiredEnv('BENCH_DXP_URL');
const pxUrl = requiredEnv('BENCH_PX_URL');
const pool = new Agent({ connections: 128, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 60_000 });
const FAN_OUT = 10;

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is required`);
  return value;
}

interface DxpPrice {
  name: string;
  description?: string;
  price: { dutyFreeAmount: { unit: string; value: number } };
}
interface DxpItem {
  product: { id: string; name: string; '@type'?: string };
  productOrderItem?: { product: { id: string; name: string }; itemPrice: DxpPrice[] }[];
}
interface DxpOrder {
  note?: { text: string }[];
  productOrderItem?: DxpItem[];
}

async function line(businessId: string, msisdn: string, correlationId: string) {
  const query = new URLSearchParams({ 'channel.name': 'Digital', 'relatedParty.id': msisdn });
  const response = await pool.request({
    origin: dxpUrl,
    path: `/dxp-ux/v1/${encodeURIComponent(businessId)}/productOrder?${query.toString()}`,
    method: 'GET',
    headers: {
      client_id: DXP_SANDBOX_CREDENTIALS.clientId,
      client_secret: DXP_SANDBOX_CREDENTIALS.clientSecret,
      'X-Correlation-ID': correlationId,
      accept: 'application/json',
    },
  });
  const orders = JSON.parse(await response.body.text()) as DxpOrder[];
  const plan = orders.flatMap((order) => order.productOrderItem ?? [])[0];
  if (response.statusCode !== 200 || !plan) return { __typename: 'LineNotFoundError' };
  const note = orders.flatMap((order) => order.note ?? [])[0]?.text ?? '';
  return {
    __typename: 'MobileLine',
    planType: /postpaid/i.test(note) ? 'POSTPAID' : /prepaid/i.test(note) ? 'PREPAID' : null,
    plan: { id: plan.product.id, name: plan.product.name },
    addons: (plan.productOrderItem ?? []).map((addon) => ({
      product: { id: addon.product.id, name: addon.product.name },
      prices: addon.itemPrice.map((price) => ({
        name: price.name,
        description: price.description ?? null,
        dutyFreeAmount: {
          amount: String(price.price.dutyFreeAmount.value),
          currency: price.price.dutyFreeAmount.unit,
        },
      })),
    })),
  };
}

let token: { value: Promise<string>; expiresAt: number } | undefined;
let grants = 0;

function bearer(): Promise<string> {
  if (token && token.expiresAt > Date.now()) return token.value;
  const value = (async () => {
    const basic = Buffer.from(
      `${PX_SANDBOX_CREDENTIALS.clientId}:${PX_SANDBOX_CREDENTIALS.clientSecret}`,
    ).toString('base64');
    const response = await pool.request({
      origin: pxUrl,
      path: '/oauth/token',
      method: 'POST',
      headers: {
        authorization: `Basic ${basic}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    const body = (await response.body.json()) as { access_token: string; expires_in: number };
    grants += 1;
    if (token) token.expiresAt = Date.now() + (body.expires_in - 60) * 1000;
    return body.access_token;
  })();
  token = { value, expiresAt: Number.POSITIVE_INFINITY };
  return value;
}

async function px(route: string, body: unknown, correlationId: string): Promise<unknown> {
  const response = await pool.request({
    origin: pxUrl,
    path: `/${route}`,
    method: 'POST',
    headers: {
      authorization: `Bearer ${await bearer()}`,
      'X-Correlation-ID': correlationId,
      'content-type': 'application/json',
      accept: 'application/json',
    },
    body: JSON.stringify(body),
  });
  return response.body.json();
}

interface PxRcc {
  partnerOrderId: string;
  transactionId: string;
  preparedAt: string;
  rcc: {
    sections: { title: string; text: string }[];
    charges: { name: string; amount: string; currency: string; recurrence: string }[];
    taxEstimate?: { amount: string; currency: string };
  };
}
interface PxAcceptance {
  accepted: boolean;
  acceptanceMethod: string | null;
  acceptedAt: string | null;
}

const EXPIRY_MS = 120 * 60_000;

async function disclosure(request: RawRccRequest, correlationId: string) {
  const rcc = (await px(
    'pxRetrieveRCC',
    { ...request.order, salesCode: request.salesCode, addressDetailId: request.addressDetailId },
    correlationId,
  )) as PxRcc;
  const acceptance = (await px('pxGetRCCAcceptance', request.order, correlationId)) as PxAcceptance;
  return {
    __typename: 'RccDisclosure',
    partnerOrderId: rcc.partnerOrderId,
    transactionId: rcc.transactionId,
    text: rcc.rcc.sections.map((section) => `${section.title}\n${section.text}`).join('\n\n'),
    preparedAt: rcc.preparedAt,
    expiresAt: new Date(Date.parse(rcc.preparedAt) + EXPIRY_MS).toISOString(),
    sections: rcc.rcc.sections,
    charges: rcc.rcc.charges.map((charge) => ({
      name: charge.name,
      recurrence: charge.recurrence,
      amount: { amount: charge.amount, currency: charge.currency },
    })),
    taxEstimate: rcc.rcc.taxEstimate ?? null,
    acceptance: acceptance.accepted
      ? { method: acceptance.acceptanceMethod, acceptedAt: acceptance.acceptedAt }
      : null,
  };
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const sent = request.headers['x-correlation-id'];
  const correlationId = typeof sent === 'string' && sent !== '' ? sent : randomUUID();
  let data: unknown;
  if (request.url === '/lines') {
    const body = (await readJson(request)) as RawLinesRequest;
    data = {
      mobileLines: await pMap(
        body.msisdns,
        (msisdn) => line(body.businessId, msisdn, correlationId),
        {
          concurrency: FAN_OUT,
        },
      ),
    };
  } else if (request.url === '/rcc') {
    data = {
      rccDisclosure: await disclosure((await readJson(request)) as RawRccRequest, correlationId),
    };
  } else {
    response.writeHead(404).end();
    return;
  }
  const payload = JSON.stringify({ data });
  response.writeHead(200, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
    'x-correlation-id': correlationId,
  });
  response.end(payload);
}

const server = createServer((request, response) => {
  handle(request, response).catch(() => {
    if (!response.headersSent) response.writeHead(502);
    response.end();
  });
});
server.keepAliveTimeout = 65_000;
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;

serveCommands(`http://127.0.0.1:${String(port)}`, { tokenGrants: () => grants }, async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await pool.close();
});
