import { describe, expect, it } from 'vitest';
import { INLINE_TRACE_HEADER } from '../src/graphql/plugins/inline-trace.js';
import { graphql, useTestStack } from './helpers/app.js';

const LINE = `query Line($businessId: BusinessId!, $msisdn: Msisdn!) {
  mobileLine(businessId: $businessId, msisdn: $msisdn) { __typename ... on MobileLine { planType } }
}`;
const SEED = { businessId: 'PR', msisdn: '16654555678' };

/**
 * A router asks a subgraph for its federated trace (ftv1) with a header; the
 * subgraph answers it in the extensions of that request only.
 */
describe('inline traces (ftv1)', () => {
  const stack = useTestStack();

  it('answers a trace to a request that asks for one', async () => {
    const answer = await graphql<{ mobileLine: { planType: string } }>(
      stack.graphqlUrl,
      LINE,
      SEED,
      { [INLINE_TRACE_HEADER]: 'ftv1' },
    );
    expect(answer.body.data?.mobileLine.planType).toBe('POSTPAID');
    const trace = answer.body.extensions?.['ftv1'];
    expect(typeof trace).toBe('string');
    // A protobuf Trace of the resolvers that ran, base64: far more than an empty message.
    expect(Buffer.from(trace as string, 'base64').length).toBeGreaterThan(50);
  });

  it('answers no trace to a request that does not ask, or asks for another kind', async () => {
    const asks: Record<string, string>[] = [{}, { [INLINE_TRACE_HEADER]: 'ftv2' }];
    for (const headers of asks) {
      const answer = await graphql(stack.graphqlUrl, LINE, SEED, headers);
      expect(answer.body.data).toBeDefined();
      expect(answer.body.extensions?.['ftv1']).toBeUndefined();
    }
  });
});
