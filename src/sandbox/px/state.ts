import { randomInt } from 'node:crypto';
import type { PxFailure } from './errors.js';
import {
  COMPLETE_WINDOW_MINUTES,
  DECLINING_DESTINATION_MARKER,
  EXPIRED_PREPARED_MINUTES_AGO,
  EXPIRED_TRANSACTION_PREFIX,
  PX_ADDRESSES,
  PX_PARTNER_IDS,
  PX_PAYMENT_TOKENS,
  PX_SALES_CODES,
  type FixtureCharge,
  type FixtureItem,
  type ServiceableAddress,
} from './fixtures.js';

/**
 * Px's order flow as the sandbox keeps it: prepared transactions, sends,
 * acceptances and submitted orders, in memory, one instance per sandbox. It
 * takes requests already parsed from JSON and answers a body or a failure; the
 * server turns failures into the seed's HTTP statuses and messages.
 */

export type DeliveryMethod = 'SMS' | 'EMAIL';
export type AcceptanceMethod = 'VERBAL' | DeliveryMethod;

export interface OrderKey {
  partnerId: string;
  partnerOrderId: string;
  transactionId: string;
}

export interface RetrieveRccInput extends OrderKey {
  salesCode: string;
  addressDetailId: string;
}

export interface SendRccInput extends OrderKey {
  deliveryMethod: DeliveryMethod;
  destination: string;
}

export interface CompleteOrderInput extends OrderKey {
  salesCode: string;
  addressDetailId: string;
  /** Null when the request left it out, which Px reads as not accepted. */
  rccAccepted: boolean | null;
  acceptanceMethod: AcceptanceMethod | null;
  paymentToken: string | null;
  giftCards: string[];
}

export interface RetrieveRccBody {
  transactionId: string;
  partnerOrderId: string;
  preparedAt: string;
  rcc: {
    sections: { title: string; text: string }[];
    charges: FixtureCharge[];
    taxEstimate: { amount: string; currency: string };
  };
}

export interface SendRccBody {
  transactionId: string;
  partnerOrderId: string;
  deliveryMethod: DeliveryMethod;
  status: 'SENT';
  sentAt: string;
}

export interface RccAcceptanceBody {
  transactionId: string;
  partnerOrderId: string;
  accepted: boolean;
  acceptanceMethod: AcceptanceMethod | null;
  acceptedAt: string | null;
}

export interface CompleteOrderBody {
  transactionId: string;
  partnerOrderId: string;
  orderNumber: string;
  status: 'ACKNOWLEDGED';
  submittedAt: string;
  items: FixtureItem[];
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; failure: PxFailure };

export interface PxOrderFlow {
  retrieveRcc(input: RetrieveRccInput): Outcome<RetrieveRccBody>;
  sendRcc(input: SendRccInput): Outcome<SendRccBody>;
  getRccAcceptance(input: OrderKey): Outcome<RccAcceptanceBody>;
  completeOrder(input: CompleteOrderInput): Outcome<CompleteOrderBody>;
  /** Orders completed successfully so far. */
  submittedOrders(): number;
  /** The partnerOrderId of each order taken. */
  submittedPartnerOrderIds(): string[];
}

interface Acceptance {
  method: AcceptanceMethod;
  at: Date;
}

interface Transaction {
  partnerId: string;
  partnerOrderId: string;
  preparedAt: Date;
  addressDetailId: string;
  address: ServiceableAddress;
  acceptance: Acceptance | null;
  order: CompleteOrderBody | null;
}

const MINUTE_MS = 60_000;

const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });
const fail = (failure: PxFailure): { ok: false; failure: PxFailure } => ({ ok: false, failure });

