import type { DestinationStream } from 'pino';
import type { Config } from './config.js';
import { createLogger, type Logger } from '../observability/logger.js';
import { createMetrics } from '../observability/metrics.js';
import { startTracing } from '../observability/tracing.js';
import { DXP_SANDBOX_CREDENTIALS, startDxpSandbox } from '../sandbox/dxp/server.js';
import {
  PX_SANDBOX_CREDENTIALS,
  startPxSandbox,
  type PxSandboxHandle,
} from '../sandbox/px/server.js';
import type { SandboxHandle } from '../sandbox/sandbox-server.js';
import { createServer, type SubgraphServer } from '../http/server.js';
import { createWiring, type ResolvedUpstreams, type Wiring } from './wiring.js';

export interface RunningApp {
  /** Origin of the subgraph, e.g. http://127.0.0.1:4001. */
  url: string;
  server: SubgraphServer;
  wiring: Wiring;
  logger: Logger;
  /** The embedded sandboxes this app started, when no real upstream was configured. */
  sandboxes: { dxp?: SandboxHandle; px?: PxSandboxHandle };
  close(): Promise<void>;
}

/**
 * Starts the subgraph: the embedded sandboxes for every upstream that has no
 * base URL configured, then the services and the HTTP server.
 */
export async function startApp(
  config: Config,
  options: { logDestination?: DestinationStream } = {},
): Promise<RunningApp> {
  const logger = createLogger(config.logLevel, options.logDestination);
  const sandboxes: RunningApp['sandboxes'] = {};
  const closeSandboxes = async () => {
    await Promise.all([sandboxes.dxp?.close(), sandboxes.px?.close()]);
  };
  let wiring: Wiring | undefined;
  let server: SubgraphServer | undefined;
  let stopTracing: (() => Promise<void>) | undefined;
  let port: number;
  try {
    // Before anything that checks whether it runs: the server, the upstream clients, Redis.
    if (config.tracing !== null) stopTracing = await startTracing(config.tracing);
    const upstreams = await resolveUpstreams(config, sandboxes, logger);
    wiring = createWiring(config, upstreams, logger, createMetrics());
    server = await createServer({
      services: wiring.services,
      readinessChecks: wiring.readinessChecks,
      upstreamProbes: wiring.upstreamProbes,
    });
    port = await server.listen(config.host, config.port);
  } catch (error) {
    // A start that fails (a port in use) must not leave sandboxes, pools or Redis open.
    await server?.close().catch(() => undefined);
    await wiring?.close();
    await closeSandboxes();
    await stopTracing?.();
    throw error;
  }

  return {
    url: `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`,
    server,
    wiring,
    logger,
    sandboxes,
    async close() {
      try {
        await server.close();
      } finally {
        await wiring.close();
        await closeSandboxes();
        // Last, so the spans of the requests that were finishing are exported.
        await stopTracing?.();
      }
    },
  };
}

async function resolveUpstreams(
  config: Config,
  sandboxes: RunningApp['sandboxes'],
  logger: Logger,
): Promise<ResolvedUpstreams> {
  let dxp: ResolvedUpstreams['dxp'];
  if (config.dxp.baseUrl !== null && config.dxp.credentials !== null) {
    dxp = { baseUrl: config.dxp.baseUrl, credentials: config.dxp.credentials };
  } else {
    sandboxes.dxp = await startDxpSandbox();
    dxp = { baseUrl: sandboxes.dxp.url, credentials: DXP_SANDBOX_CREDENTIALS };
    logger.info(
      { url: sandboxes.dxp.url },
      'DXP_BASE_URL not set: started the embedded dxp-ux sandbox',
    );
  }

  let px: ResolvedUpstreams['px'];
  if (config.px.baseUrl !== null && config.px.tokenUrl !== null && config.px.credentials !== null) {
    px = {
      baseUrl: config.px.baseUrl,
      tokenUrl: config.px.tokenUrl,
      credentials: config.px.credentials,
    };
  } else {
    sandboxes.px = await startPxSandbox();
    px = {
      baseUrl: sandboxes.px.url,
      tokenUrl: `${sandboxes.px.url}/oauth/token`,
      credentials: PX_SANDBOX_CREDENTIALS,
    };
    logger.info({ url: sandboxes.px.url }, 'PX_BASE_URL not set: started the embedded Px sandbox');
  }
  if (config.isProduction && (sandboxes.dxp || sandboxes.px)) {
    logger.warn('SANDBOX=true: production is answering from the embedded sandboxes (made-up data)');
  }
  return { dxp, px };
}
