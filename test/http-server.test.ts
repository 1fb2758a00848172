import { request as httpRequest, Agent } from 'node:http';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startTestStack, useTestStack } from './helpers/app.js';

const ALLOWED = 'https://shop.example';
const TYPENAME = JSON.stringify({ query: '{ __typename }' });

/**
 * The server around /graphql: its routes, CORS for the configured origins,
 * the bodies it refuses and how it lets go of keep-alive connections when it
 * stops.
 */
describe('the HTTP server', () => {
  const stack = useTestStack({ CORS_ORIGINS: ALLOWED });

  it('allows a configured origin on a request and a preflight, without credentials', async () => {
    const answer = await fetch(stack.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: ALLOWED },
      body: TYPENAME,
    });
    expect(await answer.json()).toEqual({ data: { __typename: 'Query' } });
    expect(answer.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(answer.headers.get('vary')).toMatch(/origin/i);
    expect(answer.headers.get('access-control-allow-credentials')).toBeNull();

    const preflight = await fetch(stack.graphqlUrl, {
      method: 'OPTIONS',
      headers: {
        origin: ALLOWED,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET,POST');
    expect(preflight.headers.get('access-control-allow-headers')).toBe('content-type');
  });

  it('allows no other origin, even with an allowed origin configured', async () => {
    const answer = await fetch(stack.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://shop.example.evil' },
      body: TYPENAME,
    });
    await answer.text();
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers an unknown path with 404 and a write to an operational endpoint with 405', async () => {
    const unknown = await fetch(`${stack.app.url}/graphq`, { method: 'POST', body: TYPENAME });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ errors: [{ extensions: { code: 'NOT_FOUND' } }] });

    for (const path of ['/health', '/health/ready', '/metrics']) {
      const write = await fetch(`${stack.app.url}${path}`, { method: 'POST', body: '{}' });
      await write.text();
      expect(write.status, path).toBe(405);
      expect(write.headers.get('allow'), path).toBe('GET, HEAD');
    }
    const head = await fetch(`${stack.app.url}/health`, { method: 'HEAD' });
    expect(head.status).toBe(200);
  });

  it('refuses a body in a charset it does not read with 415, and reads a declared UTF-8 one', async () => {
    const exotic = await fetch(stack.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=x-unknown' },
      body: TYPENAME,
    });
    expect(exotic.status).toBe(415);
    expect(await exotic.json()).toMatchObject({
      errors: [{ extensions: { code: 'UNSUPPORTED_MEDIA_TYPE' } }],
    });

    const utf8 = await fetch(stack.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=UTF-8' },
      body: TYPENAME,
    });
    expect(await utf8.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('refuses prototype keys in a body with 400 before any GraphQL work', async () => {
    for (const body of [
      '{"query": "{ __typename }", "variables": {"__proto__": {"polluted": true}}}',
      '{"query": "{ __typename }", "extensions": {"constructor": {"prototype": {"polluted": true}}}}',
    ]) {
      const answer = await fetch(stack.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(answer.status, body).toBe(400);
      expect(await answer.json(), body).toMatchObject({
        errors: [{ extensions: { code: 'BAD_REQUEST' } }],
      });
    }
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('the HTTP server, stopping', () => {
  it('tells the client of an in-flight answer that its keep-alive connection closes', async () => {
    const stack = await startTestStack({ DXP_TIMEOUT_MS: '3000' });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const post = (body: string) =>
      new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
        const sent = httpRequest(
          stack.graphqlUrl,
          { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
          (answer) => {
            answer.resume();
            answer.on('end', () =>
              resolve({ status: answer.statusCode ?? 0, connection: answer.headers.connection }),
            );
          },
        );
        sent.on('error', reject);
        sent.end(body);
      });
    try {
      // One request opens the kept-alive connection, a slow line holds it in flight.
      expect((await post(TYPENAME)).connection).toBe('keep-alive');
      stack.dxp.setLatency(600);
      const inFlight = post(
        JSON.stringify({
          query: '{ mobileLine(businessId: "PR", msisdn: "16654555678") { __typename } }',
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      const closed = stack.close();
      const answered = await inFlight;
      expect(answered.status).toBe(200);
      expect(answered.connection).toBe('close');
      await closed;
    } finally {
      agent.destroy();
      await stack.close().catch(() => undefined);
    }
  });

  it('does no work for a request that arrives on an open connection once it is stopping', async () => {
    const stack = await startTestStack();
    const { hostname, port, pathname } = new URL(stack.graphqlUrl);
    const socket = connect({ host: hostname, port: Number(port) });
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
    });
    const ended = new Promise((resolve) => socket.once('close', resolve));
    const raw = (body: string) =>
      `POST ${pathname} HTTP/1.1\r\nhost: ${hostname}\r\ncontent-type: application/json\r\n` +
      `content-length: ${String(Buffer.byteLength(body))}\r\n\r\n${body}`;
    try {
      stack.dxp.setLatency(600);
      // A slow line keeps the connection busy, so stopping cannot close it as idle.
      socket.write(
        raw(
          JSON.stringify({
            query: '{ mobileLine(businessId: "PR", msisdn: "16654555678") { __typename } }',
          }),
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      const closed = stack.close();
      // Pipelined behind the slow one: its answer could never be delivered,
      // because the first answer closes the connection.
      socket.write(
        raw(
          JSON.stringify({
            query: '{ mobileLine(businessId: "PR", msisdn: "17875550123") { __typename } }',
          }),
        ),
      );
      await closed;
      await ended;
      const statuses = [...received.matchAll(/^HTTP\/1\.1 (\d{3})/gm)].map((match) => match[1]);
      expect(statuses).toEqual(['200']);
      expect(received).toMatch(/^connection: close/im);
      expect(stack.dxp.callCount('GET /dxp-ux/v1/:businessId/productOrder')).toBe(1);
    } finally {
      socket.destroy();
      await stack.close().catch(() => undefined);
    }
  });
});
