import { setTimeout as sleep } from 'node:timers/promises';
import { assert, describe, expect, it } from 'vitest';
import { upstreamUnavailable } from '../../src/errors.js';
import { createLogger } from '../../src/observability/logger.js';
import { createOrderFlow, type OrderFlowOptions } from '../../src/ordering/order-flow.js';
import type { OrderJournal } from '../../src/store/journal.js';
import type { OrderRecord } from '../../src/store/types.js';
import { createMemoryJournal } from '../../src/store/memory-journal.js';
import { pxError } from '../../src/upstreams/px/errors.js';
import type {
  PxAcceptance,
  PxClient,
  PxCompleteOrderRequest,
  PxCompletedOrder,
  PxRcc,
} from '../../src/upstreams/px/types.js';
import { callContext, completeRequest, retrieveRequest } from '../helpers/px.js';

/**
 * The order flow's rules, driven directly: a fake Px whose every answer the
 * test decides, and the memory journal. What Px sees is what the fake records.
 */
interface FakePx extends PxClient {
  completions: PxCompleteOrderRequest[];
  acceptanceReads: number;
  inFlight: number;
  maxInFlight: number;
  /** What the next completions do; by default Px takes the order at once. */
  completeWith: (request: PxCompleteOrderRequest) => Promise<PxCompletedOrder>;
  acceptWith: () => Promise<PxAcceptance>;
  preparedAt: string;
}

function createFakePx(): FakePx {
  const fake: FakePx = {
    completions: [],
    acceptanceReads: 0,
    inFlight: 0,
    maxInFlight: 0,
    preparedAt: new Date().toISOString(),
    completeWith: async (request) => takenOrder(request),
    acceptWith: async () => ({
      transactionId: 'ignored',
      partnerOrderId: 'ignored',
      accepted: true,
      acceptanceMethod: 'SMS',
      acceptedAt: '2026-12-04T10:00:00.000Z',
    }),
    async retrieveRcc(request): Promise<PxRcc> {
      return {
        transactionId: request.transactionId,
        partnerOrderId: request.partnerOrderId,
        preparedAt: fake.preparedAt,
        rcc: { sections: [{ title: 'T', text: 'x' }], charges: [], taxEstimate: null },
      };
    },
    async sendRcc(request) {
      return {
        transactionId: request.transactionId,
        partnerOrderId: request.partnerOrderId,
        deliveryMethod: request.deliveryMethod,
        status: 'SENT',
        sentAt: '2026-12-04T10:00:00.000Z',
      };
    },
    async getRccAcceptance(key) {
      fake.acceptanceReads += 1;
      return { ...(await fake.acceptWith()), ...key };
    },
    async completeOrder(request) {
      fake.completions.push(request);
      fake.inFlight += 1;
      fake.maxInFlight = Math.max(fake.maxInFlight, fake.inFlight);
      try {
        return await fake.completeWith(request);
      } finally {
        fake.inFlight -= 1;
      }
    },
    async close() {},
  };
  return fake;
}

function takenOrder(request: PxCompleteOrderRequest, orderNumber = 'PX00000001'): PxCompletedOrder {
  return {
    transactionId: request.transactionId,
    partnerOrderId: request.partnerOrderId,
    orderNumber,
    status: 'ACKNOWLEDGED',
    submittedAt: '2026-12-04T10:01:00.000Z',
    items: [],
  };
}

function flowOf(
  px: FakePx,
  journal: OrderJournal = createMemoryJournal({ retentionMs: 3_600_000 }),
  options: Partial<OrderFlowOptions> = {},
) {
  const flow = createOrderFlow(
    { px, journal, logger: createLogger('silent') },
    { pxTimeoutMs: 1000, pollIntervalMs: 10, ...options },
  );
  return { flow, journal };
}

/** Promise.withResolvers, which Node 20 lacks. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}

const call = (deadlineMs = 5_000) => callContext(createLogger('silent'), deadlineMs);

/** How an error names an order: by what `order(partnerId, partnerOrderId)` takes. */
const refOf = ({ key }: OrderRecord) => ({
  partnerId: key.partnerId,
  partnerOrderId: key.partnerOrderId,
});

