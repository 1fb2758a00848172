import { describe, expect, it } from 'vitest';
import { graphql, startTestStack, useTestStack } from './helpers/app.js';

const LINE = `query LineForMetrics { mobileLine(businessId: "PR", msisdn: "16654555678") { __typename } }`;

describe('health and metrics', () => {
  const stack = useTestStack();

  it('answers /health while live, /health/ready while it can serve, and the upstreams on /health/upstreams', async () => {
    const live = await fetch(`${stack.app.url}/health`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${stack.app.url}/health/ready`);
    expect(ready.status).toBe(200);
    // No Redis configured: nothing else this replica needs can fail.
    expect(await ready.json()).toEqual({ status: 'ready', ready: true, checks: {} });
    const upstreams = await fetch(`${stack.app.url}/health/upstreams`);
    expect(upstreams.status).toBe(200);
    expect(await upstreams.json()).toEqual({
      status: 'healthy',
      healthy: true,
      upstreams: {
        dxp: { reachable: true, circuit: 'closed' },
        px: { reachable: true, circuit: 'closed' },
      },
    });
  });

  it('answers only reads on /health/upstreams', async () => {
    const write = await fetch(`${stack.app.url}/health/upstreams`, { method: 'POST', body: '{}' });
    await write.text();
    expect(write.status).toBe(405);
    expect(write.headers.get('allow')).toBe('GET, HEAD');
  });

  it('stays ready when an upstream stops answering connections, which /health/upstreams reports', async () => {
    const lonely = await startTestStack();
    await lonely.dxp.close();
    try {
      const ready = await fetch(`${lonely.app.url}/health/ready`);
      expect(ready.status).toBe(200);
      const upstreams = await fetch(`${lonely.app.url}/health/upstreams`);
      expect(upstreams.status).toBe(503);
      expect(await upstreams.json()).toMatchObject({
        status: 'degraded',
        healthy: false,
        upstreams: {
          dxp: { reachable: false, circuit: 'closed' },
          px: { reachable: true, circuit: 'closed' },
        },
      });
    } finally {
      await lonely.close().catch(() => undefined);
    }
  });

  it('counts requests by operation, upstream calls by route and status, and cache hits', async () => {
    await graphql(stack.graphqlUrl, LINE);
    await graphql(stack.graphqlUrl, LINE);
    const response = await fetch(`${stack.app.url}/metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const metrics = await response.text();
    expect(metrics).toMatch(/graphql_requests_total\{operation="LineForMetrics",outcome="ok"\} 2/);
    expect(metrics).toMatch(
      /graphql_request_duration_seconds_count\{operation="LineForMetrics"\} 2/,
    );
    expect(metrics).toMatch(
      /upstream_requests_total\{upstream="DXP",route="productOrder",status="200"\} 1/,
    );
    expect(metrics).toMatch(
      /upstream_request_duration_seconds_count\{upstream="DXP",route="productOrder"\} 1/,
    );
    expect(metrics).toMatch(/cache_lookups_total\{cache="lines",result="hit"\} 1/);
    expect(metrics).toMatch(/cache_lookups_total\{cache="lines",result="miss"\} 1/);
    expect(metrics).toMatch(/circuit_breaker_open\{upstream="DXP"\} 0/);
    expect(metrics).toMatch(/process_cpu_seconds_total/);
  });

  it('echoes the caller correlation id and logs the request under it', async () => {
    const response = await graphql(
      stack.graphqlUrl,
      `
        {
          mobileLine(businessId: "PR", msisdn: "17875550101") {
            __typename
          }
        }
      `,
      {},
      {
        'x-correlation-id': 'front-end-req-42',
      },
    );
    expect(response.headers.get('x-correlation-id')).toBe('front-end-req-42');
    const lines = stack.logs
      .records()
      .filter((record) => record['correlationId'] === 'front-end-req-42');
    expect(lines.length).toBeGreaterThan(0);
  });
});
