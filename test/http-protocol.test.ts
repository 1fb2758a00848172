import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BODY_LIMIT_BYTES } from '../src/http/routes.js';
import { useTestStack } from './helpers/app.js';

const LINE_QUERY = '{ mobileLine(businessId: "PR", msisdn: "16654555678") { __typename } }';
const SEND_MUTATION =
  'mutation { sendRcc(input: {order: {partnerId: "P-1001", partnerOrderId: "PO-1", transactionId: "TX-1"}, method: SMS, destination: "17875550123"}) { __typename } }';

/**
 * The HTTP door of /graphql: what a browser, a proxy or an attacker can send
 * that is not a well-formed GraphQL POST. Every refusal is a 4xx that costs no
 * upstream call.
 */
describe('GraphQL over HTTP: what the server refuses', () => {
  const stack = useTestStack();

  async function post(body: string | Buffer, headers: Record<string, string>) {
    const before = stack.upstreamCalls();
    // A Uint8Array, not the Buffer: a BodyInit under the DOM typings some dev dependencies pull in too.
    const sent = typeof body === 'string' ? body : new Uint8Array(body);
    const response = await fetch(stack.graphqlUrl, { method: 'POST', headers, body: sent });
    const text = await response.text();
    expect(stack.upstreamCalls() - before).toBe(0);
    return { status: response.status, text, headers: response.headers };
  }

  it('answers malformed JSON with 400', async () => {
    const response = await post('{"query": "{ __typename }"', {
      'content-type': 'application/json',
    });
    expect(response.status).toBe(400);
  });

  it('answers a JSON body that is not an operation with 400', async () => {
    for (const body of ['"just a string"', '42', 'null', '{"query": 42}', '{}']) {
      const response = await post(body, { 'content-type': 'application/json' });
      expect(response.status, body).toBe(400);
    }
  });

  it('refuses a text/plain POST, the CSRF "simple request", with 400', async () => {
    const response = await post(JSON.stringify({ query: SEND_MUTATION }), {
      'content-type': 'text/plain',
    });
    expect(response.status).toBe(400);
    expect(stack.px.callCount('POST /pxSendRCC')).toBe(0);
  });

  it('refuses form-encoded and multipart POSTs, the other simple requests', async () => {
    for (const contentType of [
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
    ]) {
      const response = await post(`query=${encodeURIComponent(SEND_MUTATION)}`, {
        'content-type': contentType,
      });
      expect(response.status, contentType).toBeGreaterThanOrEqual(400);
      expect(response.status, contentType).toBeLessThan(500);
    }
  });

  it('answers a body over 100 kB with 413, before parsing it', async () => {
    const padding = 'x'.repeat(BODY_LIMIT_BYTES + 1);
    const response = await post(JSON.stringify({ query: LINE_QUERY, variables: { padding } }), {
      'content-type': 'application/json',
    });
    expect(response.status).toBe(413);
  });

  it('takes a body just under the limit', async () => {
    const body = JSON.stringify({ query: '{ __typename }', variables: { padding: '' } });
    const padding = 'x'.repeat(BODY_LIMIT_BYTES - body.length - 1);
    const response = await post(
      JSON.stringify({ query: '{ __typename }', variables: { padding } }),
      { 'content-type': 'application/json' },
    );
    expect(response.status).toBe(200);
  });

  it('refuses a batched array of operations with 400: batching is off', async () => {
    const operation = { query: LINE_QUERY };
    const response = await post(JSON.stringify([operation, operation, operation]), {
      'content-type': 'application/json',
    });
    expect(response.status).toBe(400);
    expect(stack.dxp.callCount('GET /dxp-ux/v1/:businessId/productOrder')).toBe(0);
  });

  it('answers a mutation sent by GET with 405, naming POST as allowed', async () => {
    const before = stack.upstreamCalls();
    const response = await fetch(`${stack.graphqlUrl}?query=${encodeURIComponent(SEND_MUTATION)}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(stack.upstreamCalls() - before).toBe(0);
  });

  it('refuses a GET query without a CSRF-preventing header with 400, and serves it with one', async () => {
    const url = `${stack.graphqlUrl}?query=${encodeURIComponent('{ __typename }')}`;
    const bare = await fetch(url);
    expect(bare.status).toBe(400);
    expect(await bare.text()).toMatch(/CSRF/);

    const preflighted = await fetch(url, { headers: { 'apollo-require-preflight': 'true' } });
    expect(preflighted.status).toBe(200);
    expect(await preflighted.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('sends no CORS headers to a foreign origin, on a request or a preflight', async () => {
    const origin = 'https://evil.example';
    const request = await fetch(stack.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    await request.text();
    expect(request.headers.get('access-control-allow-origin')).toBeNull();
    expect(request.headers.get('access-control-allow-credentials')).toBeNull();

    const preflight = await fetch(stack.graphqlUrl, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    await preflight.text();
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.headers.get('access-control-allow-methods')).toBeNull();
  });

  it('echoes a safe X-Correlation-ID and replaces any other with a UUID, in the answer and the logs', async () => {
    const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    const SAFE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ unit: fc.constantFrom(...'ab9-_.:/ %"{}<>\\\t'.split('')), maxLength: 40 }),
          fc.stringMatching(SAFE),
          fc.integer({ min: 129, max: 4_000 }).map((length) => 'x'.repeat(length)),
        ),
        async (sent) => {
          const response = await fetch(stack.graphqlUrl, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-correlation-id': sent },
            body: JSON.stringify({ query: '{ __typename }' }),
          });
          await response.text();
          expect(response.status).toBe(200);
          const echoed = response.headers.get('x-correlation-id') ?? '';
          // Header values lose their surrounding whitespace on the way.
          if (SAFE.test(sent.trim())) expect(echoed).toBe(sent.trim());
          else expect(echoed).toMatch(UUID);
        },
      ),
      { numRuns: 60 },
    );
    const unsafe = 'x'.repeat(129);
    await fetch(stack.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-correlation-id': unsafe },
      body: JSON.stringify({ query: '{ __typename }' }),
    }).then((response) => response.text());
    expect(stack.logs.text()).not.toContain(unsafe);
  });

  it('never answers 5xx to a request line or headers it cannot use', async () => {
    const cases: { init: RequestInit; url?: string }[] = [
      { init: { method: 'PUT', body: '{}', headers: { 'content-type': 'application/json' } } },
      { init: { method: 'DELETE' } },
      { init: { method: 'POST', headers: { 'content-type': 'application/json' } } },
      { init: { method: 'POST', body: '{}', headers: { 'content-type': 'application/xml' } } },
      { init: { method: 'GET' }, url: `${stack.graphqlUrl}?query=%7B` },
      {
        init: { method: 'GET', headers: { 'apollo-require-preflight': 'true' } },
        url: `${stack.graphqlUrl}?query=${encodeURIComponent('{ __typename }')}&variables=%7Bnot-json`,
      },
    ];
    for (const { init, url } of cases) {
      const response = await fetch(url ?? stack.graphqlUrl, init);
      await response.text();
      expect(response.status, `${init.method ?? 'GET'} ${url ?? ''}`).toBeGreaterThanOrEqual(400);
      expect(response.status, `${init.method ?? 'GET'} ${url ?? ''}`).toBeLessThan(500);
    }
  });
});
