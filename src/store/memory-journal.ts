import { LRUCache } from 'lru-cache';
import { randomBytes, randomUUID } from 'node:crypto';
import type { PxOrderKey } from '../upstreams/px/types.js';
import type { ClaimOutcome, JournalOptions, OrderJournal } from './journal.js';
import type { DisclosureRecord, OrderRecord, OrderRef } from './types.js';

/**
 * The in-process journal (the default), for one replica. It lives as long as
 * the process: an order Px took before a restart is still Px's, and a retry
 * then reaches Px, which answers 2130. Several replicas need the Redis journal.
 *
 * Bounded both ways: records expire after the retention, and at most
 * MAX_ORDERS orders and as many disclosures are kept, the least recently used
 * going first, so a long-running process cannot grow without limit.
 */
export const MAX_ORDERS = 50_000;
const DISCLOSURE_TTL_MS = 24 * 60 * 60 * 1000;

export function createMemoryJournal(
  options: JournalOptions & { now?: () => number },
): OrderJournal {
  const now = options.now ?? Date.now;
  const orders = new LRUCache<string, OrderRecord>({
    max: MAX_ORDERS,
    ttl: options.retentionMs,
    perf: { now },
  });
  const disclosureCache = () =>
    new LRUCache<string, DisclosureRecord>({
      max: MAX_ORDERS,
      ttl: Math.min(DISCLOSURE_TTL_MS, options.retentionMs),
      perf: { now },
    });
  const disclosures = disclosureCache();
  const disclosureByTransaction = disclosureCache();
  const claims = new Map<string, { token: string; expiresAt: number }>();
  const fingerprintKey = randomBytes(32).toString('base64url');

  const orderKey = (ref: OrderRef) => JSON.stringify([ref.partnerId, ref.partnerOrderId]);
  const disclosureKey = (key: PxOrderKey) =>
    JSON.stringify([key.partnerId, key.partnerOrderId, key.transactionId]);

  return {
    async saveDisclosure(record) {
      disclosures.set(disclosureKey(record.key), record);
      if (!disclosureByTransaction.has(record.key.transactionId)) {
        disclosureByTransaction.set(record.key.transactionId, record);
      }
    },
    async disclosure(key) {
      return disclosures.get(disclosureKey(key));
    },
    async disclosureOfTransaction(transactionId) {
      return disclosureByTransaction.get(transactionId);
    },
    async orders(refs) {
      return refs.map((ref) => orders.get(orderKey(ref)));
    },
    async claim(ref, ttlMs): Promise<ClaimOutcome> {
      const key = orderKey(ref);
      const order = orders.get(key);
      if (order) return { kind: 'completed', order };
      const held = claims.get(key);
      if (held && held.expiresAt > now()) return { kind: 'busy' };
      const token = randomUUID();
      claims.set(key, { token, expiresAt: now() + ttlMs });
      return { kind: 'claimed', token };
    },
    async complete(token, order) {
      const key = orderKey(order.key);
      orders.set(key, order);
      if (claims.get(key)?.token === token) claims.delete(key);
    },
    async release(ref, token) {
      const key = orderKey(ref);
      if (claims.get(key)?.token === token) claims.delete(key);
    },
    async fingerprintKey() {
      return fingerprintKey;
    },
    async close() {},
  };
}
