import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pMap from 'p-map';
import { describe, expect, it } from 'vitest';
import { DXP_PRODUCT_ORDER_ROUTE } from '../../src/sandbox/dxp/server.js';
import { PX_ROUTES } from '../../src/sandbox/px/server.js';
import { graphql, startTestStack, type TestStack } from '../helpers/app.js';
import { runAutocannon, type LoadResult, type SequencedRequest } from './autocannon.js';

/**
 * A bounded soak of the real server over HTTP: line reads mixed with the
 * ordering flow (disclosure, acceptance, completeOrder with unique
 * partnerOrderIds, some sent twice on purpose, and every unavailable answer
 * retried once, as an agent would), while both sandboxes fail a share of
 * their calls with 503. Afterwards: no 5xx, no lost and no doubled order,
 * bounded retry amplification, and no heap growth from one window to the
 * next beyond what the orders themselves keep.
 *
 * LOAD_DURATION_S (default 20, split into two windows) and LOAD_CONNECTIONS
 * (default 50) tune it; LOAD_REPORT=1 prints the figures.
 */
const DURATION_S = Number(process.env['LOAD_DURATION_S'] ?? '20');
const CONNECTIONS = Number(process.env['LOAD_CONNECTIONS'] ?? '50');
const UPSTREAM_FAILURE_RATE = 0.2;
/** Upstream calls per client request: reads take at most 3 attempts, and most requests need one call or none. */
const AMPLIFICATION_BOUND = 3;
/**
 * What the heap may keep from the second window: the orders placed meanwhile
 * stay in the memory journal and in the Px sandbox (both in this process) by
 * design, about a kilobyte per request; a leak of a request's worth of
 * objects is several times that. Plus room for GC noise.
 */
const RETAINED_BYTES_PER_REQUEST = 4 * 1024;
const HEAP_SLACK_BYTES = 8 * 1024 * 1024;

const LINES = ['16654555678', '17875550101', '17875550102', '17875550103', '17875559999'];

const DISCLOSURE = `query Disclosure($input: RccDisclosureInput!) {
  rccDisclosure(input: $input) { __typename ... on Error { code } } }`;
const ACCEPTANCE = `query Acceptance($order: OrderKeyInput!) {
  rccAcceptance(order: $order) { __typename ... on Error { code } } }`;
const COMPLETE = `mutation Complete($input: CompleteOrderInput!) {
  completeOrder(input: $input) {
    __typename
    ... on OrderCompleted { replayed order { partnerOrderId orderNumber } }
    ... on OrderAlreadySubmittedError { earlier: order { orderNumber } }
    ... on Error { code }
  } }`;
const LINE = `query Line($msisdn: Msisdn!) {
  mobileLine(businessId: "PR", msisdn: $msisdn) { __typename ... on MobileLine { plan { id } addons { product { id } } } } }`;
const ORDER = `query Order($partnerId: ID!, $id: ID!) { order(partnerId: $partnerId, partnerOrderId: $id) { partnerId partnerOrderId orderNumber } }`;

interface OrderKey {
  partnerId: string;
  partnerOrderId: string;
  transactionId: string;
}

interface Cycle {
  key?: OrderKey;
  firstCompletion?: string;
  duplicate?: boolean;
  /** Sends another connection's latest completion again: a concurrent duplicate, or a replay. */
  echoOther?: boolean;
}

/** What the clients saw, kept small so it does not weigh on the heap figures. */
interface Ledger {
  /** partnerOrderId → the order number every OrderCompleted for it carried. */
  completed: Map<string, string>;
  /** partnerOrderIds answered with two different order numbers. */
  conflicting: Set<string>;
  serverErrors: number;
  internalErrors: number;
  outcomes: Map<string, number>;
}

function createLedger(): Ledger {
  return {
    completed: new Map(),
    conflicting: new Set(),
    serverErrors: 0,
    internalErrors: 0,
    outcomes: new Map(),
  };
}

const body = (query: string, variables: Record<string, unknown>) =>
  JSON.stringify({ query, variables });

function completeInput(key: OrderKey) {
  return {
    input: {
      order: key,
      salesCode: 'SC100',
      addressDetailId: 'ADDR-2',
      rccAccepted: true,
      acceptanceMethod: 'VERBAL',
    },
  };
}

