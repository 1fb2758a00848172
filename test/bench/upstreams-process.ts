import { DXP_SANDBOX_CREDENTIALS, DXP_PRODUCT_ORDER_PATH } from '../../src/sandbox/dxp/server.js';
import { DXP_SEED_RESPONSE_TEXT } from '../../src/sandbox/dxp/seed-response.js';
import { startPxSandbox } from '../../src/sandbox/px/server.js';
import { startSandboxServer } from '../../src/sandbox/sandbox-server.js';
import { serveCommands } from './ipc.js';

/**
 * The upstreams, in a process of their own so their CPU is not counted as the
 * subject's: the Px sandbox as it is, and a dxp-ux emulator on the same
 * sandbox server (call counts, latency) that answers the seed's add-ons JSON
 * for every msisdn, since the dxp sandbox has only a handful of fixture lines
 * and the bench needs 50 distinct ones.
 */
export interface UpstreamUrls {
  dxp: string;
  px: string;
}

export interface UpstreamCounts {
  dxpCalls: number;
  pxCalls: Record<string, number>;
  tokenGrants: number;
}

const DXP_ROUTE = `GET ${DXP_PRODUCT_ORDER_PATH}`;

const px = await startPxSandbox({ tokenTtlSeconds: 3600 });
const dxp = await startSandboxServer((app) => {
  app.get(DXP_PRODUCT_ORDER_PATH, async (request, reply) => {
    if (
      request.headers['client_id'] !== DXP_SANDBOX_CREDENTIALS.clientId ||
      request.headers['client_secret'] !== DXP_SANDBOX_CREDENTIALS.clientSecret
    ) {
      return reply.code(401).send({ errors: [{ code: 401 }] });
    }
    return reply.code(200).type('application/json; charset=utf-8').send(DXP_SEED_RESPONSE_TEXT);
  });
});

serveCommands(
  JSON.stringify({ dxp: dxp.url, px: px.url } satisfies UpstreamUrls),
  {
    counts: (): UpstreamCounts => ({
      dxpCalls: dxp.callCount(DXP_ROUTE),
      pxCalls: px.calls(),
      tokenGrants: px.tokenGrants(),
    }),
    setLatency: (ms) => {
      px.setLatency(Number(ms));
      dxp.setLatency(Number(ms));
      return true;
    },
  },
  async () => {
    await Promise.all([px.close(), dxp.close()]);
  },
);
