import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { assert, describe, expect, it } from 'vitest';
import type { JournalOptions, OrderJournal } from '../../src/store/journal.js';
import type { DisclosureRecord, OrderRecord, OrderRef } from '../../src/store/types.js';
import type { PxOrderKey } from '../../src/upstreams/px/types.js';

/** A pair no other test uses, so tests sharing one Redis never see each other's keys. */
export function uniqueKey(label = 'order'): PxOrderKey {
  const id = randomUUID().slice(0, 8);
  return {
    partnerId: 'P-1001',
    partnerOrderId: `PO-${label}-${id}`,
    transactionId: `TX-${label}-${id}`,
  };
}

export function disclosureRecord(key: PxOrderKey): DisclosureRecord {
  return {
    key,
    retrievedAt: '2025-01-15T10:00:00.000Z',
    rcc: {
      transactionId: key.transactionId,
      partnerOrderId: key.partnerOrderId,
      preparedAt: '2025-01-15T09:58:00.000Z',
      rcc: {
        sections: [{ title: 'Monthly charges', text: 'Your monthly charges are listed below.' }],
        charges: [
          { name: 'Internet 940', amount: '75.00', currency: 'USD', recurrence: 'MONTHLY' },
        ],
        taxEstimate: { amount: '6.19', currency: 'USD' },
      },
    },
  };
}

export function orderRecord(key: PxOrderKey, orderNumber = `N-${key.partnerOrderId}`): OrderRecord {
  return {
    key,
    fingerprint: `fp-${orderNumber}`,
    acceptance: { method: 'SMS', acceptedAt: '2025-01-15T10:05:00.000Z' },
    order: {
      transactionId: key.transactionId,
      partnerOrderId: key.partnerOrderId,
      orderNumber,
      status: 'ACKNOWLEDGED',
      submittedAt: '2025-01-15T10:06:00.000Z',
      items: [
        {
          productId: 'INT-940',
          productName: 'Internet 940',
          quantity: 1,
          charges: [
            { name: 'Internet 940', amount: '75.00', currency: 'USD', recurrence: 'MONTHLY' },
          ],
        },
      ],
    },
  };
}

/** Claims until the journal hands out the claim, and its token. */
async function claimed(journal: OrderJournal, ref: OrderRef, ttlMs = 30_000): Promise<string> {
  const outcome = await journal.claim(ref, ttlMs);
  assert(outcome.kind === 'claimed', `expected the claim, but got: ${outcome.kind}`);
  return outcome.token;
}

