import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DXP_SANDBOX_CREDENTIALS } from '../src/sandbox/dxp/server.js';
import { PX_SANDBOX_CREDENTIALS } from '../src/sandbox/px/server.js';
import { graphql, startTestStack, type TestStack } from './helpers/app.js';
import {
  MOBILE_LINE,
  MOBILE_LINES,
  MOBILE_LINE_ENTITIES,
  startRecordedStack,
} from './helpers/lines.js';
import type { RecordingProxy } from './helpers/recording-proxy.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('X-Correlation-ID from the client to dxp-ux and back', () => {
  let stack: TestStack;
  let proxy: RecordingProxy;
  beforeAll(async () => {
    // No line cache: every query reaches dxp-ux.
    ({ stack, proxy } = await startRecordedStack({
      ADDONS_CACHE_TTL_S: '0',
      BREAKER_MIN_CALLS: '1000',
    }));
  });
  afterAll(() => stack.close());

  /** Runs one mobileLines query; answers the id echoed and the ids dxp-ux received for it. */
  async function correlate(
    headers: Record<string, string>,
    msisdns: string[],
    expectedCalls = msisdns.length,
  ) {
    const first = proxy.recorded.length;
    const response = await graphql(
      stack.graphqlUrl,
      MOBILE_LINES,
      { businessId: 'PR', msisdns },
      headers,
    );
    expect(response.status).toBe(200);
    expect(response.body.errors).toBeUndefined();
    const sentToDxp = proxy.recorded
      .slice(first)
      .map((request) => request.headers['x-correlation-id']);
    expect(sentToDxp).toHaveLength(expectedCalls);
    return { echoed: response.headers.get('x-correlation-id'), sentToDxp };
  }

  it("sends the client's id to dxp-ux on every call of the request and echoes it", async () => {
    const id = 'partner-frontend.7f3a:2026-11-25_0001';
    const { echoed, sentToDxp } = await correlate({ 'X-Correlation-ID': id }, [
      '16654555678',
      '17875550101',
      '17875559876',
    ]);
    expect(echoed).toBe(id);
    expect(sentToDxp).toEqual([id, id, id]);
  });

  it('sends the same id on every attempt of a retried call', async () => {
    const id = 'retried-call-0001';
    const { echoed, sentToDxp } = await correlate({ 'X-Correlation-ID': id }, ['17875550500'], 3);
    expect(echoed).toBe(id);
    expect(sentToDxp).toEqual([id, id, id]);
  });

  it('generates an id when the client sends none, and uses it for dxp-ux and the echo', async () => {
    const { echoed, sentToDxp } = await correlate({}, ['16654555678', '17875550101']);
    expect(echoed).toMatch(UUID);
    expect(sentToDxp).toEqual([echoed, echoed]);
  });

  it('gives each request its own generated id', async () => {
    const first = await correlate({}, ['16654555678']);
    const second = await correlate({}, ['16654555678']);
    expect(first.echoed).not.toBe(second.echoed);
  });

  it.each([
    { name: 'spaces', id: 'has spaces in it' },
    { name: '300 characters', id: 'a'.repeat(300) },
    { name: 'a header-splitting attempt', id: 'abc%0d%0aSet-Cookie:x=1' },
    { name: 'an empty value', id: '' },
  ])('replaces an id with $name by a generated one', async ({ id }) => {
    const { echoed, sentToDxp } = await correlate({ 'X-Correlation-ID': id }, ['16654555678']);
    expect(echoed).toMatch(UUID);
    expect(sentToDxp).toEqual([echoed]);
  });
});

describe('logs of line queries at LOG_LEVEL=debug', () => {
  const secrets = [DXP_SANDBOX_CREDENTIALS.clientSecret, PX_SANDBOX_CREDENTIALS.clientSecret];
  const msisdns = ['16654555678', '17875550101', '17875559876', '17875550500', '18685550101'];
  let stack: TestStack;
  /** The log lines of each request, by the correlation id the client sent. */
  const linesByRequest = new Map<string, Record<string, unknown>[]>();

  /** Waits for the request's closing log line, written after the answer went out. */
  async function linesUntilCompleted(from: number, id: string) {
    for (let waited = 0; waited < 5_000; waited += 20) {
      const records = stack.logs.records().slice(from);
      const end = records.findIndex(
        (record) => record['msg'] === 'request completed' && record['correlationId'] === id,
      );
      if (end >= 0) return records.slice(0, end + 1);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`no 'request completed' log line for ${id}`);
  }

  beforeAll(async () => {
    stack = await startTestStack({
      LOG_LEVEL: 'debug',
      ADDONS_CACHE_TTL_S: '0',
      BREAKER_MIN_CALLS: '1000',
    });
    const requests: { id: string; query: string; variables: Record<string, unknown> }[] = [
      { id: 'logs-line', query: MOBILE_LINE, variables: { businessId: 'PR', msisdn: msisdns[0] } },
      { id: 'logs-lines', query: MOBILE_LINES, variables: { businessId: 'PR', msisdns } },
      {
        id: 'logs-entities',
        query: MOBILE_LINE_ENTITIES,
        variables: {
          r: msisdns.map((msisdn) => ({ __typename: 'MobileLine', businessId: 'PR', msisdn })),
        },
      },
    ];
    // One at a time, so every line between two requests belongs to one of them.
    for (const { id, query, variables } of requests) {
      const from = stack.logs.lines.length;
      await graphql(stack.graphqlUrl, query, variables, { 'X-Correlation-ID': id });
      linesByRequest.set(id, await linesUntilCompleted(from, id));
    }
  });
  afterAll(() => stack.close());

  it('logs each dxp-ux attempt at debug, with the line masked', () => {
    const attempts = (linesByRequest.get('logs-lines') ?? []).filter(
      (record) => record['msg'] === 'dxp-ux productOrder',
    );
    // Four lines once each, the 500 line three times.
    expect(attempts).toHaveLength(7);
    expect(new Set(attempts.map((record) => record['line']))).toEqual(
      new Set(['***5678', '***0101', '***9876', '***0500']),
    );
  });

  it('never logs a client secret or a full msisdn', () => {
    const text = stack.logs.text();
    expect(stack.logs.lines.length).toBeGreaterThan(0);
    for (const secret of secrets) expect(text).not.toContain(secret);
    for (const msisdn of msisdns) expect(text).not.toContain(msisdn);
  });

  it("puts the request's correlation id on every line logged for it", () => {
    for (const [id, records] of linesByRequest) {
      expect(records.length).toBeGreaterThan(1);
      for (const record of records) expect(record['correlationId']).toBe(id);
    }
  });
});
