import { ApolloGateway } from '@apollo/gateway';
import dns from 'node:dns';
import { lookup } from 'node:dns/promises';
import { once } from 'node:events';
import { createServer, connect, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { composeForApolloGateway } from '../../schema/supergraph/supergraph.js';
import { OutsideLoopbackError, takeRefusals } from './loopback-guard.js';

// TEST-NET-3 (RFC 5737): documentation only, never routed.
const TEST_NET = '203.0.113.1';

async function connectionError(host: string, port: number): Promise<unknown> {
  const socket = connect({ host, port });
  const [error] = (await once(socket, 'error')) as [unknown];
  return error;
}

describe('the loopback-only guard every test process runs under (test/setup/vitest-setup.ts)', () => {
  afterEach(() => {
    // Each test takes the refusals it caused; anything left would fail it in the set-up's hook.
    expect(takeRefusals()).toEqual([]);
  });

  it('refuses a connection outside loopback, naming the host, before any packet leaves', async () => {
    const error = await connectionError(TEST_NET, 80);
    expect(error).toBeInstanceOf(OutsideLoopbackError);
    expect((error as Error).message).toContain(`${TEST_NET}:80`);

    const fetched = await fetch(`http://${TEST_NET}/`).catch((caught: unknown) => caught);
    expect(fetched).toBeInstanceOf(TypeError);
    expect(((fetched as TypeError).cause as Error).message).toContain(TEST_NET);

    expect(takeRefusals()).toEqual([
      `a connection to ${TEST_NET}:80`,
      `a connection to ${TEST_NET}:80`,
    ]);
  });

  it('refuses to look up a name outside loopback, by callback and by promise', async () => {
    const byCallback = await new Promise<unknown>((resolve) =>
      dns.lookup('metadata.google.internal', (error) => resolve(error)),
    );
    expect(byCallback).toBeInstanceOf(OutsideLoopbackError);
    await expect(lookup('metadata.google.internal')).rejects.toThrow(/metadata\.google\.internal/);
    expect(takeRefusals()).toEqual([
      'a lookup of metadata.google.internal',
      'a lookup of metadata.google.internal',
    ]);
  });

  it('lets 127.0.0.1 and localhost through', async () => {
    const server = createServer((socket) => socket.end('hello'));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    try {
      for (const host of ['127.0.0.1', 'localhost']) {
        const socket = connect({ host, port, family: 4 });
        const chunks: Buffer[] = [];
        socket.on('data', (chunk: Buffer) => chunks.push(chunk));
        await once(socket, 'end');
        expect(Buffer.concat(chunks).toString()).toBe('hello');
      }
      await expect(lookup('localhost', { family: 4 })).resolves.toMatchObject({
        address: '127.0.0.1',
      });
    } finally {
      server.close();
    }
  });

  it('catches what @apollo/gateway probes unless APOLLO_TELEMETRY_DISABLED=true, which the set-up sets', async () => {
    expect(process.env['APOLLO_TELEMETRY_DISABLED']).toBe('true');
    const { supergraphSdl } = composeForApolloGateway();

    const quiet = new ApolloGateway({ supergraphSdl });
    await quiet.load();
    await quiet.stop();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(takeRefusals()).toEqual([]);

    vi.stubEnv('APOLLO_TELEMETRY_DISABLED', '');
    const probing = new ApolloGateway({ supergraphSdl });
    vi.unstubAllEnvs();
    await probing.load();
    const refused: string[] = [];
    await vi.waitFor(
      () => {
        refused.push(...takeRefusals());
        expect(refused).toContain('a connection to 169.254.169.254:80');
      },
      { timeout: 5_000, interval: 50 },
    );
    await probing.stop();
    // The GCP detector keeps retrying through its own timers; let them settle, then take what they tried.
    await new Promise((resolve) => setTimeout(resolve, 500));
    takeRefusals();
  });
});
