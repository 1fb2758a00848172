import { describe, expect, it } from 'vitest';
import { NO_STORE } from '../src/graphql/plugins/cache-policy.js';
import { graphql, useTestStack } from './helpers/app.js';
import { MOBILE_LINE, MOBILE_LINE_ENTITIES, MOBILE_LINES } from './helpers/lines.js';
import { ORDER, SEND_RCC, newOrderKey } from './helpers/px-operations.js';

const SEED = { businessId: 'PR', msisdn: '16654555678' };
const PREPAID = { businessId: 'PR', msisdn: '17875550101' };
const LINE_REPRESENTATION = { __typename: 'MobileLine', ...SEED };
const MIXED_ENTITIES =
  'query($r:[_Any!]!){_entities(representations:$r){... on MobileLine{msisdn} ... on Order{partnerOrderId}}}';

function cacheControl(response: { headers: Headers }): string | null {
  return response.headers.get('cache-control');
}

describe('Cache-Control, ADDONS_CACHE_TTL_S=45', () => {
  const stack = useTestStack({ ADDONS_CACHE_TTL_S: '45' });

  const CACHEABLE = 'private, max-age=45';

  it('lets a router keep a mobileLine answer as long as the subgraph keeps the line', async () => {
    const response = await graphql(stack.graphqlUrl, MOBILE_LINE, SEED);
    expect(response.body.errors).toBeUndefined();
    expect(cacheControl(response)).toBe(CACHEABLE);
  });

  it('lets a router keep a mobileLines answer, fragments and __typename included', async () => {
    const response = await graphql(stack.graphqlUrl, MOBILE_LINES, {
      businessId: 'PR',
      msisdns: [SEED.msisdn, PREPAID.msisdn],
    });
    expect(response.body.errors).toBeUndefined();
    expect(cacheControl(response)).toBe(CACHEABLE);

    const spread = await graphql(
      stack.graphqlUrl,
      `query { __typename ...Lines }
       fragment Lines on Query { mobileLine(businessId: "PR", msisdn: "${SEED.msisdn}") { __typename } }`,
    );
    expect(spread.body.errors).toBeUndefined();
    expect(cacheControl(spread)).toBe(CACHEABLE);
  });

  it('answers no-store when a line read answers an expected failure, which must not be kept', async () => {
    // 0503 answers 503 (retried, then UpstreamUnavailableError); an unknown line is LineNotFoundError.
    for (const variables of [
      { businessId: 'PR', msisdn: '17875550503' },
      { businessId: 'PR', msisdn: '17875559999' },
    ]) {
      const response = await graphql(stack.graphqlUrl, MOBILE_LINE, variables);
      expect(response.body.errors).toBeUndefined();
      expect(cacheControl(response)).toBe(NO_STORE);
    }
    const mixed = await graphql(stack.graphqlUrl, MOBILE_LINES, {
      businessId: 'PR',
      msisdns: [SEED.msisdn, '17875559999'],
    });
    expect(mixed.body.errors).toBeUndefined();
    expect(cacheControl(mixed)).toBe(NO_STORE);
  });

  it('lets a router keep an _entities fetch of MobileLine representations only', async () => {
    const response = await graphql(stack.graphqlUrl, MOBILE_LINE_ENTITIES, {
      r: [LINE_REPRESENTATION, { __typename: 'MobileLine', ...PREPAID }],
    });
    expect(response.body.errors).toBeUndefined();
    expect(cacheControl(response)).toBe(CACHEABLE);
  });

  it('answers no-store for the same _entities document once a representation is an Order', async () => {
    const order = newOrderKey();
    const linesOnly = await graphql(stack.graphqlUrl, MIXED_ENTITIES, { r: [LINE_REPRESENTATION] });
    expect(cacheControl(linesOnly)).toBe(CACHEABLE);

    const mixed = await graphql(stack.graphqlUrl, MIXED_ENTITIES, {
      r: [
        LINE_REPRESENTATION,
        { __typename: 'Order', partnerId: order.partnerId, partnerOrderId: order.partnerOrderId },
      ],
    });
    expect(mixed.status).toBe(200);
    expect(cacheControl(mixed)).toBe(NO_STORE);

    const inline = await graphql(
      stack.graphqlUrl,
      `
        {
          _entities(
            representations: [
              {
                __typename: "RccDisclosure"
                partnerId: "P-1001"
                partnerOrderId: "PO-1"
                transactionId: "TX-1"
              }
            ]
          ) {
            __typename
          }
        }
      `,
    );
    expect(cacheControl(inline)).toBe(NO_STORE);
  });

  it('answers no-store for Px data read at the root, even next to a line', async () => {
    const order = newOrderKey();
    const response = await graphql(stack.graphqlUrl, ORDER, {
      partnerId: order.partnerId,
      partnerOrderId: order.partnerOrderId,
    });
    expect(response.body.errors).toBeUndefined();
    expect(cacheControl(response)).toBe(NO_STORE);

    const both = await graphql(
      stack.graphqlUrl,
      `query { mobileLine(businessId: "PR", msisdn: "${SEED.msisdn}") { __typename }
               order(partnerId: "${order.partnerId}", partnerOrderId: "${order.partnerOrderId}") { orderNumber } }`,
    );
    expect(both.body.errors).toBeUndefined();
    expect(cacheControl(both)).toBe(NO_STORE);
  });

  it('answers no-store for every mutation', async () => {
    const order = newOrderKey();
    const response = await graphql(stack.graphqlUrl, SEND_RCC, {
      input: { order, method: 'SMS', destination: '+17875550101' },
    });
    expect(response.status).toBe(200);
    expect(cacheControl(response)).toBe(NO_STORE);
  });

  it('answers no-store for introspection and _service', async () => {
    const introspection = await graphql(stack.graphqlUrl, '{ __schema { queryType { name } } }');
    expect(introspection.body.errors).toBeUndefined();
    expect(cacheControl(introspection)).toBe(NO_STORE);
    const service = await graphql(stack.graphqlUrl, '{ _service { sdl } }');
    expect(service.body.errors).toBeUndefined();
    expect(cacheControl(service)).toBe(NO_STORE);
  });

  it('answers no-store for a line query that fails, whether refused or parsed wrong', async () => {
    const badVariable = await graphql(stack.graphqlUrl, MOBILE_LINE, {
      ...SEED,
      msisdn: 'not-a-number',
    });
    expect(badVariable.body.errors?.length).toBeGreaterThan(0);
    expect(cacheControl(badVariable)).toBe(NO_STORE);

    const unparsable = await graphql(stack.graphqlUrl, '{ mobileLine(');
    expect(unparsable.status).toBe(400);
    expect(cacheControl(unparsable)).toBe(NO_STORE);

    // The same document as the cacheable test above: what it decided is not carried over.
    const good = await graphql(stack.graphqlUrl, MOBILE_LINE, SEED);
    expect(cacheControl(good)).toBe(CACHEABLE);
  });
});

describe('Cache-Control, ADDONS_CACHE_TTL_S=0', () => {
  const stack = useTestStack({ ADDONS_CACHE_TTL_S: '0' });

  it('answers no-store for line data too: the subgraph keeps nothing, so neither may a router', async () => {
    const line = await graphql(stack.graphqlUrl, MOBILE_LINE, SEED);
    expect(line.body.errors).toBeUndefined();
    expect(cacheControl(line)).toBe(NO_STORE);
    const entities = await graphql(stack.graphqlUrl, MOBILE_LINE_ENTITIES, {
      r: [LINE_REPRESENTATION],
    });
    expect(cacheControl(entities)).toBe(NO_STORE);
  });
});