export function createPxOrderFlow(options: { now: () => Date }): PxOrderFlow {
  const { now } = options;
  const transactions = new Map<string, Transaction>();
  const orderNumbers = new Set<string>();

  /**
   * The checks every route shares, in Px's order: partner, partner order id,
   * transaction id, then the pair. A transaction prepared for another partner
   * is not this partner's to see, so it reads as an invalid transaction id.
   */
  function lookUp(
    key: OrderKey,
  ): { ok: true; transaction: Transaction | undefined } | { ok: false; failure: PxFailure } {
    if (!PX_PARTNER_IDS.has(key.partnerId)) return fail({ kind: 'invalidPartnerId' });
    if (key.partnerOrderId === '') return fail({ kind: 'missingPartnerOrderId' });
    if (key.transactionId === '') return fail({ kind: 'invalidTransactionId' });
    const transaction = transactions.get(key.transactionId);
    if (transaction && transaction.partnerId !== key.partnerId) {
      return fail({ kind: 'invalidTransactionId' });
    }
    if (transaction && transaction.partnerOrderId !== key.partnerOrderId) {
      return fail({ kind: 'pairChanged' });
    }
    return { ok: true, transaction };
  }

  /** Send, acceptance and complete only make sense for a transaction whose RCC was retrieved. */
  function lookUpPrepared(
    key: OrderKey,
  ): { ok: true; transaction: Transaction } | { ok: false; failure: PxFailure } {
    const found = lookUp(key);
    if (!found.ok) return found;
    if (!found.transaction) return fail({ kind: 'invalidTransactionId' });
    return { ok: true, transaction: found.transaction };
  }

  /** The sandbox has no prepare step: the first retrieve of a transaction stands in for it. */
  function prepareTime(transactionId: string): Date {
    const at = now();
    return transactionId.startsWith(EXPIRED_TRANSACTION_PREFIX)
      ? new Date(at.getTime() - EXPIRED_PREPARED_MINUTES_AGO * MINUTE_MS)
      : at;
  }

  function newOrderNumber(): string {
    let orderNumber: string;
    do {
      orderNumber = `PX${randomInt(0, 100_000_000).toString().padStart(8, '0')}`;
    } while (orderNumbers.has(orderNumber));
    orderNumbers.add(orderNumber);
    return orderNumber;
  }

  /**
   * An electronic acceptance must already be on record by the method the agent
   * names; a VERBAL one is taken on the agent's word, on this call.
   */
  function acceptanceFor(
    transaction: Transaction,
    input: CompleteOrderInput,
    at: Date,
  ): Acceptance | null {
    if (input.rccAccepted !== true) return null;
    const onRecord = transaction.acceptance;
    switch (input.acceptanceMethod) {
      case 'VERBAL':
        return onRecord ?? { method: 'VERBAL', at };
      case null:
        return onRecord;
      default:
        return onRecord?.method === input.acceptanceMethod ? onRecord : null;
    }
  }

  function paymentFailure(
    address: ServiceableAddress,
    input: CompleteOrderInput,
    supportPhone: string,
  ): PxFailure | null {
    const token = input.paymentToken ?? '';
    if (token === '') {
      const upFront = address.items.some((item) =>
        item.charges.some((charge) => charge.recurrence === 'ONE_TIME'),
      );
      return upFront ? { kind: 'paymentTokenRequired' } : null;
    }
    switch (PX_PAYMENT_TOKENS.get(token) ?? 'declined') {
      case 'approved':
        return null;
      case 'unavailable':
        return { kind: 'paymentSystemDown', supportPhone };
      case 'declined':
        return { kind: 'paymentDeclined' };
    }
  }

  return {
    retrieveRcc(input) {
      const found = lookUp(input);
      if (!found.ok) return found;
      const salesCode = PX_SALES_CODES.get(input.salesCode);
      if (!salesCode) return fail({ kind: 'invalidSalesCode' });
      const address = PX_ADDRESSES.get(input.addressDetailId);
      if (!address) return fail({ kind: 'invalidAddressDetailId' });
      if (address.kind === 'taxEstimateDown') return fail({ kind: 'taxEstimateUnavailable' });
      if (address.kind === 'noRcc') {
        return fail({ kind: 'rccUnavailable', supportPhone: salesCode.supportPhone });
      }

      let transaction = found.transaction;
      if (!transaction) {
        transaction = {
          partnerId: input.partnerId,
          partnerOrderId: input.partnerOrderId,
          preparedAt: prepareTime(input.transactionId),
          addressDetailId: input.addressDetailId,
          address,
          acceptance: null,
          order: null,
        };
        transactions.set(input.transactionId, transaction);
      } else if (
        transaction.order === null &&
        transaction.addressDetailId !== input.addressDetailId
      ) {
        // A new address is a new disclosure: what the customer accepted was the old one.
        transaction.addressDetailId = input.addressDetailId;
        transaction.address = address;
        transaction.acceptance = null;
      }

      return ok({
        transactionId: input.transactionId,
        partnerOrderId: input.partnerOrderId,
        preparedAt: transaction.preparedAt.toISOString(),
        rcc: {
          sections: structuredClone(address.sections),
          charges: address.items.flatMap((item) => structuredClone(item.charges)),
          taxEstimate: { ...address.taxEstimate },
        },
      });
    },

    sendRcc(input) {
      const found = lookUpPrepared(input);
      if (!found.ok) return found;
      const { transaction } = found;
      const sentAt = now();
      // The sandbox's customer reads the message at once and accepts it, by
      // that channel, unless the destination says they decline.
      const declines = input.destination.toLowerCase().includes(DECLINING_DESTINATION_MARKER);
      if (!declines && transaction.acceptance === null) {
        transaction.acceptance = { method: input.deliveryMethod, at: sentAt };
      }
      return ok({
        transactionId: input.transactionId,
        partnerOrderId: input.partnerOrderId,
        deliveryMethod: input.deliveryMethod,
        status: 'SENT',
        sentAt: sentAt.toISOString(),
      });
    },

    getRccAcceptance(input) {
      const found = lookUpPrepared(input);
      if (!found.ok) return found;
      const { acceptance } = found.transaction;
      return ok({
        transactionId: input.transactionId,
        partnerOrderId: input.partnerOrderId,
        accepted: acceptance !== null,
        acceptanceMethod: acceptance?.method ?? null,
        acceptedAt: acceptance?.at.toISOString() ?? null,
      });
    },

    // Checked in this order, each failure ending the call: auth (the server),
    // partner, partnerOrderId, transactionId, pair (2131), sales code, address,
    // already submitted (2130), expired (2215), gift cards (1215), acceptance
    // (1210), payment (1130, 1099, payment system down).
    completeOrder(input) {
      const found = lookUpPrepared(input);
      if (!found.ok) return found;
      const { transaction } = found;
      const salesCode = PX_SALES_CODES.get(input.salesCode);
      if (!salesCode) return fail({ kind: 'invalidSalesCode' });
      // Px completes the order it prepared: another address, even a known one,
      // is not this order's.
      if (input.addressDetailId !== transaction.addressDetailId) {
        return fail({ kind: 'invalidAddressDetailId' });
      }
      if (transaction.order !== null) return fail({ kind: 'alreadySubmitted' });
      const at = now();
      if (at.getTime() - transaction.preparedAt.getTime() > COMPLETE_WINDOW_MINUTES * MINUTE_MS) {
        return fail({ kind: 'expired' });
      }
      if (input.giftCards.length > 1) return fail({ kind: 'tooManyGiftCards' });
      const acceptance = acceptanceFor(transaction, input, at);
      if (!acceptance) return fail({ kind: 'rccNotAccepted' });
      const payment = paymentFailure(transaction.address, input, salesCode.supportPhone);
      if (payment) return fail(payment);

      const order: CompleteOrderBody = {
        transactionId: input.transactionId,
        partnerOrderId: input.partnerOrderId,
        orderNumber: newOrderNumber(),
        status: 'ACKNOWLEDGED',
        submittedAt: at.toISOString(),
        items: structuredClone(transaction.address.items),
      };
      transaction.acceptance = acceptance;
      transaction.order = order;
      return ok(structuredClone(order));
    },

    submittedOrders() {
      return this.submittedPartnerOrderIds().length;
    },

    submittedPartnerOrderIds() {
      return [...transactions.values()].flatMap((transaction) =>
        transaction.order === null ? [] : [transaction.order.partnerOrderId],
      );
    },
  };
}
