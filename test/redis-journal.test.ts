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

const RETENTION = { retentionMs: 72 * 3_600_000 };

describe.skipIf(!REDIS_AVAILABLE)('redis journal', () => {
  const server = useRedisServer();
  const connect = () => server.connect();
  const journalOf = (redis = connect()) => createRedisJournal(redis, RETENTION);

  describeJournalContract('redis journal', (options) => createRedisJournal(connect(), options));

  it('gives one claim among 20 concurrent claimers on two replicas', async () => {
    const replicas = [journalOf(), journalOf()];
    const key = uniqueKey();
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, index) => replicas[index % 2]!.claim(key, 30_000)),
    );
    expect(outcomes.filter((outcome) => outcome.kind === 'claimed')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.kind === 'busy')).toHaveLength(19);
  });

  it('shows one replica the order another completed, and gives both one fingerprint key', async () => {
    const [first, second] = [journalOf(), journalOf()];
    const key = uniqueKey();
    const outcome = await first.claim(key, 30_000);
    assert(outcome.kind === 'claimed');
    expect(await second.claim(key, 30_000)).toEqual({ kind: 'busy' });
    await first.complete(outcome.token, orderRecord(key));
    expect(await second.claim(key, 30_000)).toEqual({
      kind: 'completed',
      order: orderRecord(key),
    });
    expect(await second.orders([key])).toEqual([orderRecord(key)]);
    expect(await second.fingerprintKey()).toBe(await first.fingerprintKey());
  });

  it('keeps orders across connections: a new client on the same server finds them', async () => {
    const before = connect();
    const key = uniqueKey();
    const journal = journalOf(before);
    const outcome = await journal.claim(key, 30_000);
    assert(outcome.kind === 'claimed');
    await journal.complete(outcome.token, orderRecord(key));
    await closeRedisConnection(before);

    expect(await journalOf().orders([key])).toEqual([orderRecord(key)]);
  });

  it('leaves the claim of the current holder alone when a lapsed holder completes', async () => {
    const redis = connect();
    const journal = journalOf(redis);
    const key = uniqueKey();
    const claimKey = `claim:${key.partnerId}:${key.partnerOrderId}`;
    const stale = await journal.claim(key, 50);
    assert(stale.kind === 'claimed');
    await new Promise((resolve) => setTimeout(resolve, 120));
    const current = await journal.claim(key, 30_000);
    assert(current.kind === 'claimed');

    await journal.complete(stale.token, orderRecord(key));
    expect(await redis.get(claimKey)).toBe(current.token);
    await journal.complete(current.token, orderRecord(key));
    expect(await redis.exists(claimKey)).toBe(0);
  });

  it('keeps orders for the retention and disclosures a day at most, under the service prefix', async () => {
    const redis = connect();
    const journal = journalOf(redis);
    const key = uniqueKey();
    await journal.saveDisclosure(disclosureRecord(key));
    const outcome = await journal.claim(key, 30_000);
    assert(outcome.kind === 'claimed');
    await journal.complete(outcome.token, orderRecord(key));

    const orderKey = `order:${key.partnerId}:${key.partnerOrderId}`;
    const orderTtl = await redis.ttl(orderKey);
    expect(orderTtl).toBeGreaterThan(72 * 3600 - 10);
    expect(orderTtl).toBeLessThanOrEqual(72 * 3600);
    for (const disclosureKey of [
      `disclosure:${key.partnerId}:${key.partnerOrderId}:${key.transactionId}`,
      `disclosure-tx:${key.transactionId}`,
    ]) {
      const ttl = await redis.ttl(disclosureKey);
      expect(ttl).toBeGreaterThan(86_390);
      expect(ttl).toBeLessThanOrEqual(86_400);
    }
    // A connection without the prefix sees the names other tools (redis-cli) would.
    const raw = server.adopt(new Redis(server.url()));
    expect(await raw.exists(`ordering-subgraph:${orderKey}`)).toBe(1);
  });

  it('never serves a damaged order record, and still knows the order exists', async () => {
    const redis = connect();
    const journal = journalOf(redis);
    const key = uniqueKey();
    await redis.set(
      `order:${key.partnerId}:${key.partnerOrderId}`,
      JSON.stringify({ ...orderRecord(key), order: { submittedAt: '2026-01-01T10:00:00+05:00' } }),
    );
    expect(await journal.orders([key])).toEqual([null]);
    expect(await journal.claim(key, 30_000)).toEqual({ kind: 'completed', order: null });
  });

  it('fails with SERVICE_UNAVAILABLE, rather than guessing, when Redis cannot answer', async () => {
    const own = await startRedisServer();
    assert(own);
    const redis = server.connect({ url: own.url });
    const journal = journalOf(redis);
    await journal.orders([uniqueKey()]);
    await own.stop();
    await expect(journal.claim(uniqueKey(), 30_000)).rejects.toMatchObject({
      extensions: { code: 'SERVICE_UNAVAILABLE' },
      message: 'The order journal is unavailable; try again shortly.',
    });
  });
});
