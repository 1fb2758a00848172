import { randomUUID } from 'node:crypto';

/** A fresh order key per test, so tests sharing one sandbox never share Px state. */
export function newOrderKey(prefix = 'TX') {
  const id = randomUUID().slice(0, 8);
  return { partnerId: 'P-1001', partnerOrderId: `PO-${id}`, transactionId: `${prefix}-${id}` };
}

// Aliased: Error.transactionId (ID) and a success member's transactionId (ID!) cannot share a response key.
export const ERROR_FIELDS = 'code message upstreamCode errorTransactionId: transactionId';

export const RCC_DISCLOSURE = `
  query Disclosure($input: RccDisclosureInput!) {
    rccDisclosure(input: $input) {
      __typename
      ... on RccDisclosure {
        partnerOrderId transactionId text preparedAt expiresAt
        sections { title text }
        charges { name recurrence amount { amount currency } }
        taxEstimate { amount currency }
        acceptance { method acceptedAt }
      }
      ... on InvalidFieldError { field }
      ... on RccUnavailableError { supportPhone }
      ... on Error { ${ERROR_FIELDS} }
    }
  }`;

export const SEND_RCC = `
  mutation Send($input: SendRccInput!) {
    sendRcc(input: $input) {
      __typename
      ... on RccSent { partnerOrderId transactionId method destination sentAt }
      ... on InvalidFieldError { field }
      ... on Error { ${ERROR_FIELDS} }
    }
  }`;

export const RCC_ACCEPTANCE = `
  query Acceptance($order: OrderKeyInput!) {
    rccAcceptance(order: $order) {
      __typename
      ... on RccAcceptanceStatus { partnerOrderId transactionId accepted acceptance { method acceptedAt } }
      ... on InvalidFieldError { field }
      ... on Error { ${ERROR_FIELDS} }
    }
  }`;

export const COMPLETE_ORDER = `
  mutation Complete($input: CompleteOrderInput!) {
    completeOrder(input: $input) {
      __typename
      ... on OrderCompleted {
        replayed
        order {
          partnerOrderId transactionId orderNumber status submittedAt
          rccAcceptance { method acceptedAt }
          items { product { id name } quantity charges { name recurrence amount { amount currency } } }
          disclosure { partnerOrderId transactionId }
        }
      }
      ... on InvalidFieldError { field }
      ... on PaymentUnavailableError { supportPhone }
      ... on TooManyGiftCardsError { maxGiftCards }
      ... on OrderExpiredError { expiredAt }
      ... on OrderAlreadySubmittedError { earlierOrder: order { orderNumber } }
      ... on UpstreamUnavailableError { upstream }
      ... on Error { ${ERROR_FIELDS} }
    }
  }`;

export const ORDER = `
  query Order($partnerId: ID!, $partnerOrderId: ID!) {
    order(partnerId: $partnerId, partnerOrderId: $partnerOrderId) {
      __typename partnerId partnerOrderId transactionId orderNumber status
      rccAcceptance { method acceptedAt }
      disclosure { text }
    }
  }`;

type OrderKey = ReturnType<typeof newOrderKey>;

export function disclosureInput(order: OrderKey, overrides: Record<string, unknown> = {}) {
  return { input: { order, salesCode: 'SC100', addressDetailId: 'ADDR-2', ...overrides } };
}

export function completeInput(order: OrderKey, overrides: Record<string, unknown> = {}) {
  return {
    input: {
      order,
      salesCode: 'SC100',
      addressDetailId: 'ADDR-2',
      rccAccepted: true,
      acceptanceMethod: 'VERBAL',
      ...overrides,
    },
  };
}
