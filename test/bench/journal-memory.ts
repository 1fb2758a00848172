// Memory of the in-process order journal: heap after a full collection, before and after N
// completed orders, each with its disclosure. Past MAX_ORDERS the growth stops.
//   node --expose-gc --import tsx test/bench/journal-memory.ts 100000
import { createMemoryJournal } from '../../src/store/memory-journal.js';
import { disclosureRecord, orderRecord } from '../helpers/journal-contract.js';

const collect = (globalThis as { gc?: () => void }).gc;
if (!collect) throw new Error('run with node --expose-gc');
const count = Number(process.argv[2] ?? 50_000);
const journal = createMemoryJournal({ retentionMs: 72 * 3_600_000 });
const keyOf = (index: number) => ({
  partnerId: 'P-1001',
  partnerOrderId: `PO-${index}-bench`,
  transactionId: `TX-${index}-bench`,
});

collect();
const before = process.memoryUsage().heapUsed;
for (let index = 0; index < count; index++) {
  const key = keyOf(index);
  await journal.saveDisclosure(disclosureRecord(key));
  const claim = await journal.claim(key, 30_000);
  if (claim.kind === 'claimed') await journal.complete(claim.token, orderRecord(key));
}
collect();
const grown = process.memoryUsage().heapUsed - before;
// The journal is read after the measure, so it is still alive when measured.
const [last] = await journal.orders([keyOf(count - 1)]);
console.log(
  JSON.stringify({
    orders: count,
    lastKept: last !== undefined,
    heapGrowthMB: Number((grown / 1e6).toFixed(1)),
    bytesPerOrder: Math.round(grown / count),
  }),
);
