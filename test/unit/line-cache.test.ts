import { describe, expect, it } from 'vitest';
import { createMetrics, type Metrics } from '../../src/observability/metrics.js';
import { createMemoryLineCache } from '../../src/store/line-cache.js';
import type { MobileLineRecord } from '../../src/upstreams/dxp/types.js';

const key = { businessId: 'PR', msisdn: '16654555678' };
const line: MobileLineRecord = {
  ...key,
  planType: 'POSTPAID',
  plan: { id: 'PR_B2C_ULT_Extra_MB_Line', name: 'Liberty U-Pick Mobile Plus', '@type': 'Plan' },
  addons: [],
};

async function lookups(metrics: Metrics): Promise<Record<string, number>> {
  const { values } = await metrics.cacheLookups.get();
  return Object.fromEntries(
    values.map(({ labels, value }) => [`${String(labels.cache)}:${String(labels.result)}`, value]),
  );
}

function manualClock() {
  let now = 1_000_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('memory line cache', () => {
  it('answers what was set, until the TTL runs out', async () => {
    const clock = manualClock();
    const cache = createMemoryLineCache({
      ttlSeconds: 60,
      metrics: createMetrics({ collectDefaults: false }),
      now: clock.now,
    });
    await cache.set(key, line);
    clock.advance(59_000);
    expect(await cache.get(key)).toEqual(line);
    clock.advance(2_000);
    expect(await cache.get(key)).toBeUndefined();
  });

  it('keeps lines of other business units apart', async () => {
    const cache = createMemoryLineCache({
      ttlSeconds: 60,
      metrics: createMetrics({ collectDefaults: false }),
    });
    await cache.set(key, line);
    expect(await cache.get({ businessId: 'JM', msisdn: key.msisdn })).toBeUndefined();
  });

  it('counts hits and misses under cache="lines"', async () => {
    const metrics = createMetrics({ collectDefaults: false });
    const cache = createMemoryLineCache({ ttlSeconds: 60, metrics });
    await cache.get(key);
    await cache.set(key, line);
    await cache.get(key);
    await cache.get(key);
    expect(await lookups(metrics)).toEqual({ 'lines:miss': 1, 'lines:hit': 2 });
  });

  it('with TTL 0 never stores, and counts nothing', async () => {
    const metrics = createMetrics({ collectDefaults: false });
    const cache = createMemoryLineCache({ ttlSeconds: 0, metrics });
    await cache.set(key, line);
    expect(await cache.get(key)).toBeUndefined();
    expect(await lookups(metrics)).toEqual({});
  });

  it('evicts the least recently used line beyond maxEntries', async () => {
    const cache = createMemoryLineCache({
      ttlSeconds: 60,
      maxEntries: 2,
      metrics: createMetrics({ collectDefaults: false }),
    });
    const keys = ['17875550101', '17875550102', '17875550103'].map((msisdn) => ({
      businessId: 'PR',
      msisdn,
    }));
    for (const each of keys) await cache.set(each, { ...line, ...each });
    expect(await cache.get(keys[0]!)).toBeUndefined();
    expect(await cache.get(keys[2]!)).toMatchObject(keys[2]!);
  });

  it('forgets everything on close', async () => {
    const cache = createMemoryLineCache({
      ttlSeconds: 60,
      metrics: createMetrics({ collectDefaults: false }),
    });
    await cache.set(key, line);
    await cache.close();
    expect(await cache.get(key)).toBeUndefined();
  });
});
