import { Redis } from 'ioredis';
import { assert, describe, expect, it } from 'vitest';
import { closeRedisConnection } from '../src/store/redis-client.js';
import { createRedisJournal } from '../src/store/redis-journal.js';
import {
  describeJournalContract,
  disclosureRecord,
  orderRecord,
  uniqueKey,
} from './helpers/journal-contract.js';
import { REDIS_AVAILABLE, startRedisServer, useRedisServer } from './helpers/redis-server.js';

describe.skipIf(!REDIS_AVAILABLE)('redis journal', () => {
  const server = useRedisServer();
  const connect = () => server.connect();

  describeJournalContract('redis journal', () => createRedisJournal(connect()));

  it('gives one claim among 20 concurrent claimers on two replicas', async () => {
    const replicas = [createRedisJournal(connect()), createRedisJournal(connect())];
    const { partnerOrderId } = uniqueKey();
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, index) => replicas[index % 2]!.claim(partnerOrderId, 30_000)),
    );
    expect(outcomes.filter((outcome) => outcome.kind === 'claimed')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.kind === 'busy')).toHaveLength(19);
  });

  it('shows one replica the order another completed', async () => {
    const [first, second] = [createRedisJournal(connect()), createRedisJournal(connect())];
    const key = uniqueKey();
    const outcome = await first.claim(key.partnerOrderId, 30_000);
    assert(outcome.kind === 'claimed');
    expect(await second.claim(key.partnerOrderId, 30_000)).toEqual({ kind: 'busy' });
    await first.complete(outcome.token, orderRecord(key));
    expect(await second.claim(key.partnerOrderId, 30_000)).toEqual({
      kind: 'completed',
      order: orderRecord(key),
    });
    expect(await second.orders([key.partnerOrderId])).toEqual([orderRecord(key)]);
  });

  it('keeps orders across connections: a new client on the same server finds them', async () => {
    const before = connect();
    const key = uniqueKey();
    const journal = createRedisJournal(before);
    const outcome = await journal.claim(key.partnerOrderId, 30_000);
    assert(outcome.kind === 'claimed');
    await journal.complete(outcome.token, orderRecord(key));
    await closeRedisConnection(before);

    expect(await createRedisJournal(connect()).order(key.partnerOrderId)).toEqual(orderRecord(key));
  });

  it('leaves the claim of the current holder alone when a lapsed holder completes', async () => {
    const redis = connect();
    const journal = createRedisJournal(redis);
    const key = uniqueKey();
    const stale = await journal.claim(key.partnerOrderId, 50);
    assert(stale.kind === 'claimed');
    await new Promise((resolve) => setTimeout(resolve, 120));
    const current = await journal.claim(key.partnerOrderId, 30_000);
    assert(current.kind === 'claimed');

    await journal.complete(stale.token, orderRecord(key));
    expect(await redis.get(`claim:${key.partnerOrderId}`)).toBe(current.token);
    await journal.complete(current.token, orderRecord(key));
    expect(await redis.exists(`claim:${key.partnerOrderId}`)).toBe(0);
  });

  it('keeps orders forever and disclosures for their ttl, under the service prefix', async () => {
    const redis = connect();
    const journal = createRedisJournal(redis, { disclosureTtlSeconds: 600 });
    const key = uniqueKey();
    await journal.saveDisclosure(disclosureRecord(key));
    const outcome = await journal.claim(key.partnerOrderId, 30_000);
    assert(outcome.kind === 'claimed');
    await journal.complete(outcome.token, orderRecord(key));

    expect(await redis.ttl(`order:${key.partnerOrderId}`)).toBe(-1);
    for (const disclosureKey of [
      `disclosure:${key.partnerOrderId}:${key.transactionId}`,
      `disclosure-tx:${key.transactionId}`,
    ]) {
      const ttl = await redis.ttl(disclosureKey);
      expect(ttl).toBeGreaterThan(590);
      expect(ttl).toBeLessThanOrEqual(600);
    }
    // A connection without the prefix sees the names other tools (redis-cli) would.
    const raw = server.adopt(new Redis(server.url()));
    expect(await raw.exists(`ordering-subgraph:order:${key.partnerOrderId}`)).toBe(1);
  });

  it('fails a claim, rather than guessing, when Redis cannot answer', async () => {
    const own = await startRedisServer();
    assert(own);
    const redis = server.connect({ url: own.url });
    const journal = createRedisJournal(redis);
    await journal.order('PO-warm-up');
    await own.stop();
    await expect(journal.claim(uniqueKey().partnerOrderId, 30_000)).rejects.toThrow();
  });
});
