import { gql, type ApolloClient } from '@apollo/client';
import { addTypenameToDocument } from '@apollo/client/utilities';
import { print, type DocumentNode } from 'graphql';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { typePolicies } from '../schema/client/type-policies.js';
import { withSharedFragments } from '../src/graphql/example-operations.js';
import { readExampleOperation } from './federation/example-operations.js';
import {
  apolloDevelopmentBuild,
  captureConsole,
  createApolloClient,
} from './helpers/apollo-client.js';
import { graphql, startTestStack, type TestStack } from './helpers/app.js';
import { newOrderKey } from './helpers/px-operations.js';

/**
 * A front end's view: Apollo Client 4, InMemoryCache with the generated
 * possibleTypes and typePolicies, HttpLink, against the real subgraph and
 * sandboxes. Apollo Client runs its development build, and any console output
 * it makes (a cache warning, a missing field) fails the test.
 */

const SHARED_ADDON = 'PR_B2C_Mobile_IntRmg_Voice';

// What a line page reads back: the line fragment the mobile-lines example spreads.
const LINE_FROM_CACHE = gql(
  withSharedFragments(`
    query LineFromCache($businessId: BusinessId!, $msisdn: Msisdn!) {
      mobileLine(businessId: $businessId, msisdn: $msisdn) {
        __typename
        ...MobileLineDetails
      }
    }`),
);

// What an order page reads back after completeOrder: the OrderStatus the complete-order example's order includes.
const ORDER_FROM_CACHE = gql(
  withSharedFragments(`
    query OrderFromCache($partnerId: ID!, $partnerOrderId: ID!) {
      order(partnerId: $partnerId, partnerOrderId: $partnerOrderId) {
        ...OrderStatus
      }
    }`),
);

// Each typed error selected only through the Error interface: without possibleTypes these fields vanish.
const LINE_ERROR = `
  query LineError($businessId: BusinessId!, $msisdn: Msisdn!) {
    mobileLine(businessId: $businessId, msisdn: $msisdn) {
      __typename
      ... on MobileLine { businessId msisdn }
      ... on Error { code message }
    }
  }`;
const DISCLOSURE_ERROR = `
  query DisclosureError($input: RccDisclosureInput!) {
    rccDisclosure(input: $input) {
      __typename
      ... on RccDisclosure { partnerId partnerOrderId transactionId }
      ... on Error { code message }
    }
  }`;
const COMPLETE_ORDER_ERROR = `
  mutation CompleteOrderError($input: CompleteOrderInput!) {
    completeOrder(input: $input) {
      __typename
      ... on OrderCompleted { replayed }
      ... on Error { code message }
    }
  }`;

/** The normalized object the cache holds under `id`. */
function cached(client: ApolloClient, id: string): unknown {
  return (client.extract() as Record<string, unknown>)[id];
}

/** What the server answers to `document` as Apollo Client sends it (with __typename everywhere). */
async function sentByServer(
  stack: TestStack,
  document: DocumentNode,
  variables: Record<string, unknown>,
) {
  const response = await graphql(
    stack.graphqlUrl,
    print(addTypenameToDocument(document)),
    variables,
  );
  expect(response.body.errors).toBeUndefined();
  return response.body.data;
}

function exampleDocument(name: string) {
  return gql(readExampleOperation(name).document);
}

function saleOf(order: ReturnType<typeof newOrderKey>) {
  return { order, salesCode: 'SC100', addressDetailId: 'ADDR-1' };
}

function completionOf(order: ReturnType<typeof newOrderKey>, overrides = {}) {
  return {
    ...saleOf(order),
    rccAccepted: true,
    acceptanceMethod: 'SMS',
    paymentToken: 'tok_visa',
    ...overrides,
  };
}

