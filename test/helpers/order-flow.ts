import { answerOf, type Outcome } from './app.js';
import {
  COMPLETE_ORDER,
  ORDER,
  RCC_DISCLOSURE,
  SEND_RCC,
  completeInput,
  disclosureInput,
  type newOrderKey,
} from './px-operations.js';

/**
 * The order flow's steps as an agent takes them, each answering its field's
 * outcome (and failing the test on a GraphQL error). `subgraph` is anything
 * serving /graphql: a test stack, a subgraph process.
 */

export type OrderKey = ReturnType<typeof newOrderKey>;
type Subgraph = { graphqlUrl: string };
type Overrides = Record<string, unknown>;

export const disclose = (subgraph: Subgraph, key: OrderKey, overrides: Overrides = {}) =>
  answerOf(subgraph, RCC_DISCLOSURE, disclosureInput(key, overrides));

export const sendRccBySms = (subgraph: Subgraph, key: OrderKey, destination = '17875550123') =>
  answerOf(subgraph, SEND_RCC, { input: { order: key, method: 'SMS', destination } });

export const complete = (subgraph: Subgraph, key: OrderKey, overrides: Overrides = {}) =>
  answerOf(subgraph, COMPLETE_ORDER, completeInput(key, overrides));

/** The disclosure, then the completion: what every placed order goes through. */
export async function placeOrder(
  subgraph: Subgraph,
  key: OrderKey,
  overrides: { disclosure?: Overrides; completion?: Overrides } = {},
): Promise<Outcome> {
  await disclose(subgraph, key, overrides.disclosure);
  return complete(subgraph, key, overrides.completion);
}

/** The partner's order under `key`, or null when the subgraph knows of none. */
export const lookUpOrder = (
  subgraph: Subgraph,
  { partnerId, partnerOrderId }: Pick<OrderKey, 'partnerId' | 'partnerOrderId'>,
) => answerOf<Outcome | null>(subgraph, ORDER, { partnerId, partnerOrderId });
