import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TypedError } from '../src/errors.js';
import { createLineByKeyLoader } from '../src/loaders/line-by-key.js';
import { createLogger } from '../src/observability/logger.js';
import { createMetrics } from '../src/observability/metrics.js';
import {
  DXP_PRODUCT_ORDER_ROUTE,
  DXP_SANDBOX_CREDENTIALS,
  startDxpSandbox,
} from '../src/sandbox/dxp/server.js';
import type { SandboxHandle } from '../src/sandbox/sandbox-server.js';
import { createMemoryLineCache, lineKeyString, type LineCache } from '../src/store/line-cache.js';
import type { CallContext } from '../src/upstreams/call-context.js';
import { createDxpClient } from '../src/upstreams/dxp/client.js';
import type { DxpClient, LineKey } from '../src/upstreams/dxp/types.js';
import { createUpstreamHttp } from '../src/upstreams/http.js';
import { createTestResilience } from './helpers/resilience.js';

const ROUTE = DXP_PRODUCT_ORDER_ROUTE;
const SEED: LineKey = { businessId: 'PR', msisdn: '16654555678' };
const PREPAID: LineKey = { businessId: 'PR', msisdn: '17875550101' };
const JAMAICA: LineKey = { businessId: 'JM', msisdn: '18765550101' };
const UNKNOWN: LineKey = { businessId: 'PR', msisdn: '17875559999' };

let sandbox: SandboxHandle;
let closers: (() => Promise<void>)[];

beforeEach(async () => {
  sandbox = await startDxpSandbox({ host: '127.0.0.1', port: 0 });
  closers = [];
});

afterEach(async () => {
  await Promise.all(closers.map((close) => close()));
  await sandbox.close();
});

/** The real client over HTTP, counting the reads it was asked for, line by line. */
function countingDxp(): { dxp: DxpClient; reads: Map<string, number>; maxInFlight: () => number } {
  const metrics = createMetrics({ collectDefaults: false });
  const real = createDxpClient({
    baseUrl: sandbox.url,
    credentials: { ...DXP_SANDBOX_CREDENTIALS },
    timeoutMs: 2_000,
    http: createUpstreamHttp('DXP', metrics),
    resilience: createTestResilience('DXP', metrics),
  });
  closers.push(() => real.close());
  const reads = new Map<string, number>();
  let inFlight = 0;
  let maxInFlight = 0;
  return {
    reads,
    maxInFlight: () => maxInFlight,
    dxp: {
      async getLine(key, call) {
        reads.set(lineKeyString(key), (reads.get(lineKeyString(key)) ?? 0) + 1);
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        try {
          return await real.getLine(key, call);
        } finally {
          inFlight -= 1;
        }
      },
      close: () => real.close(),
    },
  };
}

function cache(ttlSeconds: number): LineCache {
  const lineCache = createMemoryLineCache({
    ttlSeconds,
    metrics: createMetrics({ collectDefaults: false }),
  });
  closers.push(() => lineCache.close());
  return lineCache;
}

function callContext(): CallContext {
  return {
    correlationId: 'loader-test',
    logger: createLogger('silent'),
    deadline: Date.now() + 15_000,
  };
}

