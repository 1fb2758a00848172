import { describe, expect, it } from 'vitest';
import { MAX_ORDERS, createMemoryJournal } from '../src/store/memory-journal.js';
import { describeJournalContract, orderRecord, uniqueKey } from './helpers/journal-contract.js';

describeJournalContract('memory journal', (options) => createMemoryJournal(options));

describe('memory journal', () => {
  it(`keeps at most ${MAX_ORDERS} orders, forgetting the least recently used first`, async () => {
    const journal = createMemoryJournal({ retentionMs: 60_000 });
    const first = uniqueKey('first');
    // Numbered, not random: 50,000 short random ids would collide now and then.
    const keys = [
      first,
      ...Array.from({ length: MAX_ORDERS }, (_, index) => ({
        partnerId: 'P-1001',
        partnerOrderId: `PO-cap-${index}`,
        transactionId: `TX-cap-${index}`,
      })),
    ];
    for (const key of keys) {
      const claim = await journal.claim(key, 30_000);
      if (claim.kind !== 'claimed') throw new Error(`expected a claim, got ${claim.kind}`);
      await journal.complete(claim.token, orderRecord(key));
    }
    expect(await journal.orders([first])).toEqual([undefined]);
    const last = keys.at(-1)!;
    expect(await journal.orders([last])).toEqual([orderRecord(last)]);
  });
});