describe('Apollo Client 4 with the generated possibleTypes and typePolicies', () => {
  let stack: TestStack;
  let client: ApolloClient;
  let console_: ReturnType<typeof captureConsole>;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack.close());
  beforeEach(() => {
    client = createApolloClient(stack.graphqlUrl);
    console_ = captureConsole();
  });
  afterEach(() => {
    const logged = console_.take();
    console_.restore();
    expect(logged).toEqual([]);
  });

  it('runs the development build, whose warnings these tests watch', () => {
    expect(apolloDevelopmentBuild).toBe(true);
  });

  it('keeps each line its own prices for an add-on product two lines share, and reads each line back from the cache', async () => {
    const variables = { businessId: 'PR', msisdns: ['16654555678', '17875550102'] };
    const query = exampleDocument('mobile-lines');
    const { data } = await client.query({ query, variables });
    expect(data).toEqual(await sentByServer(stack, query, variables));

    const sharedPricesOf = async (msisdn: string) => {
      const line = await client.query({
        query: LINE_FROM_CACHE,
        variables: { businessId: 'PR', msisdn },
        fetchPolicy: 'cache-only',
      });
      const addons = (
        line.data as {
          mobileLine: {
            addons: { product: { id: string }; prices: { dutyFreeAmount: { amount: string } }[] }[];
          };
        }
      ).mobileLine.addons;
      return addons
        .filter((addon) => addon.product.id === SHARED_ADDON)
        .flatMap((addon) => addon.prices.map((price) => price.dutyFreeAmount.amount));
    };
    expect(await sharedPricesOf('17875550102')).toEqual(['10.00', '40.00']);
    expect(await sharedPricesOf('16654555678')).toEqual(['0.00']);
    // The product itself is one normalized object, keyed by id as its @key says.
    expect(client.cache.identify({ __typename: 'Product', id: SHARED_ADDON })).toBe(
      `Product:{"id":"${SHARED_ADDON}"}`,
    );
    expect(cached(client, `Product:{"id":"${SHARED_ADDON}"}`)).toMatchObject({ id: SHARED_ADDON });
  });

  it('goes through the whole order flow, after which order(...) is answered from the cache alone', async () => {
    const key = newOrderKey('AC');
    const disclosure = await client.query({
      query: exampleDocument('rcc-disclosure'),
      variables: { input: saleOf(key) },
    });
    expect(disclosure.data).toMatchObject({
      rccDisclosure: { __typename: 'RccDisclosure', ...key },
    });
    const sent = await client.mutate({
      mutation: exampleDocument('send-rcc'),
      variables: { input: { order: key, method: 'SMS', destination: '17875550123' } },
    });
    expect(sent.data).toMatchObject({ sendRcc: { __typename: 'RccSent', destination: '***0123' } });
    const acceptance = await client.query({
      query: exampleDocument('rcc-acceptance'),
      variables: { order: key },
    });
    expect(acceptance.data).toMatchObject({
      rccAcceptance: { __typename: 'RccAcceptanceStatus', accepted: true },
    });
    const completed = await client.mutate({
      mutation: exampleDocument('complete-order'),
      variables: { input: completionOf(key) },
    });
    expect(completed.data).toMatchObject({
      completeOrder: { __typename: 'OrderCompleted', replayed: false },
    });
    const { order } = (completed.data as { completeOrder: { order: Record<string, unknown> } })
      .completeOrder;

    const fromCache = await client.query({
      query: ORDER_FROM_CACHE,
      variables: { partnerId: key.partnerId, partnerOrderId: key.partnerOrderId },
      fetchPolicy: 'cache-only',
    });
    expect(fromCache.data).toEqual({
      order: {
        __typename: 'Order',
        partnerId: key.partnerId,
        partnerOrderId: key.partnerOrderId,
        transactionId: key.transactionId,
        orderNumber: order['orderNumber'],
        status: order['status'],
        rccAcceptance: order['rccAcceptance'],
      },
    });
    // The disclosure stays keyed by its partner, order and transaction.
    expect(cached(client, `RccDisclosure:${JSON.stringify(key)}`)).toMatchObject(key);
  });

  it('delivers each typed error code and message through `... on Error`, as the server sent them', async () => {
    const done = newOrderKey('AC');
    const flowClient = createApolloClient(stack.graphqlUrl);
    await flowClient.query({ query: gql(DISCLOSURE_ERROR), variables: { input: saleOf(done) } });
    await flowClient.mutate({
      mutation: gql(COMPLETE_ORDER_ERROR),
      variables: { input: completionOf(done, { acceptanceMethod: 'VERBAL' }) },
    });
    const fresh = newOrderKey('AC');
    const cases: { document: string; variables: Record<string, unknown>; code: string }[] = [
      {
        document: LINE_ERROR,
        variables: { businessId: 'PR', msisdn: '17875559999' },
        code: 'LINE_NOT_FOUND',
      },
      {
        document: LINE_ERROR,
        variables: { businessId: 'US', msisdn: '16654555678' },
        code: 'INVALID_FIELD',
      },
      {
        document: DISCLOSURE_ERROR,
        variables: { input: { ...saleOf(fresh), salesCode: ' ' } },
        code: 'INVALID_FIELD',
      },
      {
        document: DISCLOSURE_ERROR,
        variables: { input: saleOf({ ...done, partnerOrderId: `${done.partnerOrderId}-other` }) },
        code: 'TRANSACTION_MISMATCH',
      },
      {
        document: COMPLETE_ORDER_ERROR,
        variables: { input: completionOf(fresh, { rccAccepted: false }) },
        code: 'RCC_NOT_ACCEPTED',
      },
      {
        document: COMPLETE_ORDER_ERROR,
        variables: { input: completionOf(fresh, { giftCardIds: ['GC-1', 'GC-2'] }) },
        code: 'TOO_MANY_GIFT_CARDS',
      },
      {
        document: COMPLETE_ORDER_ERROR,
        variables: {
          input: completionOf(done, { acceptanceMethod: 'VERBAL', salesCode: 'SC200' }),
        },
        code: 'ORDER_ALREADY_SUBMITTED',
      },
    ];
    for (const { document, variables, code } of cases) {
      const query = gql(document);
      const { data } = document.trimStart().startsWith('mutation')
        ? await client.mutate({ mutation: query, variables })
        : await client.query({ query, variables });
      expect(data).toEqual(await sentByServer(stack, query, variables));
      const result = Object.values(data as Record<string, { code?: string; message?: string }>)[0];
      expect({ code: result?.code, hasMessage: Boolean(result?.message) }).toEqual({
        code,
        hasMessage: true,
      });
    }
  });

  it('is what makes them arrive: without possibleTypes the code is dropped, and the development build says so', async () => {
    const withoutPossibleTypes = createApolloClient(stack.graphqlUrl, { typePolicies });
    const { data } = await withoutPossibleTypes.query({
      query: gql(LINE_ERROR),
      variables: { businessId: 'PR', msisdn: '17875559999' },
    });
    expect(data).toEqual({ mobileLine: { __typename: 'LineNotFoundError' } });
    expect(console_.take().join('\n')).toMatch(/fragment|possibleTypes/i);
  });
});
