import { setTimeout as sleep } from 'node:timers/promises';
import {
  TypedError,
  isTypedError,
  resultOrTypedError,
  upstreamUnavailable,
  type TypedErrorResult,
} from '../errors.js';
import type { Logger } from '../observability/logger.js';
import type { OrderJournal } from '../store/journal.js';
import type { Acceptance, DisclosureRecord, OrderRecord, OrderRef } from '../store/types.js';
import type { CallContext } from '../upstreams/call-context.js';
import { pxError } from '../upstreams/px/errors.js';
import type {
  PxAcceptance,
  PxClient,
  PxCompleteOrderRequest,
  PxOrderKey,
  PxRetrieveRccRequest,
  PxSendRccRequest,
} from '../upstreams/px/types.js';
import { checkDestination, maskDestination } from './destination.js';
import { submissionFingerprint } from './fingerprint.js';
import {
  checkGiftCards,
  checkNotExpired,
  checkOrderKey,
  checkPairUnchanged,
  checkRccAccepted,
  checkSaleFields,
} from './local-checks.js';

export interface AcceptanceStatus {
  key: PxOrderKey;
  accepted: boolean;
  acceptance: Acceptance | null;
}

export interface RccSentResult extends PxOrderKey {
  __typename: 'RccSent';
  method: PxSendRccRequest['deliveryMethod'];
  /** Masked for display. */
  destination: string;
  sentAt: string;
}

export interface OrderCompletedResult {
  __typename: 'OrderCompleted';
  order: OrderRecord;
  replayed: boolean;
}

export type Outcome<T> = T | TypedErrorResult;

/**
 * The Px order flow, whole: disclosure, send, acceptance, completion. Each
 * step runs the local checks, then Px, then the journal, in that order, and
 * answers a typed error as a value. Resolvers call it and map what it
 * answers; nothing else calls Px's order endpoints or writes the journal.
 */
export interface OrderFlow {
  disclosure(request: PxRetrieveRccRequest, call: CallContext): Promise<Outcome<DisclosureRecord>>;
  send(request: PxSendRccRequest, call: CallContext): Promise<Outcome<RccSentResult>>;
  acceptance(key: PxOrderKey, call: CallContext): Promise<Outcome<AcceptanceStatus>>;
  complete(
    request: PxCompleteOrderRequest,
    call: CallContext,
  ): Promise<Outcome<OrderCompletedResult>>;
}

export interface OrderFlowOptions {
  /** Px's per-attempt timeout: how long a completion may still run at Px after the request's deadline. */
  pxTimeoutMs: number;
  /** How often a duplicate looks for the outcome of the submission it waits for. */
  pollIntervalMs?: number;
  now?: () => number;
  /** Attempts at writing the journal after Px took an order. */
  journalWriteAttempts?: number;
}

