import { beforeAll, describe, expect, it } from 'vitest';
import { graphql, startTestStack, untilReady, type TestStack } from './helpers/app.js';
import { MOBILE_LINE } from './helpers/lines.js';
import {
  SPAN_KIND_CLIENT,
  SPAN_KIND_SERVER,
  startOtlpReceiver,
  type ReceivedSpan,
} from './helpers/otlp-receiver.js';
import { RCC_DISCLOSURE, disclosureInput, newOrderKey } from './helpers/px-operations.js';
import { usePerSuite } from './helpers/per-suite.js';
import { startRecordingProxy, type RecordingProxy } from './helpers/recording-proxy.js';
import { REDIS_AVAILABLE, startRedisServer, type RedisServer } from './helpers/redis-server.js';
import { startSandboxes } from './helpers/sandbox-env.js';

const SEED = { businessId: 'PR', msisdn: '16654555678' };
const CALLER_SPAN = '00f067aa0ba902b7';
const LINE_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const ORDER_TRACE = '5cf92f3577b34da6a3ce929d0e0e4737';

function traceparent(traceId: string): string {
  return `00-${traceId}-${CALLER_SPAN}-01`;
}

/** The trace id of each traceparent an upstream received. */
function traceIdsSeenBy(proxy: RecordingProxy): (string | undefined)[] {
  return proxy.recorded.map(({ headers }) => {
    const header = headers['traceparent'];
    return typeof header === 'string' ? header.split('-')[1] : undefined;
  });
}

describe('OpenTelemetry, configured by OTEL_EXPORTER_OTLP_ENDPOINT', () => {
  const receiver = usePerSuite('the OTLP receiver', startOtlpReceiver);
  let dxpProxy: RecordingProxy;
  let pxProxy: RecordingProxy;
  let redis: RedisServer | null;
  let stack: TestStack;
  let spans: ReceivedSpan[];

  // The requests run once; the stack closes before the tests look, which flushes every span.
  beforeAll(async () => {
    redis = await startRedisServer();
    const sandboxes = await startSandboxes();
    dxpProxy = await startRecordingProxy(sandboxes.dxp.url);
    pxProxy = await startRecordingProxy(sandboxes.px.url);
    stack = await startTestStack(
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_SERVICE_NAME: 'ordering-under-test',
        DXP_BASE_URL: dxpProxy.url,
        PX_BASE_URL: pxProxy.url,
        PX_TOKEN_URL: `${pxProxy.url}/oauth/token`,
        ...(redis === null ? {} : { REDIS_URL: redis.url }),
      },
      { shared: sandboxes },
    );
    try {
      // The line cache skips Redis until the connection is ready: wait, so the read is traced.
      await untilReady(stack.app);
      const line = await graphql(stack.graphqlUrl, MOBILE_LINE, SEED, {
        traceparent: traceparent(LINE_TRACE),
      });
      expect(line.body.errors).toBeUndefined();
      const disclosure = await graphql(
        stack.graphqlUrl,
        RCC_DISCLOSURE,
        disclosureInput(newOrderKey()),
        { traceparent: traceparent(ORDER_TRACE) },
      );
      expect(disclosure.body.errors).toBeUndefined();
    } finally {
      await stack.close();
      await Promise.all([dxpProxy.close(), pxProxy.close(), sandboxes.close()]);
      await redis?.stop();
    }
    spans = receiver.spans();
  });

  it("exports a server span per operation that continues the caller's traceparent, named after the operation", () => {
    const operations = spans.filter((span) => span.kind === SPAN_KIND_SERVER);
    expect(
      operations.map(({ traceId, parentSpanId, name }) => ({ traceId, parentSpanId, name })),
    ).toEqual([
      { traceId: LINE_TRACE, parentSpanId: CALLER_SPAN, name: 'query MobileLine' },
      { traceId: ORDER_TRACE, parentSpanId: CALLER_SPAN, name: 'query Disclosure' },
    ]);
    expect(new Set(receiver.serviceNames())).toEqual(new Set(['ordering-under-test']));
  });

  it('exports a client span per upstream call, child of the operation, and sends its traceparent upstream', () => {
    const operationOf = (traceId: string) =>
      spans.find((span) => span.kind === SPAN_KIND_SERVER && span.traceId === traceId);
    const upstreamSpans = (traceId: string) =>
      spans.filter(
        (span) =>
          span.kind === SPAN_KIND_CLIENT &&
          span.traceId === traceId &&
          !span.name.startsWith('redis'),
      );

    const lineCalls = upstreamSpans(LINE_TRACE);
    expect(lineCalls.map((span) => span.parentSpanId)).toEqual([operationOf(LINE_TRACE)?.spanId]);
    expect(traceIdsSeenBy(dxpProxy)).toEqual([LINE_TRACE]);
    expect(dxpProxy.recorded[0]?.headers['traceparent']).toContain(lineCalls[0]?.spanId);

    const orderCalls = upstreamSpans(ORDER_TRACE);
    expect(orderCalls.length).toBeGreaterThan(0);
    for (const call of orderCalls) expect(call.parentSpanId).toBe(operationOf(ORDER_TRACE)?.spanId);
    // The token grant and the disclosure call alike.
    expect(traceIdsSeenBy(pxProxy).length).toBe(orderCalls.length);
    expect(new Set(traceIdsSeenBy(pxProxy))).toEqual(new Set([ORDER_TRACE]));
    // Spans name the route, never the URL: paths and queries carry msisdns.
    expect(JSON.stringify(lineCalls)).not.toContain(SEED.msisdn);
  });

  it.skipIf(!REDIS_AVAILABLE)('exports a span per Redis command, by name only', () => {
    const redisSpans = spans.filter((span) => span.name.startsWith('redis '));
    const lineRedis = redisSpans.filter((span) => span.traceId === LINE_TRACE);
    expect(lineRedis.length).toBeGreaterThan(0);
    const operation = spans.find(
      (span) => span.kind === SPAN_KIND_SERVER && span.traceId === LINE_TRACE,
    );
    for (const span of lineRedis) expect(span.parentSpanId).toBe(operation?.spanId);
    expect(JSON.stringify(redisSpans)).not.toContain(SEED.msisdn);
  });

  it("puts the trace id on the request's log lines", () => {
    const completed = stack.logs
      .records()
      .filter((record) => record['msg'] === 'request completed' && record['path'] === '/graphql');
    expect(completed.map((record) => record['traceId'])).toEqual([LINE_TRACE, ORDER_TRACE]);
  });
});
