import { DXP_PRODUCT_ORDER_ROUTE, startDxpSandbox } from '../../src/sandbox/dxp/server.js';
import { startPxSandbox } from '../../src/sandbox/px/server.js';
import { graphql, startTestStack, type GraphQLResponse, type TestStack } from './app.js';
import { startRecordingProxy, type RecordingProxy } from './recording-proxy.js';

/** Every field of a line and of each error MobileLineResult admits, so a test sees the whole answer. */
const LINE_RESULT_SELECTION = `
  __typename
  ... on MobileLine {
    businessId
    msisdn
    planType
    plan { id name }
    addons { product { id name } prices { name description dutyFreeAmount { amount currency } } }
  }
  ... on Error { code message upstreamCode transactionId }
  ... on LineNotFoundError { msisdn }
  ... on InvalidFieldError { field }
  ... on RateLimitedError { retryAfterSeconds }
  ... on UpstreamUnavailableError { upstream retryAfterSeconds }
`;

export const MOBILE_LINE = `query MobileLine($businessId: BusinessId!, $msisdn: Msisdn!) {
  mobileLine(businessId: $businessId, msisdn: $msisdn) { ${LINE_RESULT_SELECTION} }
}`;

export const MOBILE_LINES = `query MobileLines($businessId: BusinessId!, $msisdns: [Msisdn!]!) {
  mobileLines(businessId: $businessId, msisdns: $msisdns) { ${LINE_RESULT_SELECTION} }
}`;

/** The operation a router sends to resolve MobileLine references. */
export const MOBILE_LINE_ENTITIES =
  'query($r:[_Any!]!){_entities(representations:$r){... on MobileLine{businessId msisdn plan{id} addons{product{id}}}}}';

/** One answer of MobileLineResult as the selection above reads it. */
export interface LineResult {
  __typename: string;
  [field: string]: unknown;
}

export const DXP_ROUTE = DXP_PRODUCT_ORDER_ROUTE;

/** Upstream calls `work` cost the stack's dxp-ux sandbox. */
export async function dxpCallsDuring<T>(
  stack: TestStack,
  work: () => Promise<T>,
): Promise<{ result: T; calls: number }> {
  const before = stack.dxp.callCount(DXP_ROUTE);
  const result = await work();
  return { result, calls: stack.dxp.callCount(DXP_ROUTE) - before };
}

export async function queryLine(
  stack: TestStack,
  businessId: string,
  msisdn: string,
  headers: Record<string, string> = {},
): Promise<{ line: LineResult; response: GraphQLResponse<{ mobileLine: LineResult }> }> {
  const response = await graphql<{ mobileLine: LineResult }>(
    stack.graphqlUrl,
    MOBILE_LINE,
    { businessId, msisdn },
    headers,
  );
  const line = response.body.data?.mobileLine;
  if (!line) {
    throw new Error(`mobileLine gave no data: ${JSON.stringify(response.body.errors)}`);
  }
  return { line, response };
}

/** queryLine, with the dxp-ux calls it cost. */
export function queryLineCountingCalls(
  stack: TestStack,
  businessId: string,
  msisdn: string,
): Promise<{ result: Awaited<ReturnType<typeof queryLine>>; calls: number }> {
  return dxpCallsDuring(stack, () => queryLine(stack, businessId, msisdn));
}

export async function queryLines(
  stack: TestStack,
  businessId: string,
  msisdns: string[],
): Promise<GraphQLResponse<{ mobileLines: LineResult[] }>> {
  return graphql<{ mobileLines: LineResult[] }>(stack.graphqlUrl, MOBILE_LINES, {
    businessId,
    msisdns,
  });
}

/**
 * The subgraph in front of a recording proxy in front of the dxp-ux sandbox,
 * so a test sees what dxp-ux received; `close` stops all three.
 */
export async function startRecordedStack(
  env: Record<string, string> = {},
): Promise<{ stack: TestStack; proxy: RecordingProxy }> {
  const dxp = await startDxpSandbox();
  const px = await startPxSandbox();
  const proxy = await startRecordingProxy(dxp.url);
  const stack = await startTestStack({ ...env, DXP_BASE_URL: proxy.url }, { shared: { dxp, px } });
  return {
    proxy,
    stack: {
      ...stack,
      async close() {
        await stack.close();
        await proxy.close();
        await Promise.all([dxp.close(), px.close()]);
      },
    },
  };
}
