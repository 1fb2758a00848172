import { randomBytes, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { Compile } from 'typebox/compile';
import { ServiceUnavailableError } from '../errors.js';
import type { PxOrderKey } from '../upstreams/px/types.js';
import type { ClaimOutcome, JournalOptions, OrderJournal } from './journal.js';
import {
  DisclosureRecordSchema,
  OrderRecordSchema,
  type DisclosureRecord,
  type OrderRecord,
  type OrderRef,
} from './types.js';

/** How long a retrieved disclosure is kept; Px's own order window is 120 minutes. */
const DISCLOSURE_TTL_S = 86_400;

/**
 * Scripts run atomically in Redis, so no replica can act between a check and
 * the write that depends on it. They name every key in KEYS, never build one,
 * so ioredis's key prefix applies to them.
 */
const SCRIPTS = {
  /**
   * The order, if one was recorded; else the claim, if nobody holds it. One
   * step, so a claim can never be taken after the order was written.
   * KEYS: order, claim. ARGV: token, ttl in ms.
   */
  orderingJournalClaim: {
    numberOfKeys: 2,
    lua: `
local order = redis.call('GET', KEYS[1])
if order then return {'completed', order} end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return {'claimed'} end
return {'busy'}`,
  },
  /**
   * Records the order whoever holds the claim now (Px took it), for the
   * retention, and drops the claim only if it is still this token's: a claim
   * that lapsed and was taken by another replica stays theirs.
   * KEYS: order, claim. ARGV: token, order JSON, retention in ms.
   */
  orderingJournalComplete: {
    numberOfKeys: 2,
    lua: `
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
return 1`,
  },
  /** Drops the claim only if it is still this token's. KEYS: claim. ARGV: token. */
  orderingJournalRelease: {
    numberOfKeys: 1,
    lua: `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`,
  },
  /** The first replica's key wins, for every replica. KEYS: key. ARGV: a new key. */
  orderingJournalFingerprintKey: {
    numberOfKeys: 1,
    lua: `
redis.call('SET', KEYS[1], ARGV[1], 'NX')
return redis.call('GET', KEYS[1])`,
  },
} as const;

interface JournalCommands {
  orderingJournalClaim(
    orderKey: string,
    claimKey: string,
    token: string,
    ttlMs: number,
  ): Promise<string[]>;
  orderingJournalComplete(
    orderKey: string,
    claimKey: string,
    token: string,
    order: string,
    retentionMs: number,
  ): Promise<number>;
  orderingJournalRelease(claimKey: string, token: string): Promise<number>;
  orderingJournalFingerprintKey(key: string, candidate: string): Promise<string>;
}

/**
 * Ids are URI-encoded inside keys, so an id holding the separator cannot
 * collide with another (`a:b` + `c` against `a` + `b:c`).
 */
const id = encodeURIComponent;
const keys = {
  order: (ref: OrderRef) => `order:${id(ref.partnerId)}:${id(ref.partnerOrderId)}`,
  claim: (ref: OrderRef) => `claim:${id(ref.partnerId)}:${id(ref.partnerOrderId)}`,
  disclosure: (key: PxOrderKey) =>
    `disclosure:${id(key.partnerId)}:${id(key.partnerOrderId)}:${id(key.transactionId)}`,
  disclosureOfTransaction: (transactionId: string) => `disclosure-tx:${id(transactionId)}`,
  fingerprintKey: 'fingerprint-key',
};

/**
 * The journal shared by every replica through one Redis. Orders are kept for
 * the retention, disclosures for a day at most. Every failure of Redis
 * itself (down, paused past the connection's command timeout) is
 * ServiceUnavailableError: the order flow fails fast instead of hanging or
 * answering from half a journal. The connection belongs to the caller:
 * `close()` leaves it open.
 */
export function createRedisJournal(redis: Redis, options: JournalOptions): OrderJournal {
  for (const [name, script] of Object.entries(SCRIPTS)) {
    redis.defineCommand(name, script);
  }
  // defineCommand adds the methods at run time; this names what it added.
  const commands = redis as Redis & JournalCommands;
  const disclosureTtlSeconds = Math.max(
    1,
    Math.min(DISCLOSURE_TTL_S, Math.floor(options.retentionMs / 1000)),
  );
  let fingerprintKey: Promise<string> | undefined;

  const journal: OrderJournal = {
    async saveDisclosure(record) {
      const json = JSON.stringify(record);
      const results = await redis
        .multi()
        .set(keys.disclosure(record.key), json, 'EX', disclosureTtlSeconds)
        .set(
          keys.disclosureOfTransaction(record.key.transactionId),
          json,
          'EX',
          disclosureTtlSeconds,
          'NX',
        )
        .exec();
      // A transaction reports a failed command in its results rather than rejecting.
      const failed = results?.find(([error]) => error !== null)?.[0];
      if (failed) throw failed;
    },
    async disclosure(key) {
      return parse.disclosure(await redis.get(keys.disclosure(key)));
    },
    async disclosureOfTransaction(transactionId) {
      return parse.disclosure(await redis.get(keys.disclosureOfTransaction(transactionId)));
    },
    async orders(refs) {
      if (refs.length === 0) return [];
      const values = await redis.mget(refs.map(keys.order));
      return values.map((value) => (value === null ? undefined : parse.order(value)));
    },
    async claim(ref, ttlMs): Promise<ClaimOutcome> {
      const token = randomUUID();
      const [kind, order] = await commands.orderingJournalClaim(
        keys.order(ref),
        keys.claim(ref),
        token,
        Math.max(1, Math.ceil(ttlMs)),
      );
      if (kind === 'claimed') return { kind, token };
      if (kind === 'busy') return { kind };
      if (kind === 'completed' && order !== undefined) {
        return { kind, order: parse.order(order) };
      }
      throw new Error(
        `journal claim script must answer claimed, busy or completed with an order, but got: ${String(kind)}`,
      );
    },
    async complete(token, order) {
      await commands.orderingJournalComplete(
        keys.order(order.key),
        keys.claim(order.key),
        token,
        JSON.stringify(order),
        Math.max(1, Math.ceil(options.retentionMs)),
      );
    },
    async release(ref, token) {
      await commands.orderingJournalRelease(keys.claim(ref), token);
    },
    fingerprintKey() {
      fingerprintKey ??= commands
        .orderingJournalFingerprintKey(keys.fingerprintKey, randomBytes(32).toString('base64url'))
        .catch((error: unknown) => {
          fingerprintKey = undefined;
          throw error;
        });
      return fingerprintKey;
    },
    async close() {},
  };
  return failingAsServiceUnavailable(journal);
}

/** Whatever Redis fails with, the caller sees one system error; the cause stays in the logs. */
function failingAsServiceUnavailable(journal: OrderJournal): OrderJournal {
  const guarded = {} as Record<string, unknown>;
  for (const [name, method] of Object.entries(journal) as [
    string,
    (...args: unknown[]) => Promise<unknown>,
  ][]) {
    guarded[name] = (...args: unknown[]) =>
      method(...args).catch((error: unknown) => {
        throw new ServiceUnavailableError('The order journal', { cause: error });
      });
  }
  return guarded as unknown as OrderJournal;
}

const validOrder = Compile(OrderRecordSchema);
const validDisclosure = Compile(DisclosureRecordSchema);

function fromJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

/** A record that fails its schema is not served: null for an order (it exists), undefined for a disclosure. */
const parse = {
  order: (value: string): OrderRecord | null => {
    const record = fromJson(value);
    return validOrder.Check(record) ? record : null;
  },
  disclosure: (value: string | null): DisclosureRecord | undefined => {
    if (value === null) return undefined;
    const record = fromJson(value);
    return validDisclosure.Check(record) ? record : undefined;
  },
};
