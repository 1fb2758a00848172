import {
  TypedError,
  invalidField,
  type OrderExpiredErrorResult,
  type TooManyGiftCardsErrorResult,
  type TransactionMismatchErrorResult,
} from '../errors.js';
import type { OrderJournal } from '../store/journal.js';
import type { DisclosureRecord } from '../store/types.js';
import type { PxOrderKey } from '../upstreams/px/types.js';

/**
 * What the subgraph can see before calling Px, answered with the same typed
 * error Px would give, without the call. Px stays the authority on the rest.
 */

/** Px refuses a complete more than 120 minutes after the order was prepared (2215). */
export const ORDER_LIFETIME_MS = 120 * 60 * 1000;
export const MAX_GIFT_CARDS = 1;

export function expiresAt(preparedAt: string): Date {
  return new Date(Date.parse(preparedAt) + ORDER_LIFETIME_MS);
}

/** Empty ids: Px 2030, 2225, 2070. */
export function checkOrderKey(key: PxOrderKey): void {
  if (key.partnerId.trim() === '')
    throw invalidField('order.partnerId', 'Missing or invalid partner id.');
  if (key.partnerOrderId.trim() === '') {
    throw invalidField('order.partnerOrderId', 'Missing partner order id.');
  }
  if (key.transactionId.trim() === '') {
    throw invalidField('order.transactionId', 'Missing or invalid transaction id.');
  }
}

export function checkRequired(
  field: string,
  value: string,
  message: string,
  transactionId: string,
): void {
  if (value.trim() === '') throw invalidField(field, message, { transactionId });
}

/** Px 2131: a transaction id stays with the partnerOrderId it was first retrieved with. */
export async function checkPairUnchanged(journal: OrderJournal, key: PxOrderKey): Promise<void> {
  const first = await journal.disclosureOfTransaction(key.transactionId);
  if (first && first.key.partnerOrderId !== key.partnerOrderId) throw transactionMismatch(key);
}

export function transactionMismatch(key: PxOrderKey): TypedError<TransactionMismatchErrorResult> {
  return new TypedError({
    __typename: 'TransactionMismatchError',
    code: 'TRANSACTION_MISMATCH',
    message: 'Transaction id and partner order id must stay the same through the order flow.',
    upstreamCode: null,
    transactionId: key.transactionId,
  });
}

export function checkGiftCards(giftCardIds: readonly string[], transactionId: string): void {
  if (giftCardIds.length <= MAX_GIFT_CARDS) return;
  throw new TypedError<TooManyGiftCardsErrorResult>({
    __typename: 'TooManyGiftCardsError',
    code: 'TOO_MANY_GIFT_CARDS',
    message: 'Only one gift card can be submitted; please correct and resubmit.',
    upstreamCode: null,
    transactionId,
    maxGiftCards: MAX_GIFT_CARDS,
  });
}

/** Px 2215, seen early when this subgraph retrieved the disclosure itself. */
export function checkNotExpired(disclosure: DisclosureRecord | undefined, now: number): void {
  if (!disclosure) return;
  const expiry = expiresAt(disclosure.rcc.preparedAt);
  if (expiry.getTime() > now) return;
  throw new TypedError<OrderExpiredErrorResult>({
    __typename: 'OrderExpiredError',
    code: 'ORDER_EXPIRED',
    message:
      'A complete order cannot be executed more than 120 minutes after the order was prepared.',
    upstreamCode: null,
    transactionId: disclosure.key.transactionId,
    expiredAt: expiry,
  });
}
