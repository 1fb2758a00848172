import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ROUTER_SECRET_HEADER } from '../src/http/router-secret.js';
import { DXP_PRODUCT_ORDER_PATH } from '../src/sandbox/dxp/server.js';
import { PX_ROUTES } from '../src/sandbox/px/server.js';
import { graphql, startTestStack, type GraphQLResponse, type TestStack } from './helpers/app.js';
import { ORDER } from './helpers/px-operations.js';
import { useSandboxes } from './helpers/sandbox-env.js';
import { runSubgraphProcessToExit, startSubgraphProcess } from './helpers/subgraph-process.js';

/** Limits set to numbers no message would carry by chance. */
const LIMITS = {
  QUERY_MAX_DEPTH: '4',
  QUERY_MAX_ALIASES: '6',
  QUERY_MAX_DIRECTIVES: '5',
  QUERY_MAX_TOKENS: '173',
  QUERY_MAX_COST: '97',
};
const LINE_ROUTE = `GET ${DXP_PRODUCT_ORDER_PATH}`;

/** Production in front of the sandboxes the test stack starts, with /graphql open to the tests. */
const PRODUCTION = { NODE_ENV: 'production', ROUTER_SECRET: 'off' };

const MISSPELT_FIELD = `{ mobileLin(businessId: "PR", msisdn: "16654555678") { __typename } }`;

