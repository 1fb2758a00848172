import { describe, expect, it } from 'vitest';
import { MAX_LINES_PER_OPERATION } from '../src/loaders/line-by-key.js';
import { graphql, useTestStack } from './helpers/app.js';
import { MOBILE_LINE_ENTITIES, dxpCallsDuring, queryLine } from './helpers/lines.js';

const MAX_REPRESENTATIONS = 500;

/** `count` distinct MobileLine references a router could send: well-formed, unknown to dxp-ux. */
const distinctLines = (count: number) =>
  Array.from({ length: count }, (_, index) => ({
    __typename: 'MobileLine',
    businessId: 'PR',
    msisdn: `1787557${String(index).padStart(4, '0')}`,
  }));

function expectRefusedWhole(
  response: Awaited<ReturnType<typeof graphql>>,
  code: 'TOO_MANY_LINES' | 'TOO_MANY_REPRESENTATIONS',
): void {
  expect(response.status).toBe(400);
  expect(response.body.data).toBeUndefined();
  expect(response.body.errors).toHaveLength(1);
  expect(response.body.errors?.[0]?.extensions).toMatchObject({ code });
}

describe('how far one operation may fan out, refused whole before anything runs', () => {
  const stack = useTestStack({
    ADDONS_CACHE_TTL_S: '0',
    BREAKER_MIN_CALLS: '1000',
    MAX_REPRESENTATIONS: String(MAX_REPRESENTATIONS),
  });

  it(`resolves ${MAX_LINES_PER_OPERATION} distinct MobileLine references, repeated, with one call each`, async () => {
    const lines = distinctLines(MAX_LINES_PER_OPERATION);
    const { result, calls } = await dxpCallsDuring(stack, () =>
      graphql(stack.graphqlUrl, MOBILE_LINE_ENTITIES, { r: [...lines, ...lines] }),
    );
    expect(result.status).toBe(200);
    expect(result.body.errors).toBeUndefined();
    expect(result.body.data?.['_entities']).toHaveLength(MAX_LINES_PER_OPERATION * 2);
    expect(calls).toBe(MAX_LINES_PER_OPERATION);
  });

  it(`refuses ${MAX_LINES_PER_OPERATION + 10} distinct MobileLine references without a dxp-ux call`, async () => {
    const { result, calls } = await dxpCallsDuring(stack, () =>
      graphql(stack.graphqlUrl, MOBILE_LINE_ENTITIES, {
        r: distinctLines(MAX_LINES_PER_OPERATION + 10),
      }),
    );
    expectRefusedWhole(result, 'TOO_MANY_LINES');
    expect(calls).toBe(0);
  });

  it('counts lines from mobileLines, mobileLine and MobileLine references together', async () => {
    const references = distinctLines(MAX_LINES_PER_OPERATION - 10);
    const msisdns = distinctLines(11).map((line) => line.msisdn.replace(/^1787557/, '1787558'));
    const { result, calls } = await dxpCallsDuring(stack, () =>
      graphql(
        stack.graphqlUrl,
        `
          query Mixed($r: [_Any!]!, $msisdns: [Msisdn!]!) {
            ...Lines
            _entities(representations: $r) {
              ... on MobileLine {
                msisdn
              }
            }
          }
          fragment Lines on Query {
            mobileLines(businessId: "PR", msisdns: $msisdns) {
              __typename
            }
          }
        `,
        { r: references, msisdns },
      ),
    );
    expectRefusedWhole(result, 'TOO_MANY_LINES');
    expect(calls).toBe(0);

    const within = await dxpCallsDuring(stack, () =>
      graphql(
        stack.graphqlUrl,
        `
          query Mixed($r: [_Any!]!) {
            _entities(representations: $r) {
              ... on MobileLine {
                msisdn
              }
            }
            one: mobileLine(businessId: "PR", msisdn: "16654555678") {
              __typename
            }
          }
        `,
        { r: distinctLines(MAX_LINES_PER_OPERATION - 1) },
      ),
    );
    expect(within.result.status).toBe(200);
    expect(within.result.body.errors).toBeUndefined();
    expect(within.calls).toBe(MAX_LINES_PER_OPERATION);
  });

  it(`refuses more than MAX_REPRESENTATIONS representations, even ones that name no line`, async () => {
    const orders = Array.from({ length: MAX_REPRESENTATIONS + 1 }, (_, index) => ({
      __typename: 'Order',
      partnerOrderId: `PO-unknown-${index}`,
    }));
    const { result, calls } = await dxpCallsDuring(stack, () =>
      graphql(
        stack.graphqlUrl,
        'query($r:[_Any!]!){_entities(representations:$r){...on Order{orderNumber}}}',
        { r: orders },
      ),
    );
    expectRefusedWhole(result, 'TOO_MANY_REPRESENTATIONS');
    expect(result.body.errors?.[0]?.message).toBe(
      `_entities: at most ${MAX_REPRESENTATIONS} representations per request.`,
    );
    expect(calls).toBe(0);
  });

  // 45,000 invalid representations in a 90 kB body used to cost seconds of CPU and a 10 MB
  // answer, stalling every other client. Refused by their count, they cost a length check.
  it('refuses 40,000 invalid representations at once while serving another client', async () => {
    const flood = Array.from({ length: 40_000 }, () => 0);
    const floods = Array.from({ length: 4 }, () =>
      graphql(stack.graphqlUrl, MOBILE_LINE_ENTITIES, { r: flood }),
    );
    const startedAt = performance.now();
    const served = await queryLine(stack, 'PR', '16654555678');
    const servedMs = performance.now() - startedAt;
    const refused = await Promise.all(floods);
    const allMs = performance.now() - startedAt;

    expect(served.line.__typename).toBe('MobileLine');
    for (const response of refused) expectRefusedWhole(response, 'TOO_MANY_REPRESENTATIONS');
    // Generous bounds for a shared machine: before, one such request alone took about 5 s.
    expect(servedMs).toBeLessThan(1_000);
    expect(allMs).toBeLessThan(1_000);
  });
});
