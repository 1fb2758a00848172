import type { DisclosureRecord, OrderRecord } from './types.js';

/**
 * The order journal: what completeOrder submitted and what Px answered,
 * keyed by partnerOrderId, and the disclosures retrieved on the way. It backs
 * `order(...)`, entity resolution, and completeOrder's idempotency.
 *
 * The claim is what makes a submission happen once: whoever claims a
 * partnerOrderId submits it; the others find the order, or wait for it.
 */
export type ClaimOutcome =
  { kind: 'claimed'; token: string } | { kind: 'completed'; order: OrderRecord } | { kind: 'busy' };

export interface OrderJournal {
  saveDisclosure(record: DisclosureRecord): Promise<void>;
  disclosure(partnerOrderId: string, transactionId: string): Promise<DisclosureRecord | undefined>;
  /** The disclosure retrieved for a transaction, whatever its partnerOrderId: the pair check. */
  disclosureOfTransaction(transactionId: string): Promise<DisclosureRecord | undefined>;
  order(partnerOrderId: string): Promise<OrderRecord | undefined>;
  orders(partnerOrderIds: readonly string[]): Promise<(OrderRecord | undefined)[]>;
  /** Claims the right to submit; the claim lapses after `ttlMs` if its holder dies. */
  claim(partnerOrderId: string, ttlMs: number): Promise<ClaimOutcome>;
  /** Records the order Px took and gives the claim up. */
  complete(token: string, order: OrderRecord): Promise<void>;
  /** Gives the claim up without an order: Px refused it, or the outcome is unknown. */
  release(partnerOrderId: string, token: string): Promise<void>;
  close(): Promise<void>;
}
