import Type from 'typebox';
import { PxAnswerSchemas } from '../upstreams/px/types.js';

/**
 * The journal's records, declared once: the static types and the checks a
 * record read back from a shared store must pass before it is served. A
 * record that fails them (written by an older version, or damaged) is never
 * served as if it were whole.
 */
const OrderKeySchema = Type.Object({
  partnerId: Type.String(),
  partnerOrderId: Type.String(),
  transactionId: Type.String(),
});

/** How and when the customer accepted the RCC, once they have. */
const AcceptanceSchema = Type.Object({
  method: PxAnswerSchemas.acceptanceMethod,
  acceptedAt: Type.String(),
});

export const DisclosureRecordSchema = Type.Object({
  /** The partner the disclosure was retrieved for, with the pair Px answered. */
  key: OrderKeySchema,
  rcc: PxAnswerSchemas.rcc,
  retrievedAt: Type.String(),
});

export const OrderRecordSchema = Type.Object({
  key: OrderKeySchema,
  order: PxAnswerSchemas.completedOrder,
  acceptance: AcceptanceSchema,
  /**
   * A keyed hash of what was submitted (sales code, address, acceptance,
   * payment token, gift cards): a replay is the same order only if it asks
   * for the same thing. Never the payment token itself.
   */
  fingerprint: Type.String(),
});

/** A disclosure as Px gave it, with the partner it was retrieved for. */
export type DisclosureRecord = Type.Static<typeof DisclosureRecordSchema>;

export type Acceptance = Type.Static<typeof AcceptanceSchema>;

/** What completeOrder submitted and what Px answered: the journal's unit. */
export type OrderRecord = Type.Static<typeof OrderRecordSchema>;

/** An order is the partner's: its id is unique only within that partner. */
export interface OrderRef {
  partnerId: string;
  partnerOrderId: string;
}
