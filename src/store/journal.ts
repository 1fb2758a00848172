import type { PxOrderKey } from '../upstreams/px/types.js';
import type { DisclosureRecord, OrderRecord, OrderRef } from './types.js';

/**
 * The order journal: what completeOrder submitted and what Px answered,
 * keyed by partner and partnerOrderId, and the disclosures retrieved on the
 * way. It backs `order(...)`, entity resolution, and completeOrder's
 * idempotency. Records expire after the retention the journal was made with.
 *
 * The claim is what makes a submission happen once: whoever claims an order
 * submits it; the others find the order, or wait for it.
 *
 * `undefined` is "no record"; `null` where an order is expected is "a record
 * exists but cannot be served" (damaged, or from an incompatible version):
 * the order was submitted, and is never submitted again because of it.
 */
export type ClaimOutcome =
  | { kind: 'claimed'; token: string }
  | { kind: 'completed'; order: OrderRecord | null }
  | { kind: 'busy' };

export interface OrderJournal {
  saveDisclosure(record: DisclosureRecord): Promise<void>;
  disclosure(key: PxOrderKey): Promise<DisclosureRecord | undefined>;
  /**
   * The first disclosure retrieved with a transaction id, whoever retrieved
   * it: Px's transaction ids are Px's, so the pair check spans partners.
   */
  disclosureOfTransaction(transactionId: string): Promise<DisclosureRecord | undefined>;
  orders(refs: readonly OrderRef[]): Promise<(OrderRecord | null | undefined)[]>;
  /** Claims the right to submit; the claim lapses after `ttlMs` if its holder dies. */
  claim(ref: OrderRef, ttlMs: number): Promise<ClaimOutcome>;
  /** Records the order Px took and gives the claim up. */
  complete(token: string, order: OrderRecord): Promise<void>;
  /** Gives the claim up without an order: Px refused it, or the outcome is unknown. */
  release(ref: OrderRef, token: string): Promise<void>;
  /**
   * The key of the submission fingerprints, the same for every replica that
   * shares this journal, so a replay is recognised wherever it lands.
   */
  fingerprintKey(): Promise<string>;
  close(): Promise<void>;
}

export interface JournalOptions {
  /** How long an order record is kept (`JOURNAL_RETENTION_H`). */
  retentionMs: number;
}
