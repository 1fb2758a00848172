import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { ClaimOutcome, OrderJournal } from './journal.js';
import type { DisclosureRecord, OrderRecord } from './types.js';

export interface RedisJournalOptions {
  /** How long a retrieved disclosure is kept; Px's own order window is 120 minutes. */
  disclosureTtlSeconds?: number;
}

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
   * Records the order whoever holds the claim now (Px took it), and drops the
   * claim only if it is still this token's: a claim that lapsed and was taken
   * by another replica stays theirs.
   * KEYS: order, claim. ARGV: token, order JSON.
   */
  orderingJournalComplete: {
    numberOfKeys: 2,
    lua: `
redis.call('SET', KEYS[1], ARGV[2])
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
  ): Promise<number>;
  orderingJournalRelease(claimKey: string, token: string): Promise<number>;
}

/**
 * Ids are URI-encoded inside keys, so an id holding the separator cannot
 * collide with another pair (`a:b` + `c` against `a` + `b:c`).
 */
const keys = {
  order: (partnerOrderId: string) => `order:${encodeURIComponent(partnerOrderId)}`,
  claim: (partnerOrderId: string) => `claim:${encodeURIComponent(partnerOrderId)}`,
  disclosure: (partnerOrderId: string, transactionId: string) =>
    `disclosure:${encodeURIComponent(partnerOrderId)}:${encodeURIComponent(transactionId)}`,
  disclosureOfTransaction: (transactionId: string) =>
    `disclosure-tx:${encodeURIComponent(transactionId)}`,
};

/**
 * The journal shared by every replica through one Redis. Orders never
 * expire: an order Px took is never forgotten, so a retry is always answered
 * from here. Disclosures expire, as only the order flow in progress needs them.
 * The connection belongs to the caller: `close()` leaves it open.
 */
export function createRedisJournal(redis: Redis, options: RedisJournalOptions = {}): OrderJournal {
  const disclosureTtlSeconds = options.disclosureTtlSeconds ?? 86_400;
  for (const [name, script] of Object.entries(SCRIPTS)) {
    redis.defineCommand(name, script);
  }
  // defineCommand adds the methods at run time; this names what it added.
  const commands = redis as Redis & JournalCommands;

  return {
    async saveDisclosure(record) {
      const { partnerOrderId, transactionId } = record.key;
      const json = JSON.stringify(record);
      const results = await redis
        .multi()
        .set(keys.disclosure(partnerOrderId, transactionId), json, 'EX', disclosureTtlSeconds)
        .set(keys.disclosureOfTransaction(transactionId), json, 'EX', disclosureTtlSeconds, 'NX')
        .exec();
      // A transaction reports a failed command in its results rather than rejecting.
      const failed = results?.find(([error]) => error !== null)?.[0];
      if (failed) throw failed;
    },
    async disclosure(partnerOrderId, transactionId) {
      return parse.disclosure(await redis.get(keys.disclosure(partnerOrderId, transactionId)));
    },
    async disclosureOfTransaction(transactionId) {
      return parse.disclosure(await redis.get(keys.disclosureOfTransaction(transactionId)));
    },
    async order(partnerOrderId) {
      return parse.order(await redis.get(keys.order(partnerOrderId)));
    },
    async orders(partnerOrderIds) {
      if (partnerOrderIds.length === 0) return [];
      const values = await redis.mget(partnerOrderIds.map(keys.order));
      return values.map((value) => parse.order(value));
    },
    async claim(partnerOrderId, ttlMs): Promise<ClaimOutcome> {
      const token = randomUUID();
      const [kind, order] = await commands.orderingJournalClaim(
        keys.order(partnerOrderId),
        keys.claim(partnerOrderId),
        token,
        ttlMs,
      );
      if (kind === 'claimed') return { kind, token };
      if (kind === 'busy') return { kind };
      const recorded = parse.order(order ?? null);
      if (kind === 'completed' && recorded) return { kind, order: recorded };
      throw new Error(
        `journal claim script must answer claimed, busy or completed with an order, but got: ${String(kind)}`,
      );
    },
    async complete(token, order) {
      const { partnerOrderId } = order.key;
      await commands.orderingJournalComplete(
        keys.order(partnerOrderId),
        keys.claim(partnerOrderId),
        token,
        JSON.stringify(order),
      );
    },
    async release(partnerOrderId, token) {
      await commands.orderingJournalRelease(keys.claim(partnerOrderId), token);
    },
    async close() {},
  };
}

/** Records are written only by this module, as JSON of their type. */
const parse = {
  order: (value: string | null): OrderRecord | undefined =>
    value === null ? undefined : (JSON.parse(value) as OrderRecord),
  disclosure: (value: string | null): DisclosureRecord | undefined =>
    value === null ? undefined : (JSON.parse(value) as DisclosureRecord),
};