/** Every error of a response, and a stack trace anywhere in its text, in one place. */
function expectNoStackTrace(response: GraphQLResponse) {
  const text = JSON.stringify(response.body);
  expect(text).not.toMatch(/stacktrace/i);
  expect(text).not.toMatch(/\bat .+\.(?:ts|js):\d+/);
  expect(text).not.toMatch(/node_modules|src\//);
}

/** The order query for an order nobody placed, sent under `correlationId`. */
const lookUpUnder = (stack: TestStack, correlationId: string, partnerOrderId: string) =>
  graphql(
    stack.graphqlUrl,
    ORDER,
    { partnerId: 'P-1001', partnerOrderId },
    { 'x-correlation-id': correlationId },
  );

describe('production mode (NODE_ENV=production) over HTTP', () => {
  let production: TestStack;
  let development: TestStack;
  beforeAll(async () => {
    [production, development] = await Promise.all([
      startTestStack(PRODUCTION),
      startTestStack({ NODE_ENV: 'development' }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([production.close(), development.close()]);
  });

  it('refuses introspection, by __schema and by __type, and still answers __typename', async () => {
    for (const query of [
      '{ __schema { queryType { name } types { name } } }',
      '{ __type(name: "MobileLine") { fields { name } } }',
    ]) {
      const response = await graphql(production.graphqlUrl, query);
      expect(response.body.data ?? null).toBeNull();
      expect(response.body.errors?.[0]?.extensions?.['code']).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(response.body.errors?.[0]?.message).toMatch(/introspection/i);
      expectNoStackTrace(response);
    }
    const typename = await graphql(production.graphqlUrl, '{ __typename }');
    expect(typename.body).toEqual({ data: { __typename: 'Query' } });

    const allowed = await graphql(development.graphqlUrl, '{ __schema { queryType { name } } }');
    expect(allowed.body.errors).toBeUndefined();
  });

  it('leaves field suggestions out of validation errors but keeps their message', async () => {
    const response = await graphql(production.graphqlUrl, MISSPELT_FIELD);
    expect(response.status).toBe(400);
    const [error] = response.body.errors ?? [];
    expect(error?.message).toBe('Cannot query field "mobileLin" on type "Query".');
    expect(error?.extensions?.['code']).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(JSON.stringify(response.body)).not.toContain('Did you mean');
    expectNoStackTrace(response);

    // The same mistake in development is answered with the suggestion.
    const suggested = await graphql(development.graphqlUrl, MISSPELT_FIELD);
    expect(suggested.body.errors?.[0]?.message).toContain('Did you mean "mobileLine"');
  });

  it('keeps the message of a deliberate input error (a malformed Msisdn)', async () => {
    const response = await graphql(
      production.graphqlUrl,
      `
        {
          mobileLine(businessId: "PR", msisdn: "12ab") {
            __typename
          }
        }
      `,
    );
    const [error] = response.body.errors ?? [];
    expect(error?.message).toContain("Msisdn must be 8 to 15 digits (E.164 without '+')");
    expect(error?.extensions?.['code']).toBe('GRAPHQL_VALIDATION_FAILED');
    expectNoStackTrace(response);
  });

  it('answers a malformed body and an oversized one without a stack trace', async () => {
    const send = (body: string) =>
      fetch(production.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
    const malformed = await send('{"query": "{ __typename }"');
    const oversized = await send(
      JSON.stringify({ query: '{ __typename }', pad: 'x'.repeat(200_000) }),
    );
    expect([malformed.status, oversized.status]).toEqual([400, 413]);
    for (const text of [await malformed.text(), await oversized.text()]) {
      expect(text).not.toMatch(/stack|\bat .+:\d+|node_modules|src\//i);
    }
  });

  it('serves no landing page on GET /graphql', async () => {
    const response = await fetch(production.graphqlUrl, { headers: { accept: 'text/html' } });
    const body = await response.text();
    expect(response.headers.get('content-type') ?? '').not.toContain('text/html');
    expect(body).not.toMatch(/<html|sandbox|embeddable/i);

    const landing = await fetch(development.graphqlUrl, { headers: { accept: 'text/html' } });
    expect(landing.headers.get('content-type')).toContain('text/html');
  });

  it('masks an unexpected error to a generic message, INTERNAL_SERVER_ERROR and the correlation id', async () => {
    // A bug: the journal throws what no outcome of the order flow expects.
    const secret = 'internal detail /srv/app/journal.ts never shown';
    const journal = production.app.journal;
    const broken = vi.spyOn(journal, 'orders').mockRejectedValue(new TypeError(secret));
    try {
      const correlationId = 'production-mode-masking-1';
      const response = await lookUpUnder(production, correlationId, 'PO-masking-1');

      expect(response.status).toBe(200);
      expect(response.body.errors?.length).toBeGreaterThan(0);
      for (const error of response.body.errors ?? []) {
        expect(error.message).toBe(`Internal server error (correlation id ${correlationId})`);
        expect(error.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', correlationId });
      }
      expect(JSON.stringify(response.body)).not.toContain('internal detail');
      expectNoStackTrace(response);

      // What the client does not see is in the log, under the same correlation id.
      expect(production.logs.records()).toContainEqual(
        expect.objectContaining({
          correlationId,
          msg: 'unexpected error while executing an operation',
        }),
      );
    } finally {
      broken.mockRestore();
    }
  });

  it("answers SERVICE_UNAVAILABLE, without the store's address or password, when the journal's Redis is down", async () => {
    // Nothing listens on tcpmux's port on a loopback.
    const password = 'journal-store-password-never-shown';
    const storeDown = await startTestStack({
      ...PRODUCTION,
      REDIS_URL: `redis://ordering:${password}@127.0.0.1:1/0`,
    });
    try {
      const correlationId = 'production-mode-store-down-1';
      const response = await lookUpUnder(storeDown, correlationId, 'PO-store-down-1');

      expect(response.status).toBe(200);
      expect(response.body.errors).toEqual([
        expect.objectContaining({
          message: 'The order journal is unavailable; try again shortly.',
          extensions: { code: 'SERVICE_UNAVAILABLE', correlationId },
        }),
      ]);
      expect(JSON.stringify(response.body)).not.toMatch(/redis|ECONNREFUSED|retries|127\.0\.0\.1/i);
      expect(JSON.stringify(response.body)).not.toContain(password);
      expectNoStackTrace(response);
      expect(storeDown.logs.records()).toContainEqual(
        expect.objectContaining({ correlationId, msg: 'a store of this replica is unavailable' }),
      );
      expect(storeDown.logs.text()).not.toContain(password);
    } finally {
      await storeDown.close();
    }
  });

  it('refuses operations over each limit without revealing the configured number', async () => {
    const limited = await startTestStack({ ...PRODUCTION, ...LIMITS });
    const line = 'mobileLine(businessId: "PR", msisdn: "16654555678")';
    const aliased = Array.from({ length: 8 }, (_, index) => `l${index}: ${line} { __typename }`);
    const operations: Record<keyof typeof LIMITS, { query: string; refusal: RegExp }> = {
      QUERY_MAX_DEPTH: {
        query: `{ order(partnerId: "P-1001", partnerOrderId: "PO-1") { disclosure { charges { amount { amount } } } } }`,
        refusal: /deep|depth/i,
      },
      QUERY_MAX_ALIASES: { query: `{ ${aliased.join(' ')} }`, refusal: /alias/i },
      QUERY_MAX_DIRECTIVES: {
        query: `{ ${line} @include(if: true) { __typename @include(if: true) ... on MobileLine @include(if: true) { planType @include(if: true) msisdn @include(if: true) plan @include(if: true) { id } } } }`,
        refusal: /directive/i,
      },
      QUERY_MAX_TOKENS: { query: `{ ${'__typename '.repeat(200)} }`, refusal: /large|token/i },
      QUERY_MAX_COST: {
        query: `{ mobileLines(businessId: "PR", msisdns: ["16654555678"]) { ... on MobileLine { addons { prices { ${'name description '.repeat(30)} } } } } }`,
        refusal: /expensive|cost|complex/i,
      },
    };
    try {
      for (const [limit, { query, refusal }] of Object.entries(operations)) {
        const response = await graphql(limited.graphqlUrl, query);
        const summary = `${limit}: ${JSON.stringify(response.body).slice(0, 300)}`;
        expect(response.status, summary).toBe(400);
        const errors = response.body.errors ?? [];
        expect(
          errors.some((error) => refusal.test(error.message)),
          summary,
        ).toBe(true);
        for (const error of errors) {
          expect(['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED'], summary).toContain(
            error.extensions?.['code'],
          );
          for (const configured of Object.values(LIMITS))
            expect(error.message, summary).not.toMatch(new RegExp(`\\b${configured}\\b`));
        }
        expectNoStackTrace(response);
      }
      expect(limited.dxp.callCount(LINE_ROUTE)).toBe(0);
    } finally {
      await limited.close();
    }
  });
});

// Each test starts the entry point as a process through tsx: seconds on a shared machine.
describe(
  'production start-up (NODE_ENV=production npm start) refuses what is only safe on a laptop',
  { timeout: 60_000 },
  () => {
    const SECRET = 'production-start-up-secret';
    const SEED_LINE = `{ mobileLine(businessId: "PR", msisdn: "16654555678") { __typename } }`;
    const sandboxes = useSandboxes();

    /** The configured upstreams, or one of them left out. */
    const upstreams = (without?: 'DXP' | 'PX') =>
      Object.fromEntries(
        Object.entries(sandboxes.env()).filter(([name]) => !name.startsWith(`${without}_`)),
      );

    it.each([
      {
        given: 'Px only',
        missing: 'DXP_BASE_URL',
        env: () => ({ ROUTER_SECRET: SECRET, ...upstreams('DXP') }),
      },
      {
        given: 'dxp-ux only',
        missing: 'PX_BASE_URL',
        env: () => ({ ROUTER_SECRET: SECRET, ...upstreams('PX') }),
      },
      { given: 'no upstream', missing: 'DXP_BASE_URL', env: () => ({ ROUTER_SECRET: SECRET }) },
      { given: 'both upstreams', missing: 'ROUTER_SECRET', env: () => upstreams() },
    ])(
      'given $given but no $missing: exits non-zero with one line naming it, having started nothing',
      async ({ missing, env }) => {
        const result = await runSubgraphProcessToExit({ NODE_ENV: 'production', ...env() });
        expect(result.code).toBe(78);
        const lines = result.stderr.split('\n').filter((line) => line.trim() !== '');
        expect(lines).toEqual([
          expect.stringMatching(
            new RegExp(`^Configuration error: ${missing}: required in production`),
          ),
        ]);
        expect(lines[0]).toContain(
          missing === 'ROUTER_SECRET' ? 'ROUTER_SECRET=off' : 'SANDBOX=true',
        );
        // No log line at all: no sandbox started, nothing listened.
        expect(result.stdout).toBe('');
        expect(sandboxes.dxp.callCount(LINE_ROUTE) + sandboxes.px.callCount(PX_ROUTES.token)).toBe(
          0,
        );
      },
    );

    it('starts on the embedded sandboxes with SANDBOX=true, says so, and still requires the router secret', async () => {
      const subgraph = await startSubgraphProcess({
        NODE_ENV: 'production',
        SANDBOX: 'true',
        ROUTER_SECRET: SECRET,
      });
      try {
        const messages = subgraph.records().map((record) => String(record['msg']));
        expect(messages).toContain('DXP_BASE_URL not set: started the embedded dxp-ux sandbox');
        expect(messages).toContain('PX_BASE_URL not set: started the embedded Px sandbox');
        expect(messages).toContain(
          'SANDBOX=true: production is answering from the embedded sandboxes (made-up data)',
        );
        expect((await graphql(subgraph.graphqlUrl, SEED_LINE)).status).toBe(401);
        const answered = await graphql(
          subgraph.graphqlUrl,
          SEED_LINE,
          {},
          {
            [ROUTER_SECRET_HEADER]: SECRET,
          },
        );
        expect(answered.body).toEqual({ data: { mobileLine: { __typename: 'MobileLine' } } });
      } finally {
        await subgraph.stop();
      }
    });

    it('starts with ROUTER_SECRET=off on real upstreams and answers without Router-Authorization', async () => {
      const subgraph = await startSubgraphProcess({
        NODE_ENV: 'production',
        ROUTER_SECRET: 'off',
        ...upstreams(),
      });
      try {
        const messages = subgraph.records().map((record) => String(record['msg']));
        expect(messages.some((message) => message.includes('sandbox'))).toBe(false);
        const before = sandboxes.dxp.callCount(LINE_ROUTE);
        const answered = await graphql(subgraph.graphqlUrl, SEED_LINE);
        expect(answered.body).toEqual({ data: { mobileLine: { __typename: 'MobileLine' } } });
        expect(sandboxes.dxp.callCount(LINE_ROUTE)).toBe(before + 1);
      } finally {
        await subgraph.stop();
      }
    });
  },
);
