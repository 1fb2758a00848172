import { setTimeout as sleep } from 'node:timers/promises';
import {
  TypedError,
  isTypedError,
  resultOrTypedError,
  upstreamUnavailable,
  type TypedErrorResult,
} from '../errors.js';
import type { Logger } from '../logger.js';
import type { OrderJournal } from '../store/journal.js';
import type { OrderRecord } from '../store/types.js';
import type { CallContext } from '../upstreams/call-context.js';
import type {
  PxAcceptanceMethod,
  PxClient,
  PxCompleteOrderRequest,
} from '../upstreams/px/types.js';
import {
  checkGiftCards,
  checkNotExpired,
  checkOrderKey,
  checkPairUnchanged,
  checkRequired,
  transactionMismatch,
} from './local-checks.js';

export interface OrderCompletedResult {
  __typename: 'OrderCompleted';
  order: OrderRecord;
  replayed: boolean;
}

export type CompleteOrderOutcome = OrderCompletedResult | TypedErrorResult;

export interface OrderSubmitter {
  completeOrder(request: PxCompleteOrderRequest, call: CallContext): Promise<CompleteOrderOutcome>;
}

export interface OrderSubmitterOptions {
  /** How long a claim holds if its holder dies mid-submission: above Px's timeout. */
  claimTtlMs: number;
  /** How often a duplicate on another replica looks for the first one's outcome. */
  pollIntervalMs?: number;
  now?: () => number;
  /** Attempts at writing the journal after Px took an order. */
  journalWriteAttempts?: number;
}

/**
 * completeOrder, made idempotent by the journal. A completed partnerOrderId
 * is answered from the journal (replayed) without calling Px; of concurrent
 * duplicates only the claim holder calls Px, the rest answer its outcome.
 * Only success is journaled as done: after a typed error the agent may fix
 * the input and call again, and after a timeout the outcome is unknown, so
 * the next call goes to Px, which answers 2130 if it had taken the order.
 */
export function createOrderSubmitter(
  deps: { px: PxClient; journal: OrderJournal; logger: Logger },
  options: OrderSubmitterOptions,
): OrderSubmitter {
  const now = options.now ?? Date.now;
  const pollIntervalMs = options.pollIntervalMs ?? 100;
  const journalWriteAttempts = options.journalWriteAttempts ?? 3;
  const inFlight = new Map<string, Promise<CompleteOrderOutcome>>();

  async function completeOrder(
    request: PxCompleteOrderRequest,
    call: CallContext,
  ): Promise<CompleteOrderOutcome> {
    const receivedAt = now();
    return resultOrTypedError(async () => {
      checkLocally(request);
      const earlier = await deps.journal.order(request.partnerOrderId);
      if (earlier) return replayOf(earlier, request);
      await checkPairUnchanged(deps.journal, request);
      checkNotExpired(
        await deps.journal.disclosure(request.partnerOrderId, request.transactionId),
        receivedAt,
      );

      const running = inFlight.get(request.partnerOrderId);
      if (running) return asReplay(await running);
      const submission = submitOnce(request, call, receivedAt);
      inFlight.set(request.partnerOrderId, submission);
      try {
        return await submission;
      } finally {
        inFlight.delete(request.partnerOrderId);
      }
    });
  }

  function checkLocally(request: PxCompleteOrderRequest): void {
    checkOrderKey(request);
    checkRequired(
      'salesCode',
      request.salesCode,
      'Missing or invalid sales code.',
      request.transactionId,
    );
    checkRequired(
      'addressDetailId',
      request.addressDetailId,
      'Missing or invalid address detail id.',
      request.transactionId,
    );
    checkGiftCards(request.giftCards, request.transactionId);
    if (!request.rccAccepted) {
      throw new TypedError({
        __typename: 'RccNotAcceptedError',
        code: 'RCC_NOT_ACCEPTED',
        message: 'RCC must be accepted to submit an order; please correct and resubmit.',
        upstreamCode: null,
        transactionId: request.transactionId,
      });
    }
  }

  function replayOf(order: OrderRecord, request: PxCompleteOrderRequest): OrderCompletedResult {
    if (order.key.transactionId !== request.transactionId) throw transactionMismatch(request);
    return { __typename: 'OrderCompleted', order, replayed: true };
  }

  async function submitOnce(
    request: PxCompleteOrderRequest,
    call: CallContext,
    receivedAt: number,
  ): Promise<CompleteOrderOutcome> {
    for (;;) {
      const claim = await deps.journal.claim(request.partnerOrderId, options.claimTtlMs);
      if (claim.kind === 'completed') return replayOf(claim.order, request);
      if (claim.kind === 'claimed') {
        return resultOrTypedError(() => submitClaimed(request, call, receivedAt, claim.token));
      }
      // Another replica holds the claim: its outcome is ours once it is journaled.
      if (Date.now() + pollIntervalMs >= call.deadline) throw upstreamUnavailable('PX');
      await sleep(pollIntervalMs);
      const order = await deps.journal.order(request.partnerOrderId);
      if (order) return replayOf(order, request);
    }
  }

  async function submitClaimed(
    request: PxCompleteOrderRequest,
    call: CallContext,
    receivedAt: number,
    token: string,
  ): Promise<OrderCompletedResult> {
    let order: OrderRecord;
    try {
      const acceptance = await acceptanceFor(request, call, receivedAt);
      const completed = await deps.px.completeOrder(request, call);
      order = { key: keyOf(request), order: completed, acceptance };
    } catch (error) {
      await deps.journal.release(request.partnerOrderId, token).catch((releaseError: unknown) => {
        call.logger.warn(
          { err: releaseError },
          'could not release an order claim; it lapses on its own',
        );
      });
      if (isTypedError(error) && error.result.__typename === 'OrderAlreadySubmittedError') {
        const known = await deps.journal.order(request.partnerOrderId);
        throw new TypedError({ ...error.result, order: known ?? null });
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
  async function acceptanceFor(
    request: PxCompleteOrderRequest,
    call: CallContext,
    receivedAt: number,
  ): Promise<OrderRecord['acceptance']> {
    const verbal = {
      method: 'VERBAL' as PxAcceptanceMethod,
      acceptedAt: new Date(receivedAt).toISOString(),
    };
    if (request.acceptanceMethod === 'VERBAL') return verbal;
    const recorded = await deps.px.getRccAcceptance(keyOf(request), call);
    if (recorded.accepted && recorded.acceptanceMethod && recorded.acceptedAt) {
      return { method: recorded.acceptanceMethod, acceptedAt: recorded.acceptedAt };
    }
    // Px decides (1210); should it take the order anyway, the agent's word is all there is.
    return { method: request.acceptanceMethod, acceptedAt: verbal.acceptedAt };
  }

  /** Px took the order: the journal write must not be what loses it. */
  async function journalCompleted(
    token: string,
    order: OrderRecord,
    logger: Logger,
  ): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await deps.journal.complete(token, order);
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

  return { completeOrder };
}

function keyOf(request: PxCompleteOrderRequest) {
  return {
    partnerId: request.partnerId,
    partnerOrderId: request.partnerOrderId,
    transactionId: request.transactionId,
  };
}

function asReplay(outcome: CompleteOrderOutcome): CompleteOrderOutcome {
  return outcome.__typename === 'OrderCompleted' ? { ...outcome, replayed: true } : outcome;
}
