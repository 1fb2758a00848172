import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PX_ROUTES } from '../src/sandbox/px/server.js';
import { graphql, startTestStack, type TestStack } from './helpers/app.js';
import { RCC_DISCLOSURE, SEND_RCC, disclosureInput, newOrderKey } from './helpers/px-operations.js';

/**
 * What one GraphQL operation costs at Px: identical reads share one call
 * through the request's loaders, distinct ones each get their own.
 */
const TWICE_WITH_ACCEPTANCE = `
  query Twice($input: RccDisclosureInput!, $order: OrderKeyInput!) {
    first: rccDisclosure(input: $input) {
      __typename
      ... on RccDisclosure { text preparedAt expiresAt sections { title text } acceptance { method } }
    }
    again: rccDisclosure(input: $input) {
      ... on RccDisclosure { acceptance { method acceptedAt } }
    }
    status: rccAcceptance(order: $order) {
      ... on RccAcceptanceStatus { accepted acceptance { method } }
    }
  }`;

const TWO_ORDERS = `
  query TwoOrders($a: RccDisclosureInput!, $b: RccDisclosureInput!) {
    a: rccDisclosure(input: $a) { ... on RccDisclosure { transactionId acceptance { method } } }
    b: rccDisclosure(input: $b) { ... on RccDisclosure { transactionId acceptance { method } } }
  }`;

const WITH_ACCEPTANCE = `
  query WithAcceptance($input: RccDisclosureInput!) {
    rccDisclosure(input: $input) { __typename ... on RccDisclosure { acceptance { method } } }
  }`;

interface Disclosure {
  __typename: string;
  text: string;
  preparedAt: string;
  expiresAt: string;
  sections: { title: string; text: string }[];
  acceptance: { method: string } | null;
}

describe('Px reads within one operation', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack.close());

  const pxCalls = () => ({
    retrieve: stack.px.callCount(PX_ROUTES.retrieveRcc),
    acceptance: stack.px.callCount(PX_ROUTES.getRccAcceptance),
  });

  it('answers the same disclosure and acceptance asked three ways with one call of each', async () => {
    const order = newOrderKey();
    await graphql(stack.graphqlUrl, RCC_DISCLOSURE, disclosureInput(order));
    const sent = await graphql<{ sendRcc: { __typename: string } }>(stack.graphqlUrl, SEND_RCC, {
      input: { order, method: 'SMS', destination: '17875550123' },
    });
    expect(sent.body.data?.sendRcc.__typename).toBe('RccSent');
    const before = pxCalls();

    const response = await graphql<{
      first: Disclosure;
      again: { acceptance: { method: string } | null };
      status: { accepted: boolean; acceptance: { method: string } | null };
    }>(stack.graphqlUrl, TWICE_WITH_ACCEPTANCE, { input: disclosureInput(order).input, order });

    expect(response.body.errors).toBeUndefined();
    const { first, again, status } = response.body.data!;
    expect(first.acceptance).toEqual({ method: 'SMS' });
    expect(again.acceptance?.method).toBe('SMS');
    expect(status).toEqual({ accepted: true, acceptance: { method: 'SMS' } });
    const after = pxCalls();
    expect(after.retrieve - before.retrieve).toBe(1);
    expect(after.acceptance - before.acceptance).toBe(1);
  });

  it('reads the disclosure as one text of every section, open for 120 minutes from its preparation', async () => {
    const order = newOrderKey();
    const response = await graphql<{ first: Disclosure }>(stack.graphqlUrl, TWICE_WITH_ACCEPTANCE, {
      input: disclosureInput(order).input,
      order,
    });
    const { first } = response.body.data!;
    expect(first.__typename).toBe('RccDisclosure');
    expect(first.sections.length).toBeGreaterThan(1);
    for (const section of first.sections) {
      expect(first.text).toContain(section.title);
      expect(first.text).toContain(section.text);
    }
    expect(Date.parse(first.expiresAt) - Date.parse(first.preparedAt)).toBe(120 * 60 * 1000);
    expect(first.acceptance).toBeNull();
  });

  it('reads each distinct order of one operation once', async () => {
    const [a, b] = [newOrderKey(), newOrderKey()];
    const before = pxCalls();
    const response = await graphql<Record<'a' | 'b', { transactionId: string }>>(
      stack.graphqlUrl,
      TWO_ORDERS,
      { a: disclosureInput(a).input, b: disclosureInput(b).input },
    );
    expect(response.body.data?.a.transactionId).toBe(a.transactionId);
    expect(response.body.data?.b.transactionId).toBe(b.transactionId);
    const after = pxCalls();
    expect(after.retrieve - before.retrieve).toBe(2);
    expect(after.acceptance - before.acceptance).toBe(2);
  });

  it("answers a typed error on a disclosure's acceptance as a field error that keeps its code", async () => {
    const order = newOrderKey();
    stack.px.injectFault(PX_ROUTES.getRccAcceptance, {
      kind: 'status',
      status: 410,
      body: { code: '2131', message: 'combination must remain constant' },
    });
    const response = await graphql<{ rccDisclosure: { __typename: string; acceptance: null } }>(
      stack.graphqlUrl,
      WITH_ACCEPTANCE,
      disclosureInput(order),
    );
    expect(response.body.data?.rccDisclosure).toEqual({
      __typename: 'RccDisclosure',
      acceptance: null,
    });
    expect(response.body.errors).toHaveLength(1);
    expect(response.body.errors?.[0]).toMatchObject({
      path: ['rccDisclosure', 'acceptance'],
      extensions: { code: 'TRANSACTION_MISMATCH', upstreamCode: '2131' },
    });
    expect(response.body.errors?.[0]?.message).not.toContain('combination must remain constant');
  });
});
