import { createConnection, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { PX_ROUTES } from '../src/sandbox/px/server.js';
import { graphql, type Outcome } from './helpers/app.js';
import { disclose } from './helpers/order-flow.js';
import { COMPLETE_ORDER, completeInput, newOrderKey } from './helpers/px-operations.js';
import { runSubgraphProcessToExit, startSubgraphProcess } from './helpers/subgraph-process.js';
import { useSandboxes } from './helpers/sandbox-env.js';

/** Whether anything accepts a TCP connection at `url`'s host and port. */
function acceptsConnections(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = createConnection({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

// Each test spawns the real entry point through tsx: slow on a busy machine.
describe('the subgraph process', { timeout: 60_000 }, () => {
  const sandboxes = useSandboxes();

  it('on SIGTERM refuses new connections, finishes an in-flight completeOrder, and exits 0', async () => {
    const subgraph = await startSubgraphProcess(sandboxes.env());
    try {
      const order = newOrderKey();
      expect((await disclose(subgraph, order)).__typename).toBe('RccDisclosure');

      // Px takes the order, then takes its time to say so.
      sandboxes.px.injectFault(PX_ROUTES.completeOrder, { kind: 'delay', ms: 3_000 });
      const completing = graphql<{ completeOrder: Outcome }>(
        subgraph.graphqlUrl,
        COMPLETE_ORDER,
        completeInput(order),
      );
      await waitUntil(() => sandboxes.px.callCount(PX_ROUTES.completeOrder) === 1);

      subgraph.signal('SIGTERM');
      await subgraph.waitForLog((record) => String(record['msg']).startsWith('shutting down'));
      // Once the process has said it is shutting down it no longer listens.
      await waitUntil(async () => !(await acceptsConnections(subgraph.url)));

      const completed = await completing;
      expect(completed.status).toBe(200);
      expect(completed.body.data?.completeOrder).toMatchObject({
        __typename: 'OrderCompleted',
        replayed: false,
      });
      expect(await subgraph.exited).toEqual({ code: 0, signal: null });
      expect(sandboxes.px.submittedOrders()).toBeGreaterThanOrEqual(1);
      expect(await acceptsConnections(subgraph.url)).toBe(false);
      expect(subgraph.records().map((record) => record['msg'])).toContain('stopped');
    } finally {
      await subgraph.stop();
    }
  });

  it('exits within its grace period when a request never finishes, saying so', async () => {
    // The grace period is REQUEST_DEADLINE_MS and a small margin.
    const subgraph = await startSubgraphProcess({
      ...sandboxes.env(),
      REQUEST_DEADLINE_MS: '500',
    });
    const stalled = await holdRequestOpen(subgraph.url);
    try {
      subgraph.signal('SIGTERM');
      expect(await subgraph.exited).toEqual({ code: 1, signal: null });
      expect(subgraph.records().map((record) => record['msg'])).toContain(
        'in-flight requests did not finish within the grace period',
      );
    } finally {
      stalled.destroy();
      await subgraph.stop();
    }
  });

  it('exits at once on a second signal while it waits for in-flight requests', async () => {
    const subgraph = await startSubgraphProcess(sandboxes.env());
    const stalled = await holdRequestOpen(subgraph.url);
    try {
      subgraph.signal('SIGTERM');
      await subgraph.waitForLog((record) => String(record['msg']).startsWith('shutting down'));
      subgraph.signal('SIGINT');
      expect(await subgraph.exited).toEqual({ code: 1, signal: null });
      const messages = subgraph.records().map((record) => record['msg']);
      expect(messages).toContain('second signal while shutting down; exiting now');
      expect(messages).not.toContain('in-flight requests did not finish within the grace period');
    } finally {
      stalled.destroy();
      await subgraph.stop();
    }
  });

  const badConfigurations: { env: Record<string, string>; variable: string; value: string }[] = [
    { env: { PORT: 'abc' }, variable: 'PORT', value: 'abc' },
    {
      env: { DXP_BASE_URL: 'http://dxp.internal.example:8443' },
      variable: 'DXP_CLIENT_ID',
      value: 'dxp.internal.example',
    },
    { env: { PX_BASE_URL: 'ht!tp:/px-hidden-host' }, variable: 'PX_BASE_URL', value: 'px-hidden' },
    {
      env: { ROUTER_SECRET: 'tiny-secret' },
      variable: 'ROUTER_SECRET',
      value: 'tiny-secret',
    },
    {
      env: { REDIS_URL: 'redis://:pa55word@[bad' },
      variable: 'REDIS_URL',
      value: 'pa55word',
    },
  ];
  it.each(badConfigurations)(
    'refuses to start with a bad $variable: one line naming it, not its value',
    async ({ env, variable, value }) => {
      const result = await runSubgraphProcessToExit(env);
      expect(result.code).not.toBe(0);
      expect(result.code).not.toBeNull();
      expect(result.stdout).toBe('');
      const lines = result.stderr.split('\n').filter((line) => line.trim() !== '');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(variable);
      expect(lines[0]).not.toContain(value);
    },
  );

  it('stops start-up on a port already in use with one line and a non-zero exit', async () => {
    const taken = new URL(sandboxes.dxp.url).port;
    const result = await runSubgraphProcessToExit({ ...sandboxes.env(), PORT: taken });
    expect(result.code).toBe(1);
    const lines = result.stderr.split('\n').filter((line) => line.trim() !== '');
    expect(lines).toEqual([expect.stringMatching(/^Start-up failed: .*EADDRINUSE/)]);
  });

  // `npm start` is the README's own command: it builds first, so it gets longer.
  it.each([{ launch: 'tsx' as const }, { launch: 'npm-start' as const }])(
    'started by $launch with no upstream configured, starts the embedded sandboxes and answers the seed line',
    { timeout: 180_000 },
    async ({ launch }) => {
      const subgraph = await startSubgraphProcess({ NODE_ENV: 'development' }, launch);
      try {
        const messages = subgraph.records().map((record) => String(record['msg']));
        expect(messages).toContain('DXP_BASE_URL not set: started the embedded dxp-ux sandbox');
        expect(messages).toContain('PX_BASE_URL not set: started the embedded Px sandbox');

        const response = await graphql<{ mobileLine: Outcome }>(
          subgraph.graphqlUrl,
          `
            query SeedLine {
              mobileLine(businessId: "PR", msisdn: "16654555678") {
                __typename
                ... on MobileLine {
                  planType
                  plan {
                    id
                  }
                  addons {
                    product {
                      id
                    }
                  }
                }
              }
            }
          `,
        );
        expect(response.body.errors).toBeUndefined();
        expect(response.body.data?.mobileLine).toEqual({
          __typename: 'MobileLine',
          planType: 'POSTPAID',
          plan: { id: 'PR_B2C_ULT_Extra_MB_Line' },
          addons: [
            { product: { id: 'PR_B2C_Liberty_Home_Roadside_Assistance' } },
            { product: { id: 'PR_B2C_Mobile_IntRmg_Voice' } },
            { product: { id: 'PR_B2C_Mobile_Pospaid_International_Calling_Voice' } },
          ],
        });
        await subgraph.stop();
        // Behind npm, the exit code is npm's: the entry point's own word is that it stopped cleanly.
        expect(subgraph.records().map((record) => record['msg'])).toContain('stopped');
      } finally {
        await subgraph.stop();
      }
    },
  );
});

/**
 * A request whose body never arrives, which holds its connection (and so a
 * graceful close) open. Resolves once the server's 100 Continue says it has
 * taken the request on.
 */
async function holdRequestOpen(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  const socket = createConnection({ host: hostname, port: Number(port) });
  socket.on('error', () => undefined);
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  const continued = new Promise<void>((resolve) =>
    socket.once('data', (chunk: Buffer) => {
      if (chunk.toString('utf8').startsWith('HTTP/1.1 100')) resolve();
    }),
  );
  socket.write(
    'POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\nExpect: 100-continue\r\n\r\n',
  );
  await continued;
  socket.write('{"query":');
  return socket;
}

async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