function orderFlow(ledger: Ledger): SequencedRequest<Cycle>[] {
  let cycles = 0;
  let lastSubmitted: OrderKey | undefined;
  const count = (label: string) => {
    ledger.outcomes.set(label, (ledger.outcomes.get(label) ?? 0) + 1);
  };
  const check = (operation: string) => (status: number, text: string) => {
    if (status >= 500) ledger.serverErrors += 1;
    if (text.includes('INTERNAL_SERVER_ERROR')) ledger.internalErrors += 1;
    const typename = /"__typename":"(\w+)"/.exec(text)?.[1] ?? `HTTP ${status}`;
    count(`${operation} ${typename}`);
  };
  const recordCompletion = (status: number, text: string, cycle: Cycle) => {
    check('completeOrder')(status, text);
    const answer = parsedCompletion(text);
    cycle.firstCompletion ??= answer?.__typename ?? `HTTP ${status}`;
    const number = answer?.order?.orderNumber;
    const id = answer?.order?.partnerOrderId;
    if (answer?.__typename !== 'OrderCompleted' || number === undefined || id === undefined) return;
    const earlier = ledger.completed.get(id);
    if (earlier !== undefined && earlier !== number) ledger.conflicting.add(id);
    ledger.completed.set(id, number);
  };
  const line = () => body(LINE, { msisdn: LINES[Math.floor(Math.random() * LINES.length)] });

  return [
    {
      setupRequest: (request, cycle) => {
        cycles += 1;
        const id = randomUUID();
        cycle.key = {
          partnerId: 'P-1001',
          partnerOrderId: `LOAD-${id}`,
          transactionId: `TX-${id}`,
        };
        cycle.duplicate = cycles % 4 === 0;
        cycle.echoOther = cycles % 7 === 0;
        return {
          ...request,
          body: body(DISCLOSURE, {
            input: { order: cycle.key, salesCode: 'SC100', addressDetailId: 'ADDR-2' },
          }),
        };
      },
      onResponse: check('rccDisclosure'),
    },
    { setupRequest: (request) => ({ ...request, body: line() }), onResponse: check('mobileLine') },
    {
      setupRequest: (request, cycle) => ({
        ...request,
        body: body(ACCEPTANCE, { order: cycle.key }),
      }),
      onResponse: check('rccAcceptance'),
    },
    {
      setupRequest: (request, cycle) => {
        lastSubmitted = cycle.key;
        return { ...request, body: body(COMPLETE, cycle.key ? completeInput(cycle.key) : {}) };
      },
      onResponse: recordCompletion,
    },
    {
      // The agent's retry after an unavailable answer, a deliberate duplicate,
      // another agent's order sent again, or another read.
      setupRequest: (request, cycle) => {
        if (cycle.key && (cycle.firstCompletion === 'UpstreamUnavailableError' || cycle.duplicate))
          return { ...request, body: body(COMPLETE, completeInput(cycle.key)) };
        if (cycle.echoOther && lastSubmitted && lastSubmitted !== cycle.key)
          return { ...request, body: body(COMPLETE, completeInput(lastSubmitted)) };
        return { ...request, body: line() };
      },
      onResponse: (status, text, cycle) => {
        if (text.includes('completeOrder')) recordCompletion(status, text, cycle);
        else check('mobileLine')(status, text);
      },
    },
  ];
}

interface CompletionAnswer {
  __typename?: string;
  order?: { partnerOrderId?: string; orderNumber?: string };
}

function parsedCompletion(text: string): CompletionAnswer | undefined {
  try {
    const parsed = JSON.parse(text) as { data?: { completeOrder?: CompletionAnswer } };
    return parsed.data?.completeOrder;
  } catch {
    return undefined;
  }
}

function heapAfterGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run the load suite with --expose-gc (npm run test:load)');
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

function upstreamCalls(stack: TestStack): number {
  return [stack.dxp.calls(), stack.px.calls()]
    .flatMap((calls) => Object.values(calls))
    .reduce((sum, count) => sum + count, 0);
}

const fiveHundreds = (result: LoadResult) =>
  Object.entries(result.statusCodeStats ?? {})
    .filter(([status]) => Number(status) >= 500)
    .reduce((sum, [, { count }]) => sum + (count ?? 0), 0);

