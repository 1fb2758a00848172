import { createConnection, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { LINGER_MS } from '../src/http/lingering-close.js';
import { useTestStack, type TestStack } from './helpers/app.js';

const SECRET = 'connections-router-secret-0001';
const REQUEST_TIMEOUT_MS = 1_000;
const TYPENAME = JSON.stringify({ query: '{ __typename }' });

interface Exchange {
  /** Everything the server sent, as text. */
  received: string;
  /** From the connection to its close. */
  ms: number;
  /** The socket error the client met (a reset, or EPIPE writing to a closed connection), if any. */
  error: string | undefined;
}

/**
 * A raw connection to the stack, as a client that does not wait for the
 * server's answer before writing (no `Expect: 100-continue`): `talk` writes
 * on it while it is open; resolves once the server has closed it.
 */
function exchange(stack: TestStack, talk: (socket: Socket) => Promise<void>): Promise<Exchange> {
  const { hostname, port } = new URL(stack.app.url);
  const socket = createConnection({ host: hostname, port: Number(port) });
  const startedAt = performance.now();
  let received = '';
  let error: string | undefined;
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => {
    received += chunk;
  });
  socket.on('error', (failure: NodeJS.ErrnoException) => {
    error ??= failure.code ?? failure.message;
  });
  const closed = new Promise<Exchange>((resolve) =>
    socket.once('close', () => resolve({ received, ms: performance.now() - startedAt, error })),
  );
  socket.once('connect', () => {
    void talk(socket).catch(() => undefined);
  });
  return closed;
}

function head(length: number, headers: Record<string, string> = {}): string {
  const lines = Object.entries({
    host: 'subgraph',
    'content-type': 'application/json',
    'content-length': String(length),
    ...headers,
  }).map(([name, value]) => `${name}: ${value}\r\n`);
  return `POST /graphql HTTP/1.1\r\n${lines.join('')}\r\n`;
}

const statusOf = (received: string) => /^HTTP\/1\.1 (\d{3})/.exec(received)?.[1];

/** Writes `bytes` at `intervalMs` until the socket closes or `limit` chunks were sent. */
async function trickle(socket: Socket, bytes: string, intervalMs: number, limit = 200) {
  for (let sent = 0; sent < limit && socket.writable; sent++) {
    socket.write(bytes);
    await sleep(intervalMs);
  }
}

const secret = { 'router-authorization': SECRET };

// With the default request timeout: a refusal must not depend on how long the body takes on a busy machine.
describe('connections the server refuses', () => {
  const stack = useTestStack({ ROUTER_SECRET: SECRET });

  it('answers a 5 MB body written in one go with its 413, then closes the connection', async () => {
    const body = `{"query":"${'x'.repeat(5 * 1024 * 1024)}"}`;
    const answer = await exchange(stack, async (socket) => {
      socket.write(head(body.length, secret) + body);
    });
    expect(statusOf(answer.received)).toBe('413');
    expect(answer.received).toMatch(/^connection: close\r$/im);
    expect(answer.received).toContain('PAYLOAD_TOO_LARGE');
    expect(answer.error).toBeUndefined();

    // fetch gives up on a request whose body it could not finish writing.
    const fetched = await fetch(stack.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...secret },
      body,
    });
    expect(fetched.status).toBe(413);
  });

  it('answers a body without the router secret with its 401, then closes the connection', async () => {
    const body = `{"query":"${'x'.repeat(5 * 1024 * 1024)}"}`;
    const answer = await exchange(stack, async (socket) => {
      socket.write(head(body.length) + body);
    });
    expect(statusOf(answer.received)).toBe('401');
    expect(answer.received).toMatch(/^connection: close\r$/im);
    expect(answer.error).toBeUndefined();
  });

  it('stops reading an unauthenticated body that does not end, within the lingering bounds', async () => {
    const chunk = 'x'.repeat(64 * 1024);
    const answer = await exchange(stack, (socket) => {
      socket.write(head(1024 * 1024 * 1024));
      // Far more than the lingering bounds allow: 64 kB every 5 ms, 2,000 times.
      return trickle(socket, chunk, 5, 2_000);
    });
    expect(statusOf(answer.received)).toBe('401');
    // Stopped by whichever bound comes first: LINGER_MS, or LINGER_MAX_BYTES (reached in well under a second here).
    expect(answer.ms).toBeLessThan(LINGER_MS + 3_000);
  });
});

describe('connections the server cuts off or keeps', () => {
  const stack = useTestStack({
    ROUTER_SECRET: SECRET,
    HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
  });

  it('cuts off a body sent a byte at a time with 408, in seconds', async () => {
    const answer = await exchange(stack, (socket) => {
      socket.write(head(1_000, secret));
      return trickle(socket, 'x', 100);
    });
    expect(statusOf(answer.received)).toBe('408');
    expect(answer.ms).toBeLessThan(REQUEST_TIMEOUT_MS + 3_000);
  });

  it('cuts off headers sent a byte at a time with 408, in seconds', async () => {
    const answer = await exchange(stack, (socket) => {
      socket.write('POST /graphql HTTP/1.1\r\nhost: subgraph\r\nx-slow: ');
      return trickle(socket, 'x', 100);
    });
    expect(statusOf(answer.received)).toBe('408');
    expect(answer.ms).toBeLessThan(REQUEST_TIMEOUT_MS + 3_000);
  });

  it('keeps an idle keep-alive connection open for longer than a request may take to arrive', async () => {
    const answer = await exchange(stack, async (socket) => {
      socket.write(head(TYPENAME.length, secret) + TYPENAME);
      await sleep(REQUEST_TIMEOUT_MS * 2);
      socket.write(head(TYPENAME.length, { ...secret, connection: 'close' }) + TYPENAME);
    });
    const statuses = [...answer.received.matchAll(/^HTTP\/1\.1 (\d{3})/gm)].map((m) => m[1]);
    expect(statuses).toEqual(['200', '200']);
    expect(answer.ms).toBeGreaterThan(REQUEST_TIMEOUT_MS * 2);
  });
});
