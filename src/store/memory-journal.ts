import { LRUCache } from 'lru-cache';
import { randomUUID } from 'node:crypto';
import type { ClaimOutcome, OrderJournal } from './journal.js';
import type { DisclosureRecord, OrderRecord } from './types.js';

/**
 * The in-process journal (the default). It lives as long as the process: an
 * order Px took before a restart is still Px's, and a retry then reaches Px,
 * which answers 2130. Several replicas need the Redis journal.
 *
 * Orders are kept for good; disclosures only as long as they are useful (an
 * order can be completed for 120 minutes after it was prepared), and no more
 * of them than a busy day's worth, so a long-running process does not grow.
 */
const DISCLOSURE_TTL_MS = 24 * 60 * 60 * 1000;
const MAX_DISCLOSURES = 100_000;

export function createMemoryJournal(options: { now?: () => number } = {}): OrderJournal {
  const now = options.now ?? Date.now;
  const disclosureCache = () =>
    new LRUCache<string, DisclosureRecord>({ max: MAX_DISCLOSURES, ttl: DISCLOSURE_TTL_MS });
  const disclosures = disclosureCache();
  const disclosureByTransaction = disclosureCache();
  const orders = new Map<string, OrderRecord>();
  const claims = new Map<string, { token: string; expiresAt: number }>();

  const disclosureKey = (partnerOrderId: string, transactionId: string) =>
    JSON.stringify([partnerOrderId, transactionId]);

  return {
    async saveDisclosure(record) {
      disclosures.set(disclosureKey(record.key.partnerOrderId, record.key.transactionId), record);
      if (!disclosureByTransaction.has(record.key.transactionId)) {
        disclosureByTransaction.set(record.key.transactionId, record);
      }
    },
    async disclosure(partnerOrderId, transactionId) {
      return disclosures.get(disclosureKey(partnerOrderId, transactionId));
    },
    async disclosureOfTransaction(transactionId) {
      return disclosureByTransaction.get(transactionId);
    },
    async order(partnerOrderId) {
      return orders.get(partnerOrderId);
    },
    async orders(partnerOrderIds) {
      return partnerOrderIds.map((id) => orders.get(id));
    },
    async claim(partnerOrderId, ttlMs): Promise<ClaimOutcome> {
      const order = orders.get(partnerOrderId);
      if (order) return { kind: 'completed', order };
      const held = claims.get(partnerOrderId);
      if (held && held.expiresAt > now()) return { kind: 'busy' };
      const token = randomUUID();
      claims.set(partnerOrderId, { token, expiresAt: now() + ttlMs });
      return { kind: 'claimed', token };
    },
    async complete(token, order) {
      orders.set(order.key.partnerOrderId, order);
      if (claims.get(order.key.partnerOrderId)?.token === token)
        claims.delete(order.key.partnerOrderId);
    },
    async release(partnerOrderId, token) {
      if (claims.get(partnerOrderId)?.token === token) claims.delete(partnerOrderId);
    },
    async close() {},
  };
}
