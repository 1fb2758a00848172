import type { OrderJournal } from '../store/journal.js';
import type { DisclosureRecord } from '../store/types.js';
import { MAX_GIFT_CARDS, pxError } from '../upstreams/px/errors.js';
import type { PxOrderKey } from '../upstreams/px/types.js';

/**
 * What the subgraph can see before calling Px, answered with the error of
 * the Px row it stands in for (same message, same upstreamCode), without the
 * call. Px stays the authority on the rest.
 */

/** Px refuses a complete more than 120 minutes after the order was prepared (2215). */
export const ORDER_LIFETIME_MS = 120 * 60 * 1000;

export function expiresAt(preparedAt: string): Date {
  return new Date(Date.parse(preparedAt) + ORDER_LIFETIME_MS);
}

const isBlank = (value: string) => value.trim() === '';
const transactionIdOf = (key: PxOrderKey) =>
  isBlank(key.transactionId) ? null : key.transactionId;

/** Empty ids: Px 2030, 2225, 2070. */
export function checkOrderKey(key: PxOrderKey): void {
  const transactionId = transactionIdOf(key);
  if (isBlank(key.partnerId)) throw pxError('2030', { transactionId });
  if (isBlank(key.partnerOrderId)) throw pxError('2225', { transactionId });
  if (transactionId === null) throw pxError('2070', { transactionId });
}

/** Empty sales code (2000) or address (2025), which disclosure and completion both need. */
export function checkSaleFields(
  request: PxOrderKey & { salesCode: string; addressDetailId: string },
): void {
  const transactionId = transactionIdOf(request);
  if (isBlank(request.salesCode)) throw pxError('2000', { transactionId });
  if (isBlank(request.addressDetailId)) throw pxError('2025', { transactionId });
}

/**
 * Px 2131: a transaction id stays with the partner and partnerOrderId it was
 * first retrieved with. Answers that first disclosure, which is then this
 * key's own (Px prepares an order flow once), when the journal has it.
 */
export async function checkPairUnchanged(
  journal: OrderJournal,
  key: PxOrderKey,
): Promise<DisclosureRecord | undefined> {
  const first = await journal.disclosureOfTransaction(key.transactionId);
  if (
    first &&
    (first.key.partnerId !== key.partnerId || first.key.partnerOrderId !== key.partnerOrderId)
  ) {
    throw pxError('2131', { transactionId: key.transactionId });
  }
  return first;
}

/** Px 1215. */
export function checkGiftCards(giftCardIds: readonly string[], transactionId: string): void {
  if (giftCardIds.length > MAX_GIFT_CARDS) throw pxError('1215', { transactionId });
}

/** Px 1210: the agent says the customer did not accept. */
export function checkRccAccepted(rccAccepted: boolean, transactionId: string): void {
  if (!rccAccepted) throw pxError('1210', { transactionId });
}

/** Px 2215, seen early when this subgraph retrieved the disclosure itself. */
export function checkNotExpired(disclosure: DisclosureRecord | undefined, now: number): void {
  if (!disclosure) return;
  const expiry = expiresAt(disclosure.rcc.preparedAt);
  if (expiry.getTime() > now) return;
  throw pxError('2215', { transactionId: disclosure.key.transactionId, expiredAt: expiry });
}