describe('load: line reads and the ordering flow with 20% upstream 503s', () => {
  it(`serves ${CONNECTIONS} connections for ${DURATION_S} s without a 5xx, a lost or a doubled order`, async () => {
    const stack = await startTestStack({
      LOG_LEVEL: 'warn',
      ADDONS_CACHE_TTL_S: '1',
      BREAKER_HALF_OPEN_S: '1',
    });
    try {
      for (const route of [DXP_PRODUCT_ORDER_ROUTE]) {
        stack.dxp.injectFaultRate(route, { kind: 'status', status: 503 }, UPSTREAM_FAILURE_RATE);
      }
      for (const route of [
        PX_ROUTES.retrieveRcc,
        PX_ROUTES.getRccAcceptance,
        PX_ROUTES.completeOrder,
      ]) {
        stack.px.injectFaultRate(route, { kind: 'status', status: 503 }, UPSTREAM_FAILURE_RATE);
      }
      const ledger = createLedger();
      const window = (seconds: number) =>
        runAutocannon<Cycle>({
          url: stack.graphqlUrl,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          connections: CONNECTIONS,
          duration: seconds,
          timeout: 30,
          requests: orderFlow(ledger),
        });
      const settle = async () => {
        await sleep(1_000);
        return heapAfterGc();
      };

      const callsBefore = upstreamCalls(stack);
      const warmUp = await window(2);
      const heapStart = await settle();
      const first = await window(DURATION_S / 2);
      const heapAfterFirst = await settle();
      const second = await window(DURATION_S / 2);
      const heapAfterSecond = await settle();
      const windows = [warmUp, first, second];
      const requests = windows.reduce((sum, result) => sum + result.requests.total, 0);
      const amplification = (upstreamCalls(stack) - callsBefore) / requests;
      stack.dxp.clearFaults();
      stack.px.clearFaults();

      const submitted = new Map<string, number>();
      for (const id of stack.px.submittedPartnerOrderIds()) {
        submitted.set(id, (submitted.get(id) ?? 0) + 1);
      }
      const doubled = [...submitted].filter(([, times]) => times > 1).map(([id]) => id);
      const completedIds = [...ledger.completed.keys()];
      // Every order Px took is in the journal, under the number clients were given:
      // also those whose answer a client never saw (in flight when a window ended).
      const pxIds = [...submitted.keys()];
      const journaledNumbers = await pMap(
        pxIds,
        async (id) => {
          const answer = await graphql<{ order: { orderNumber: string } | null }>(
            stack.graphqlUrl,
            ORDER,
            { partnerId: 'P-1001', id },
          );
          return answer.body.data?.order?.orderNumber;
        },
        { concurrency: 16 },
      );
      const journal = new Map(pxIds.map((id, index) => [id, journaledNumbers[index]]));
      const lostFromJournal = pxIds.filter((id) => journal.get(id) === undefined);
      const lostAtPx = completedIds.filter((id) => !submitted.has(id));
      const misnumbered = completedIds.filter(
        (id) => submitted.has(id) && journal.get(id) !== ledger.completed.get(id),
      );

      const growthFirst = heapAfterFirst - heapStart;
      const growthSecond = heapAfterSecond - heapAfterFirst;
      const figures = {
        connections: CONNECTIONS,
        durationS: DURATION_S,
        requests,
        requestsPerSecond: Math.round(requests / (DURATION_S + 2)),
        http5xx: windows.reduce((sum, result) => sum + fiveHundreds(result), 0),
        connectionErrors: windows.reduce((sum, result) => sum + result.errors, 0),
        internalErrors: ledger.internalErrors,
        ordersCompleted: completedIds.length,
        ordersAtPx: submitted.size,
        lostFromJournal: lostFromJournal.length,
        lostAtPx: lostAtPx.length,
        doubled: doubled.length,
        conflictingAnswers: ledger.conflicting.size,
        misnumbered: misnumbered.length,
        amplification: Number(amplification.toFixed(3)),
        heapMb: {
          start: mb(heapStart),
          afterFirst: mb(heapAfterFirst),
          afterSecond: mb(heapAfterSecond),
        },
        heapGrowthPerRequestBytes: {
          first: Math.round(growthFirst / first.requests.total),
          second: Math.round(growthSecond / second.requests.total),
        },
        p99Ms: Math.max(...windows.map((result) => result.latency.p99)),
        outcomes: Object.fromEntries([...ledger.outcomes].sort()),
      };
      if (process.env['LOAD_REPORT'] !== '0') console.log(JSON.stringify(figures, null, 2));

      expect(requests).toBeGreaterThan(CONNECTIONS * 10);
      expect(figures.http5xx).toBe(0);
      expect(ledger.serverErrors).toBe(0);
      expect(ledger.internalErrors).toBe(0);
      expect(completedIds.length).toBeGreaterThan(0);
      expect(lostFromJournal).toEqual([]);
      expect(lostAtPx).toEqual([]);
      expect(doubled).toEqual([]);
      expect([...ledger.conflicting]).toEqual([]);
      expect(misnumbered).toEqual([]);
      expect(amplification).toBeLessThanOrEqual(AMPLIFICATION_BOUND);
      expect(growthSecond).toBeLessThanOrEqual(
        RETAINED_BYTES_PER_REQUEST * second.requests.total + HEAP_SLACK_BYTES,
      );
    } finally {
      await stack.close();
    }
  });
});

function mb(bytes: number): number {
  return Math.round((bytes / (1024 * 1024)) * 10) / 10;
}
