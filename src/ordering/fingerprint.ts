import { createHmac } from 'node:crypto';
import type { PxCompleteOrderRequest } from '../upstreams/px/types.js';

/**
 * What makes two completeOrder calls for one order the same request: its
 * material input, as a keyed hash. The journal keeps this, never the payment
 * token; the key (random, one per journal) means a fingerprint cannot be
 * matched against a precomputed table of tokens.
 */
export function submissionFingerprint(request: PxCompleteOrderRequest, key: string): string {
  const material = JSON.stringify([
    request.salesCode,
    request.addressDetailId,
    request.rccAccepted,
    request.acceptanceMethod,
    request.paymentToken,
    [...request.giftCards].sort(),
  ]);
  return createHmac('sha256', key).update(material).digest('base64url');
}