async function completed(journal: OrderJournal, order: OrderRecord): Promise<void> {
  await journal.complete(await claimed(journal, order.key), order);
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * What every `OrderJournal` must do, whatever keeps it. `factory` gives a
 * fresh journal per test, made with the options given; implementations that
 * share a store must still keep tests apart, which the unique ids here allow.
 */
export function describeJournalContract(
  name: string,
  factory: (options: JournalOptions) => OrderJournal | Promise<OrderJournal>,
): void {
  describe(`${name}: the OrderJournal contract`, () => {
    async function withJournal(
      test: (journal: OrderJournal) => Promise<void>,
      options: JournalOptions = { retentionMs: DAY_MS },
    ): Promise<void> {
      const journal = await factory(options);
      try {
        await test(journal);
      } finally {
        await journal.close();
      }
    }

    it('hands the claim to one caller; the others are busy until the order is complete, then see it', () =>
      withJournal(async (journal) => {
        const key = uniqueKey();
        const token = await claimed(journal, key);
        expect(await journal.claim(key, 30_000)).toEqual({ kind: 'busy' });

        const order = orderRecord(key);
        await journal.complete(token, order);
        expect(await journal.claim(key, 30_000)).toEqual({ kind: 'completed', order });
        expect(await journal.orders([key])).toEqual([order]);
      }));

    it('gives one claim among concurrent claimers', () =>
      withJournal(async (journal) => {
        const key = uniqueKey();
        const outcomes = await Promise.all(
          Array.from({ length: 20 }, () => journal.claim(key, 30_000)),
        );
        expect(outcomes.filter((outcome) => outcome.kind === 'claimed')).toHaveLength(1);
        expect(outcomes.filter((outcome) => outcome.kind === 'busy')).toHaveLength(19);
      }));

    it('keeps partners apart: the same partnerOrderId of two partners is two orders', () =>
      withJournal(async (journal) => {
        const key = uniqueKey();
        const other = { ...key, partnerId: 'P-1002', transactionId: `${key.transactionId}-2` };
        await completed(journal, orderRecord(key, 'N-first'));
        expect(await journal.orders([other])).toEqual([undefined]);
        expect((await journal.claim(other, 30_000)).kind).toBe('claimed');
        expect(await journal.orders([key])).toEqual([orderRecord(key, 'N-first')]);

        await journal.saveDisclosure(disclosureRecord(key));
        expect(await journal.disclosure(other)).toBeUndefined();
        expect(await journal.disclosure(key)).toEqual(disclosureRecord(key));
      }));

    it('lets another caller claim once the holder releases', () =>
      withJournal(async (journal) => {
        const key = uniqueKey();
        const token = await claimed(journal, key);
        await journal.release(key, token);
        const next = await journal.claim(key, 30_000);
        assert(next.kind === 'claimed');
        expect(next.token).not.toBe(token);
      }));

    it('ignores a release with a token that does not hold the claim', () =>
      withJournal(async (journal) => {
        const key = uniqueKey();
        await claimed(journal, key);
        await journal.release(key, 'not-the-holder');
        expect(await journal.claim(key, 30_000)).toEqual({ kind: 'busy' });
      }));

    it('lets a claim lapse after its ttl, so a dead holder does not block the order', () =>
      withJournal(async (journal) => {
        const key = uniqueKey();
        await claimed(journal, key, 50);
        await sleep(120);
        expect((await journal.claim(key, 30_000)).kind).toBe('claimed');
      }));

    it('records the order of a holder whose claim lapsed, since Px took it', () =>
      withJournal(async (journal) => {
        const key = uniqueKey();
        const stale = await claimed(journal, key, 50);
        await sleep(120);
        const current = await claimed(journal, key);
        expect(current).not.toBe(stale);

        const order = orderRecord(key);
        await journal.complete(stale, order);
        expect(await journal.orders([key])).toEqual([order]);
        expect(await journal.claim(key, 30_000)).toEqual({ kind: 'completed', order });
      }));

    it('forgets an order after the retention', () =>
      withJournal(
        async (journal) => {
          const key = uniqueKey();
          await completed(journal, orderRecord(key));
          expect(await journal.orders([key])).toEqual([orderRecord(key)]);
          await sleep(400);
          expect(await journal.orders([key])).toEqual([undefined]);
          expect((await journal.claim(key, 30_000)).kind).toBe('claimed');
        },
        { retentionMs: 200 },
      ));

    it('answers orders in the order asked, undefined for the unknown', () =>
      withJournal(async (journal) => {
        const first = uniqueKey('first');
        const second = uniqueKey('second');
        for (const key of [first, second]) await completed(journal, orderRecord(key));
        const unknown = { partnerId: 'P-1001', partnerOrderId: 'PO-unknown' };
        expect(await journal.orders([second, unknown, first])).toEqual([
          orderRecord(second),
          undefined,
          orderRecord(first),
        ]);
        expect(await journal.orders([])).toEqual([]);
      }));

    it('finds a disclosure by its key, and by its transaction', () =>
      withJournal(async (journal) => {
        const key = uniqueKey();
        const record = disclosureRecord(key);
        await journal.saveDisclosure(record);
        expect(await journal.disclosure(key)).toEqual(record);
        expect(await journal.disclosureOfTransaction(key.transactionId)).toEqual(record);
        expect(await journal.disclosure({ ...key, transactionId: 'TX-other' })).toBeUndefined();
        expect(await journal.disclosureOfTransaction('TX-unknown')).toBeUndefined();
      }));

    it('keeps the first order flow of a transaction, whatever partner retrieved it, for the pair check', () =>
      withJournal(async (journal) => {
        const key = uniqueKey();
        const first = disclosureRecord(key);
        const other = disclosureRecord({ ...key, partnerId: 'P-1002' });
        await journal.saveDisclosure(first);
        await journal.saveDisclosure(other);
        expect(await journal.disclosureOfTransaction(key.transactionId)).toEqual(first);
        expect(await journal.disclosure(other.key)).toEqual(other);
      }));

    it('keeps ids that contain the key separator apart', () =>
      withJournal(async (journal) => {
        const id = randomUUID().slice(0, 8);
        const left = { partnerId: 'P:1', partnerOrderId: `PO:${id}`, transactionId: `x:TX-${id}` };
        const right = { partnerId: 'P', partnerOrderId: `1:PO:${id}:x`, transactionId: `TX-${id}` };
        await journal.saveDisclosure(disclosureRecord(left));
        await completed(journal, orderRecord(left));
        expect(await journal.disclosure(right)).toBeUndefined();
        expect(await journal.orders([right])).toEqual([undefined]);
      }));

    it('gives the same fingerprint key every time', () =>
      withJournal(async (journal) => {
        const key = await journal.fingerprintKey();
        expect(key.length).toBeGreaterThanOrEqual(32);
        expect(await journal.fingerprintKey()).toBe(key);
      }));
  });
}
