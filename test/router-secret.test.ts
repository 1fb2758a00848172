import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DXP_PRODUCT_ORDER_PATH } from '../src/sandbox/dxp/server.js';
import { BODY_LIMIT_BYTES } from '../src/http/routes.js';
import { graphql, startTestStack, type TestStack } from './helpers/app.js';

const SECRET = 'router-shared-secret-0123456789';
const WRONG = 'router-wrong-secret-9876543210';
const HEADER = 'router-authorization';
const LINE_ROUTE = `GET ${DXP_PRODUCT_ORDER_PATH}`;

/** What a router sends: its SDL fetch, an entity fetch, and a client operation. */
const OPERATIONS = {
  sdl: { query: '{ _service { sdl } }', variables: {} },
  entities: {
    query:
      'query($representations: [_Any!]!) { _entities(representations: $representations) { ... on MobileLine { plan { id } } } }',
    variables: {
      representations: [{ __typename: 'MobileLine', businessId: 'PR', msisdn: '16654555678' }],
    },
  },
  line: {
    query: '{ mobileLine(businessId: "PR", msisdn: "16654555678") { __typename } }',
    variables: {},
  },
};

function post(url: string, body: string, headers: Record<string, string> = {}) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
}

describe('the router secret (ROUTER_SECRET)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ ROUTER_SECRET: SECRET });
  });
  afterAll(() => stack.close());

  it.each(Object.entries(OPERATIONS))(
    'refuses %s without the secret or with a wrong one, 401 and no upstream call',
    async (_name, { query, variables }) => {
      const before = stack.dxp.callCount(LINE_ROUTE);
      const attempts: Record<string, string>[] = [
        {},
        { [HEADER]: WRONG },
        { [HEADER]: '' },
        { [HEADER]: SECRET + 'x' },
      ];
      for (const headers of attempts) {
        const response = await graphql(stack.graphqlUrl, query, variables, headers);
        expect(response.status).toBe(401);
        expect(response.body.data).toBeUndefined();
        expect(response.body.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
      }
      expect(stack.dxp.callCount(LINE_ROUTE)).toBe(before);
    },
  );

  it('lets every operation through with the right secret', async () => {
    const headers = { [HEADER]: SECRET };
    const sdl = await graphql<{ _service: { sdl: string } }>(
      stack.graphqlUrl,
      OPERATIONS.sdl.query,
      {},
      headers,
    );
    expect(sdl.status).toBe(200);
    expect(sdl.body.data?._service.sdl).toContain('type MobileLine');

    const entities = await graphql(
      stack.graphqlUrl,
      OPERATIONS.entities.query,
      OPERATIONS.entities.variables,
      headers,
    );
    expect(entities.body).toEqual({
      data: { _entities: [{ plan: { id: 'PR_B2C_ULT_Extra_MB_Line' } }] },
    });

    const line = await graphql(stack.graphqlUrl, OPERATIONS.line.query, {}, headers);
    expect(line.body).toEqual({ data: { mobileLine: { __typename: 'MobileLine' } } });
  });

  it('refuses before reading the body: a malformed or oversized body with a wrong secret is 401', async () => {
    const malformed = '{"query": "{ __typename }"';
    const oversized = JSON.stringify({
      query: `{ __typename }`,
      pad: 'x'.repeat(BODY_LIMIT_BYTES),
    });

    expect((await post(stack.graphqlUrl, malformed, { [HEADER]: WRONG })).status).toBe(401);
    expect((await post(stack.graphqlUrl, oversized, { [HEADER]: WRONG })).status).toBe(401);
    expect((await post(stack.graphqlUrl, oversized)).status).toBe(401);

    // The same bodies with the secret reach the parser, which refuses them for what they are.
    expect((await post(stack.graphqlUrl, malformed, { [HEADER]: SECRET })).status).toBe(400);
    expect((await post(stack.graphqlUrl, oversized, { [HEADER]: SECRET })).status).toBe(413);
  });

  it('guards GET /graphql too', async () => {
    const query = encodeURIComponent('{ __typename }');
    const refused = await fetch(`${stack.graphqlUrl}?query=${query}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(refused.status).toBe(401);
    const allowed = await fetch(`${stack.graphqlUrl}?query=${query}`, {
      headers: { 'apollo-require-preflight': 'true', [HEADER]: SECRET },
    });
    expect(allowed.status).toBe(200);
  });

  it('leaves /health, /health/ready and /metrics open', async () => {
    for (const path of ['/health', '/health/ready', '/metrics']) {
      const response = await fetch(`${stack.app.url}${path}`);
      expect(response.status, path).toBe(200);
    }
  });

  it('logs each refusal without the value presented or the secret', async () => {
    const correlationId = 'router-secret-refusal-1';
    await graphql(
      stack.graphqlUrl,
      OPERATIONS.sdl.query,
      {},
      {
        [HEADER]: WRONG,
        'x-correlation-id': correlationId,
      },
    );
    expect(stack.logs.records()).toContainEqual(
      expect.objectContaining({
        correlationId,
        msg: 'refused a request without the router secret',
      }),
    );
    expect(stack.logs.text()).not.toContain(WRONG);
    expect(stack.logs.text()).not.toContain(SECRET);
  });
});
