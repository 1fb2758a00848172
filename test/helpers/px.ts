import { randomUUID } from 'node:crypto';
import { onTestFinished } from 'vitest';
import { createLogger, type Logger } from '../../src/observability/logger.js';
import { createMetrics, type Metrics } from '../../src/observability/metrics.js';
import {
  PX_SANDBOX_CREDENTIALS,
  startPxSandbox,
  type PxSandboxHandle,
  type PxSandboxOptions,
} from '../../src/sandbox/px/server.js';
import type { CallContext } from '../../src/upstreams/call-context.js';
import { createUpstreamHttp } from '../../src/upstreams/http.js';
import { createPxClient } from '../../src/upstreams/px/client.js';
import type {
  PxClient,
  PxCompleteOrderRequest,
  PxRetrieveRccRequest,
} from '../../src/upstreams/px/types.js';
import { createTestResilience } from './resilience.js';

export function callContext(
  logger: Logger = createLogger('silent'),
  deadlineMs = 15_000,
): CallContext {
  return {
    correlationId: `corr-${randomUUID()}`,
    logger,
    deadline: Date.now() + deadlineMs,
  };
}

export interface PxHarness {
  sandbox: PxSandboxHandle;
  client: PxClient;
  metrics: Metrics;
}

/**
 * The real Px client, with its own pool, breaker and metrics, in front of a
 * fresh Px sandbox on a free loopback port, for the test that starts it: both
 * close when that test finishes. `baseUrl` puts something (a recording proxy)
 * between them.
 */
export async function startPxHarness(
  options: {
    sandbox?: PxSandboxOptions;
    timeoutMs?: number;
    /** Where the client sends Px calls, given the sandbox's origin; the sandbox itself by default. */
    baseUrl?: (sandboxUrl: string) => Promise<string>;
  } = {},
): Promise<PxHarness> {
  const sandbox = await startPxSandbox(options.sandbox);
  const metrics = createMetrics({ collectDefaults: false });
  const client = createPxClient({
    baseUrl: options.baseUrl ? await options.baseUrl(sandbox.url) : sandbox.url,
    tokenUrl: `${sandbox.url}/oauth/token`,
    credentials: { ...PX_SANDBOX_CREDENTIALS },
    timeoutMs: options.timeoutMs ?? 5_000,
    http: createUpstreamHttp('PX', metrics),
    resilience: createTestResilience('PX', metrics, 50),
    metrics,
  });
  onTestFinished(async () => {
    await client.close();
    await sandbox.close();
  });
  return { sandbox, client, metrics };
}

/** The harness with one order whose RCC Px has prepared, as every later call of the flow needs. */
export async function startPxHarnessWithOrder(
  options: Parameters<typeof startPxHarness>[0] = {},
): Promise<PxHarness & { key: PxRetrieveRccRequest }> {
  const harness = await startPxHarness(options);
  const key = retrieveRequest();
  await harness.client.retrieveRcc(key, callContext());
  return { ...harness, key };
}

export async function tokenGrantsCounted(metrics: Metrics): Promise<number> {
  const metric = await metrics.tokenGrants.get();
  return metric.values[0]?.value ?? 0;
}

/** A fresh order flow on the sandbox's fixtures: partner P-1001, sales code SC100. */
export function retrieveRequest(
  overrides: Partial<PxRetrieveRccRequest> = {},
): PxRetrieveRccRequest {
  return {
    partnerId: 'P-1001',
    partnerOrderId: `PO-${randomUUID()}`,
    transactionId: `TX-${randomUUID()}`,
    salesCode: 'SC100',
    addressDetailId: 'ADDR-2',
    ...overrides,
  };
}

export function completeRequest(
  retrieved: PxRetrieveRccRequest,
  overrides: Partial<PxCompleteOrderRequest> = {},
): PxCompleteOrderRequest {
  return {
    ...retrieved,
    rccAccepted: true,
    acceptanceMethod: 'VERBAL',
    paymentToken: null,
    giftCards: [],
    ...overrides,
  };
}