describe('the order flow: completion', () => {
  it('submits once and answers an identical retry from the journal, without Px', async () => {
    const px = createFakePx();
    const { flow } = flowOf(px);
    const request = completeRequest(retrieveRequest());
    const first = await flow.complete(request, call());
    expect(first).toMatchObject({ __typename: 'OrderCompleted', replayed: false });
    const again = await flow.complete({ ...request, giftCards: [] }, call());
    expect(again).toMatchObject({ __typename: 'OrderCompleted', replayed: true });
    assert(again.__typename === 'OrderCompleted' && first.__typename === 'OrderCompleted');
    expect(again.order).toEqual(first.order);
    expect(px.completions).toHaveLength(1);
  });

  it.each([
    ['salesCode', { salesCode: 'SC200' }],
    ['addressDetailId', { addressDetailId: 'ADDR-1' }],
    ['acceptanceMethod', { acceptanceMethod: 'SMS' as const }],
    ['paymentToken', { paymentToken: 'tok_other' }],
    ['giftCardIds', { giftCards: ['GC-1'] }],
  ])(
    'answers a retry with another %s as OrderAlreadySubmittedError with the earlier order, without Px',
    async (_field, change) => {
      const px = createFakePx();
      const { flow } = flowOf(px);
      const request = completeRequest(retrieveRequest(), { paymentToken: 'tok_visa' });
      const first = await flow.complete(request, call());
      assert(first.__typename === 'OrderCompleted');
      const differing = await flow.complete({ ...request, ...change }, call());
      expect(differing).toMatchObject({
        __typename: 'OrderAlreadySubmittedError',
        upstreamCode: '2130',
        orderRef: refOf(first.order),
      });
      expect(px.completions).toHaveLength(1);
    },
  );

  it('never keeps the payment token in the journal', async () => {
    const px = createFakePx();
    const { flow, journal } = flowOf(px);
    const request = completeRequest(retrieveRequest(), { paymentToken: 'tok_secret_4242' });
    await flow.complete(request, call());
    const [record] = await journal.orders([request]);
    expect(JSON.stringify(record)).not.toContain('tok_secret_4242');
    expect(record?.fingerprint).toMatch(/^[\w-]{43}$/);
  });

  it('keeps two partners with one partnerOrderId apart: each submits its own order', async () => {
    const px = createFakePx();
    px.completeWith = async (request) => takenOrder(request, `PX-${request.partnerId}`);
    const { flow } = flowOf(px);
    const first = completeRequest(retrieveRequest({ partnerOrderId: 'PO-shared' }));
    const second = { ...first, partnerId: 'P-1002', transactionId: `${first.transactionId}-2` };
    const answers = [await flow.complete(first, call()), await flow.complete(second, call())];
    expect(answers.map((answer) => answer.__typename)).toEqual([
      'OrderCompleted',
      'OrderCompleted',
    ]);
    expect(px.completions.map((request) => request.partnerId)).toEqual(['P-1001', 'P-1002']);
  });

  it('answers 2131, without Px, for a transaction id first retrieved by another partner', async () => {
    const px = createFakePx();
    const { flow } = flowOf(px);
    const retrieved = retrieveRequest();
    await flow.disclosure(retrieved, call());
    const answer = await flow.complete(
      completeRequest({ ...retrieved, partnerId: 'P-1002' }),
      call(),
    );
    expect(answer).toMatchObject({ __typename: 'TransactionMismatchError', upstreamCode: '2131' });
    expect(px.completions).toHaveLength(0);
  });

  it('answers a completed order retried with another transaction id as 2131', async () => {
    const px = createFakePx();
    const { flow } = flowOf(px);
    const request = completeRequest(retrieveRequest());
    await flow.complete(request, call());
    const answer = await flow.complete({ ...request, transactionId: 'TX-other' }, call());
    expect(answer).toMatchObject({ __typename: 'TransactionMismatchError' });
    expect(px.completions).toHaveLength(1);
  });

  it('holds the claim across the acceptance read: a duplicate arriving meanwhile never reaches Px', async () => {
    const px = createFakePx();
    let acceptanceStarted!: () => void;
    const started = new Promise<void>((resolve) => (acceptanceStarted = resolve));
    const acceptNow = deferred<PxAcceptance>();
    px.acceptWith = () => {
      acceptanceStarted();
      return acceptNow.promise;
    };
    const { flow } = flowOf(px);
    const request = completeRequest(retrieveRequest(), { acceptanceMethod: 'SMS' });
    const first = flow.complete(request, call());
    await started;
    const duplicate = flow.complete(request, call());
    await sleep(50);
    expect(px.completions).toHaveLength(0);
    acceptNow.resolve({
      transactionId: request.transactionId,
      partnerOrderId: request.partnerOrderId,
      accepted: true,
      acceptanceMethod: 'SMS',
      acceptedAt: '2026-12-04T10:00:00.000Z',
    });
    expect(await first).toMatchObject({ __typename: 'OrderCompleted', replayed: false });
    expect(await duplicate).toMatchObject({ __typename: 'OrderCompleted', replayed: true });
    expect(px.completions).toHaveLength(1);
    expect(px.acceptanceReads).toBe(1);
  });

  it('tells a duplicate that waited its whole deadline that the order is in progress, and never submits beside it', async () => {
    const px = createFakePx();
    const release = deferred<undefined>();
    px.completeWith = async (request) => {
      await release.promise;
      return takenOrder(request);
    };
    const { flow } = flowOf(px);
    const request = completeRequest(retrieveRequest());
    const first = flow.complete(request, call(5_000));
    await sleep(20);
    const impatient = await flow.complete(request, call(200));
    expect(impatient).toMatchObject({
      __typename: 'UpstreamUnavailableError',
      upstream: 'PX',
      retryAfterSeconds: 1,
    });
    assert(impatient.__typename === 'UpstreamUnavailableError');
    expect(impatient.message).toContain('being submitted by another request');
    release.resolve(undefined);
    expect(await first).toMatchObject({ __typename: 'OrderCompleted', replayed: false });
    expect(px.maxInFlight).toBe(1);
    expect(px.completions).toHaveLength(1);
  });

  it('sizes the claim from the time the request has left plus Px timeout', async () => {
    const px = createFakePx();
    const ttls: number[] = [];
    const journal = createMemoryJournal({ retentionMs: 3_600_000 });
    const claim = journal.claim.bind(journal);
    journal.claim = (ref, ttlMs) => {
      ttls.push(ttlMs);
      return claim(ref, ttlMs);
    };
    const { flow } = flowOf(px, journal, { pxTimeoutMs: 3_000 });
    await flow.complete(completeRequest(retrieveRequest()), call(25_000));
    expect(ttls).toHaveLength(1);
    expect(ttls[0]).toBeGreaterThan(27_000);
    expect(ttls[0]).toBeLessThanOrEqual(28_000);
  });

  it('lets a claim whose holder died lapse, then submits', async () => {
    const px = createFakePx();
    const { flow, journal } = flowOf(px);
    const request = completeRequest(retrieveRequest());
    // A holder that claimed and crashed before reaching Px.
    const orphan = await journal.claim(request, 100);
    expect(orphan.kind).toBe('claimed');
    const answer = await flow.complete(request, call(3_000));
    expect(answer).toMatchObject({ __typename: 'OrderCompleted', replayed: false });
    expect(px.completions).toHaveLength(1);
  });

  it('releases the claim after a typed error, so the corrected input reaches Px', async () => {
    const px = createFakePx();
    px.completeWith = async (request) => {
      if (request.paymentToken === 'tok_declined') {
        throw pxError('1099', { transactionId: request.transactionId });
      }
      return takenOrder(request);
    };
    const { flow } = flowOf(px);
    const request = completeRequest(retrieveRequest(), { paymentToken: 'tok_declined' });
    expect(await flow.complete(request, call())).toMatchObject({
      __typename: 'PaymentDeclinedError',
    });
    expect(await flow.complete({ ...request, paymentToken: 'tok_visa' }, call())).toMatchObject({
      __typename: 'OrderCompleted',
      replayed: false,
    });
    expect(px.completions).toHaveLength(2);
  });

  it('answers Px 2130 naming the order the journal has', async () => {
    const px = createFakePx();
    const { flow, journal } = flowOf(px);
    const request = completeRequest(retrieveRequest());
    const first = await flow.complete(request, call());
    assert(first.__typename === 'OrderCompleted');
    // Another replica's journal, say, that has the order while this request's claim was free.
    px.completeWith = async (r) => {
      throw pxError('2130', { transactionId: r.transactionId });
    };
    const stale = { ...journal, claim: async () => ({ kind: 'claimed' as const, token: 't' }) };
    const { flow: other } = flowOf(px, stale);
    expect(await other.complete(request, call())).toMatchObject({
      __typename: 'OrderAlreadySubmittedError',
      orderRef: refOf(first.order),
    });
    expect(await journal.orders([refOf(first.order)])).toEqual([first.order]);
  });

  it('answers OrderAlreadySubmittedError, never an internal error, for a record it cannot serve', async () => {
    const px = createFakePx();
    const journal = createMemoryJournal({ retentionMs: 3_600_000 });
    journal.claim = async () => ({ kind: 'completed', order: null });
    const { flow } = flowOf(px, journal);
    expect(await flow.complete(completeRequest(retrieveRequest()), call())).toMatchObject({
      __typename: 'OrderAlreadySubmittedError',
      orderRef: null,
    });
    expect(px.completions).toHaveLength(0);
  });

  it('answers the order Px took even when the journal cannot record it', async () => {
    const px = createFakePx();
    const journal = createMemoryJournal({ retentionMs: 3_600_000 });
    journal.complete = async () => {
      throw new Error('journal down');
    };
    const { flow } = flowOf(px, journal);
    expect(await flow.complete(completeRequest(retrieveRequest()), call())).toMatchObject({
      __typename: 'OrderCompleted',
      replayed: false,
    });
  });

  it('answers 2215 without Px when the disclosure it retrieved is over 120 minutes old', async () => {
    const px = createFakePx();
    px.preparedAt = new Date(Date.now() - 121 * 60_000).toISOString();
    const { flow } = flowOf(px);
    const retrieved = retrieveRequest();
    await flow.disclosure(retrieved, call());
    const answer = await flow.complete(completeRequest(retrieved), call());
    expect(answer).toMatchObject({
      __typename: 'OrderExpiredError',
      upstreamCode: '2215',
      expiredAt: new Date(Date.parse(px.preparedAt) + 120 * 60_000),
    });
    expect(px.completions).toHaveLength(0);
  });

  it('answers local checks with the Px row they stand in for, before any Px call', async () => {
    const px = createFakePx();
    const { flow } = flowOf(px);
    const request = completeRequest(retrieveRequest());
    const cases = [
      [{ salesCode: ' ' }, '2000'],
      [{ addressDetailId: '' }, '2025'],
      [{ partnerId: '' }, '2030'],
      [{ partnerOrderId: '' }, '2225'],
      [{ transactionId: '' }, '2070'],
      [{ giftCards: ['a', 'b'] as string[] }, '1215'],
      [{ rccAccepted: false }, '1210'],
    ] as const;
    for (const [change, code] of cases) {
      const answer = await flow.complete({ ...request, ...change }, call());
      expect(answer).toMatchObject({ upstreamCode: code });
    }
    expect(px.completions).toHaveLength(0);
  });

  it('fails an upstream failure of the acceptance read without submitting, and frees the claim', async () => {
    const px = createFakePx();
    px.acceptWith = async () => {
      throw upstreamUnavailable('PX');
    };
    const { flow } = flowOf(px);
    const request = completeRequest(retrieveRequest(), { acceptanceMethod: 'EMAIL' });
    expect(await flow.complete(request, call())).toMatchObject({
      __typename: 'UpstreamUnavailableError',
    });
    px.acceptWith = createFakePx().acceptWith;
    expect(await flow.complete(request, call())).toMatchObject({ __typename: 'OrderCompleted' });
    expect(px.completions).toHaveLength(1);
  });
});

