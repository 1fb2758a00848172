import DataLoader from 'dataloader';
import pMap from 'p-map';
import type { Domains } from './domains.js';
import { lineKeyString } from '../store/line-cache.js';
import type { CallContext } from '../upstreams/call-context.js';
import type { LineKey, MobileLineRecord } from '../upstreams/dxp/types.js';

/**
 * The most lines one operation may ask for, wherever they come from: the
 * schema's promise for mobileLines, and what keeps one request to as many
 * dxp-ux calls.
 */
export const MAX_LINES_PER_OPERATION = 50;

/** dxp-ux has no batch endpoint: a batch fans out to one GET per distinct line, this many at a time. */
export const LINE_FETCH_CONCURRENCY = 10;

export type LineByKeyLoader = DataLoader<LineKey, MobileLineRecord, string>;

/**
 * Lines by business id and msisdn, for one GraphQL request: identical keys
 * cost one lookup, the cross-request cache is asked first, and each key
 * answers its line or its own error, so one bad line never fails the others.
 */
export function createLineByKeyLoader(
  domains: Pick<Domains, 'dxp' | 'lineCache'>,
  call: CallContext,
): LineByKeyLoader {
  const { dxp, lineCache } = domains;

  async function cached(key: LineKey): Promise<MobileLineRecord | undefined> {
    try {
      return await lineCache.get(key);
    } catch (error) {
      // A cache that cannot answer is a miss: dxp-ux is still the authority.
      call.logger.warn({ err: error, cache: 'lines' }, 'line cache read failed');
      return undefined;
    }
  }

  async function fetchAndStore(key: LineKey): Promise<MobileLineRecord | Error> {
    let line: MobileLineRecord;
    try {
      line = await dxp.getLine(key, call);
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
    lineCache.set(key, line).catch((error: unknown) => {
      call.logger.warn({ err: error, cache: 'lines' }, 'line cache write failed');
    });
    return line;
  }

  return new DataLoader<LineKey, MobileLineRecord, string>(
    async (keys) => {
      const hits = await Promise.all(keys.map(cached));
      const lineOf = (key: LineKey, index: number): Promise<MobileLineRecord | Error> => {
        const hit = hits[index];
        return hit === undefined ? fetchAndStore(key) : Promise.resolve(hit);
      };
      // Within the limit p-map starts every fetch at once too; its queue only costs (one line, mostly).
      if (keys.length <= LINE_FETCH_CONCURRENCY) return Promise.all(keys.map(lineOf));
      return pMap(keys, lineOf, { concurrency: LINE_FETCH_CONCURRENCY });
    },
    {
      cacheKeyFn: lineKeyString, // One batch holds every line an operation may ask for.
      maxBatchSize: MAX_LINES_PER_OPERATION,
      name: 'lineByKey',
    },
  );
}
