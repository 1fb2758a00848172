import { LRUCache } from 'lru-cache';
import type { Metrics } from '../observability/metrics.js';
import type { LineKey, MobileLineRecord } from '../upstreams/dxp/types.js';

/**
 * The cross-request cache of dxp-ux lines (plan and add-ons), with a short
 * TTL. Only successes are stored: an error must be asked again next time.
 * Async so a Redis implementation fits the same interface.
 */
export interface LineCache {
  get(key: LineKey): Promise<MobileLineRecord | undefined>;
  set(key: LineKey, value: MobileLineRecord): Promise<void>;
  close(): Promise<void>;
}

/** One string per line, shared by the caches and the per-request loader. */
export function lineKeyString(key: LineKey): string {
  return `${key.businessId}:${key.msisdn}`;
}

/** The cache turned off (TTL 0): nothing stored, and no lookups to count, so the metric stays silent. */
export const NO_LINE_CACHE: LineCache = {
  get: () => Promise.resolve(undefined),
  set: () => Promise.resolve(),
  close: () => Promise.resolve(),
};

export interface MemoryLineCacheOptions {
  /** 0 turns the cache off. */
  ttlSeconds: number;
  maxEntries?: number;
  metrics: Metrics;
  /** Milliseconds from any origin; tests pass a clock they move. */
  now?: () => number;
}

export function createMemoryLineCache(options: MemoryLineCacheOptions): LineCache {
  if (options.ttlSeconds === 0) return NO_LINE_CACHE;

  const entries = new LRUCache<string, MobileLineRecord>({
    max: options.maxEntries ?? 10_000,
    ttl: options.ttlSeconds * 1000,
    // lru-cache otherwise reuses a reading of its clock for 1 ms, which a moved clock would not see.
    ...(options.now ? { perf: { now: options.now }, ttlResolution: 0 } : {}),
  });
  const lookups = options.metrics.cacheLookups;

  return {
    get(key) {
      const value = entries.get(lineKeyString(key));
      lookups.inc({ cache: 'lines', result: value === undefined ? 'miss' : 'hit' });
      return Promise.resolve(value);
    },
    set(key, value) {
      entries.set(lineKeyString(key), value);
      return Promise.resolve();
    },
    close() {
      entries.clear();
      return Promise.resolve();
    },
  };
}