export function createOrderFlow(
  deps: { px: PxClient; journal: OrderJournal; logger: Logger },
  options: OrderFlowOptions,
): OrderFlow {
  const { px, journal } = deps;
  const now = options.now ?? Date.now;
  const pollIntervalMs = options.pollIntervalMs ?? 100;
  const journalWriteAttempts = options.journalWriteAttempts ?? 3;

  async function disclosure(
    request: PxRetrieveRccRequest,
    call: CallContext,
  ): Promise<Outcome<DisclosureRecord>> {
    return resultOrTypedError(async () => {
      checkOrderKey(request);
      checkSaleFields(request);
      await checkPairUnchanged(journal, request);
      const rcc = await px.retrieveRcc(request, call);
      const record: DisclosureRecord = {
        key: {
          partnerId: request.partnerId,
          partnerOrderId: rcc.partnerOrderId,
          transactionId: rcc.transactionId,
        },
        rcc,
        retrievedAt: new Date(now()).toISOString(),
      };
      // Px has the disclosure whatever happens here; the journal only speeds later checks up.
      await journal.saveDisclosure(record).catch((error: unknown) => {
        call.logger.warn({ err: error }, 'could not journal a disclosure; Px still has it');
      });
      return record;
    });
  }

  async function send(
    request: PxSendRccRequest,
    call: CallContext,
  ): Promise<Outcome<RccSentResult>> {
    return resultOrTypedError(async () => {
      checkOrderKey(request);
      checkDestination(request.deliveryMethod, request.destination, request.transactionId);
      await checkPairUnchanged(journal, request);
      const sent = await px.sendRcc(request, call);
      return {
        __typename: 'RccSent',
        partnerId: request.partnerId,
        partnerOrderId: sent.partnerOrderId,
        transactionId: sent.transactionId,
        method: sent.deliveryMethod,
        destination: maskDestination(request.deliveryMethod, request.destination),
        sentAt: sent.sentAt,
      };
    });
  }

  async function acceptance(
    key: PxOrderKey,
    call: CallContext,
  ): Promise<Outcome<AcceptanceStatus>> {
    return resultOrTypedError(async () => {
      checkOrderKey(key);
      await checkPairUnchanged(journal, key);
      const status = await px.getRccAcceptance(key, call);
      const accepted = acceptanceOf(status);
      return {
        key: {
          partnerId: key.partnerId,
          partnerOrderId: status.partnerOrderId,
          transactionId: status.transactionId,
        },
        accepted: accepted !== null,
        acceptance: accepted,
      };
    });
  }

  /**
   * completeOrder, made idempotent by the journal. The claim is taken before
   * anything else reaches Px (the acceptance read included) and holds past
   * the last moment this request can still reach Px, so no duplicate ever
   * submits beside it. A completed order is answered from the journal: the
   * same request as `replayed`, another one as OrderAlreadySubmittedError.
   * Only success is journaled: after a typed error the agent may fix the
   * input and call again, and after a timeout the outcome is unknown, so the
   * next call goes to Px, which answers 2130 if it had taken the order.
   */
  async function complete(
    request: PxCompleteOrderRequest,
    call: CallContext,
  ): Promise<Outcome<OrderCompletedResult>> {
    const receivedAt = now();
    return resultOrTypedError(async () => {
      checkOrderKey(request);
      checkSaleFields(request);
      checkGiftCards(request.giftCards, request.transactionId);
      checkRccAccepted(request.rccAccepted, request.transactionId);
      const disclosed = await checkPairUnchanged(journal, request);
      const fingerprint = submissionFingerprint(request, await journal.fingerprintKey());

      for (;;) {
        const claim = await journal.claim(request, claimTtlMs(call));
        if (claim.kind === 'completed') return replayOf(claim.order, request, fingerprint, call);
        if (claim.kind === 'claimed') {
          return submitClaimed(request, fingerprint, claim.token, call, receivedAt, disclosed);
        }
        // Another request holds the claim: its outcome is ours once it is journaled.
        if (now() + pollIntervalMs >= call.deadline) throw orderInProgress(request);
        await sleep(pollIntervalMs);
      }
    });
  }

  /**
   * Every Px attempt is capped at the time its request has left, so nothing
   * of this request reaches Px after its deadline; a Px answer already under
   * way may take up to Px's timeout more. The claim outlives both.
   */
  function claimTtlMs(call: CallContext): number {
    return Math.max(0, call.deadline - now()) + options.pxTimeoutMs;
  }

  function replayOf(
    order: OrderRecord | null,
    request: PxCompleteOrderRequest,
    fingerprint: string,
    call: CallContext,
  ): OrderCompletedResult {
    const transactionId = request.transactionId;
    if (order === null) {
      call.logger.error(
        { partnerOrderId: request.partnerOrderId },
        'the journal holds an order record it cannot serve; answering that the order was submitted',
      );
      throw pxError('2130', { transactionId, orderRef: null });
    }
    if (order.key.transactionId !== transactionId) throw pxError('2131', { transactionId });
    if (order.fingerprint !== fingerprint) {
      throw pxError('2130', { transactionId, orderRef: refOf(order.key) });
    }
    return { __typename: 'OrderCompleted', order, replayed: true };
  }

  async function submitClaimed(
    request: PxCompleteOrderRequest,
    fingerprint: string,
    token: string,
    call: CallContext,
    receivedAt: number,
    disclosed: DisclosureRecord | undefined,
  ): Promise<OrderCompletedResult> {
    let order: OrderRecord;
    try {
      checkNotExpired(disclosed, receivedAt);
      const accepted = await acceptanceAtSubmission(request, call, receivedAt);
      const completed = await px.completeOrder(request, call);
      order = { key: keyOf(request), order: completed, acceptance: accepted, fingerprint };
    } catch (error) {
      await journal.release(request, token).catch((releaseError: unknown) => {
        call.logger.warn(
          { err: releaseError },
          'could not release an order claim; it lapses on its own',
        );
      });
      if (isTypedError(error) && error.result.__typename === 'OrderAlreadySubmittedError') {
        throw pxError('2130', {
          transactionId: request.transactionId,
          orderRef: refOf(request),
        });
      }
      throw error;
    }
    await journalCompleted(token, order, call.logger);
    return { __typename: 'OrderCompleted', order, replayed: false };
  }

  /**
   * VERBAL is attested by the agent at completeOrder; EMAIL and SMS are what
   * Px recorded, read before submitting so the order keeps when it happened.
   */
  async function acceptanceAtSubmission(
    request: PxCompleteOrderRequest,
    call: CallContext,
    receivedAt: number,
  ): Promise<Acceptance> {
    const attested: Acceptance = {
      method: request.acceptanceMethod,
      acceptedAt: new Date(receivedAt).toISOString(),
    };
    if (request.acceptanceMethod === 'VERBAL') return attested;
    // Px decides (1210); should it take the order anyway, the agent's word is all there is.
    return acceptanceOf(await px.getRccAcceptance(request, call)) ?? attested;
  }

  /** Px took the order: the journal write must not be what loses it. */
  async function journalCompleted(
    token: string,
    order: OrderRecord,
    logger: Logger,
  ): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await journal.complete(token, order);
        return;
      } catch (error) {
        if (attempt >= journalWriteAttempts) {
          logger.error(
            {
              err: error,
              partnerOrderId: order.key.partnerOrderId,
              orderNumber: order.order.orderNumber,
            },
            'Px took an order the journal could not record; a retry will answer 2130 from Px',
          );
          return;
        }
        await sleep(50 * attempt);
      }
    }
  }

  return { disclosure, send, acceptance, complete };
}

/** Px's acceptance record, when it says the customer accepted. */
function acceptanceOf(status: PxAcceptance): Acceptance | null {
  if (!status.accepted || !status.acceptanceMethod || !status.acceptedAt) return null;
  return { method: status.acceptanceMethod, acceptedAt: status.acceptedAt };
}

/** The order's reference alone: never the request it came with, which holds a payment token. */
function refOf(key: OrderRef): OrderRef {
  return { partnerId: key.partnerId, partnerOrderId: key.partnerOrderId };
}

function keyOf(key: PxOrderKey): PxOrderKey {
  return {
    partnerId: key.partnerId,
    partnerOrderId: key.partnerOrderId,
    transactionId: key.transactionId,
  };
}

/** A duplicate that waited as long as its request may: the first submission is still running. */
function orderInProgress(request: PxOrderKey): TypedError {
  return new TypedError({
    ...upstreamUnavailable('PX', { transactionId: request.transactionId }).result,
    message: `This order is being submitted by another request; ask again shortly for its outcome; TxID ${request.transactionId}`,
    retryAfterSeconds: 1,
  });
}
