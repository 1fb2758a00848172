import { describe, expect, it } from 'vitest';
import { graphql } from './helpers/app.js';
import { MOBILE_LINE, startRecordedStack } from './helpers/lines.js';
import { startOtlpReceiver } from './helpers/otlp-receiver.js';

// Its own file: the "configured" suite registers OpenTelemetry's globals in its process.
const SEED = { businessId: 'PR', msisdn: '16654555678' };
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('OpenTelemetry, not configured', () => {
  it('loads nothing, sends no traceparent upstream and logs no trace id', async () => {
    const { stack, proxy } = await startRecordedStack();
    try {
      const line = await graphql(stack.graphqlUrl, MOBILE_LINE, SEED, {
        traceparent: TRACEPARENT,
      });
      expect(line.body.errors).toBeUndefined();
    } finally {
      await stack.close();
    }
    expect(proxy.recorded.length).toBe(1);
    expect(proxy.recorded[0]?.headers['traceparent']).toBeUndefined();
    expect(stack.logs.records().some((record) => 'traceId' in record)).toBe(false);
    // The OpenTelemetry API keeps its registrations on this global once anything registers.
    expect(Object.getOwnPropertySymbols(globalThis).map(String)).not.toContain(
      'Symbol(opentelemetry.js.api.1)',
    );
  });

  it('exports nothing when OTEL_SDK_DISABLED=true, whatever the endpoint says', async () => {
    const receiver = await startOtlpReceiver();
    const { stack, proxy } = await startRecordedStack({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_SDK_DISABLED: 'true',
    });
    try {
      await graphql(stack.graphqlUrl, MOBILE_LINE, SEED, { traceparent: TRACEPARENT });
    } finally {
      await stack.close();
      await receiver.close();
    }
    expect(proxy.recorded[0]?.headers['traceparent']).toBeUndefined();
    expect(receiver.spans()).toEqual([]);
  });
});