describe('lineByKey loader', () => {
  it('reads each distinct line once, however often it is asked for, and answers in key order', async () => {
    const { dxp, reads } = countingDxp();
    const loader = createLineByKeyLoader({ dxp, lineCache: cache(0) }, callContext());
    const keys = [SEED, PREPAID, { ...SEED }, JAMAICA, { ...PREPAID }, { ...SEED }];
    const lines = await loader.loadMany(keys);
    expect(
      lines.map((line) => (line instanceof Error ? line : `${line.businessId}:${line.msisdn}`)),
    ).toEqual(keys.map(lineKeyString));
    expect(Object.fromEntries(reads)).toEqual({
      'PR:16654555678': 1,
      'PR:17875550101': 1,
      'JM:18765550101': 1,
    });
    expect(sandbox.callCount(ROUTE)).toBe(3);
  });

  it('tells the same msisdn in two business units apart', async () => {
    const { dxp, reads } = countingDxp();
    const loader = createLineByKeyLoader({ dxp, lineCache: cache(0) }, callContext());
    const lines = await loader.loadMany([SEED, { businessId: 'JM', msisdn: SEED.msisdn }]);
    expect(lines[0]).toMatchObject({ planType: 'POSTPAID' });
    expect(lines[1]).toBeInstanceOf(TypedError);
    expect(reads.size).toBe(2);
  });

  it('answers a failing line with its own typed error, and the others with their lines', async () => {
    const { dxp } = countingDxp();
    const loader = createLineByKeyLoader({ dxp, lineCache: cache(0) }, callContext());
    const [seed, unknown, busy, prepaid] = await loader.loadMany([
      SEED,
      UNKNOWN,
      { businessId: 'PR', msisdn: '17875550500' },
      PREPAID,
    ]);
    expect(seed).toMatchObject({ msisdn: SEED.msisdn, planType: 'POSTPAID' });
    expect(unknown).toBeInstanceOf(TypedError);
    expect((unknown as TypedError).result).toMatchObject({ __typename: 'LineNotFoundError' });
    expect((busy as TypedError).result).toMatchObject({ __typename: 'UpstreamUnavailableError' });
    expect(prepaid).toMatchObject({ msisdn: PREPAID.msisdn, planType: 'PREPAID' });
    await expect(loader.load(UNKNOWN)).rejects.toBeInstanceOf(TypedError);
  });

  it('runs at most 10 reads at once over a 50-line batch', async () => {
    const { dxp, reads, maxInFlight } = countingDxp();
    sandbox.setLatency(20);
    const loader = createLineByKeyLoader({ dxp, lineCache: cache(0) }, callContext());
    const keys = Array.from({ length: 50 }, (_, index) => ({
      businessId: 'PR',
      msisdn: `1787555${String(index).padStart(4, '0')}`,
    }));
    const lines = await loader.loadMany(keys);
    expect(lines).toHaveLength(50);
    expect(reads.size).toBe(50);
    expect(maxInFlight()).toBe(10);
  });

  it('serves a line read by an earlier request from the cache within its TTL', async () => {
    const { dxp, reads } = countingDxp();
    const lineCache = cache(60);
    const first = await createLineByKeyLoader({ dxp, lineCache }, callContext()).load(SEED);
    const second = await createLineByKeyLoader({ dxp, lineCache }, callContext()).load(SEED);
    expect(second).toEqual(first);
    expect(reads.get(lineKeyString(SEED))).toBe(1);
    expect(sandbox.callCount(ROUTE)).toBe(1);
  });

  it('never caches an error', async () => {
    const { dxp, reads } = countingDxp();
    const lineCache = cache(60);
    for (let request = 0; request < 2; request += 1) {
      await expect(
        createLineByKeyLoader({ dxp, lineCache }, callContext()).load(UNKNOWN),
      ).rejects.toBeInstanceOf(TypedError);
    }
    expect(reads.get(lineKeyString(UNKNOWN))).toBe(2);
  });

  it('with TTL 0 asks dxp-ux again on every request', async () => {
    const { dxp, reads } = countingDxp();
    const lineCache = cache(0);
    await createLineByKeyLoader({ dxp, lineCache }, callContext()).load(SEED);
    await createLineByKeyLoader({ dxp, lineCache }, callContext()).load(SEED);
    expect(reads.get(lineKeyString(SEED))).toBe(2);
    expect(sandbox.callCount(ROUTE)).toBe(2);
  });

  it('treats a cache that cannot answer as a miss', async () => {
    const { dxp, reads } = countingDxp();
    const broken: LineCache = {
      get: () => Promise.reject(new Error('cache down')),
      set: () => Promise.reject(new Error('cache down')),
      close: () => Promise.resolve(),
    };
    const line = await createLineByKeyLoader({ dxp, lineCache: broken }, callContext()).load(SEED);
    expect(line).toMatchObject({ msisdn: SEED.msisdn });
    expect(reads.get(lineKeyString(SEED))).toBe(1);
  });
});