describe('the order flow: disclosure, send and acceptance', () => {
  it('journals a disclosure under its partner', async () => {
    const px = createFakePx();
    const { flow, journal } = flowOf(px);
    const request = retrieveRequest();
    const record = await flow.disclosure(request, call());
    expect(record).toMatchObject({ key: { partnerId: 'P-1001' } });
    expect(await journal.disclosure(request)).toEqual(record);
    expect(await journal.disclosure({ ...request, partnerId: 'P-1002' })).toBeUndefined();
  });

  it('answers the send with the partner and a masked destination', async () => {
    const px = createFakePx();
    const { flow } = flowOf(px);
    const sent = await flow.send(
      { ...retrieveRequest(), deliveryMethod: 'SMS', destination: '17875550123' },
      call(),
    );
    expect(sent).toMatchObject({
      __typename: 'RccSent',
      partnerId: 'P-1001',
      destination: '***0123',
    });
  });

  it('derives the acceptance once: accepted with its method and time, or not at all', async () => {
    const px = createFakePx();
    const { flow } = flowOf(px);
    expect(await flow.acceptance(retrieveRequest(), call())).toMatchObject({
      accepted: true,
      acceptance: { method: 'SMS', acceptedAt: '2026-12-04T10:00:00.000Z' },
    });
    px.acceptWith = async () => ({
      transactionId: 'x',
      partnerOrderId: 'x',
      accepted: false,
      acceptanceMethod: null,
      acceptedAt: null,
    });
    expect(await flow.acceptance(retrieveRequest(), call())).toMatchObject({
      accepted: false,
      acceptance: null,
    });
  });
});
