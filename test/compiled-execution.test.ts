import { Trace } from '@apollo/usage-reporting-protobuf';
import { compileQuery } from 'graphql-jit';
import { describe, expect, it, vi } from 'vitest';
import { exampleOperationNames, readExampleOperation } from './federation/example-operations.js';
import { useTestStack, type TestStack } from './helpers/app.js';
import { MOBILE_LINE, MOBILE_LINE_ENTITIES } from './helpers/lines.js';

/**
 * Compiled execution (GRAPHQL_EXECUTOR=jit, the default) must answer exactly
 * as graphql-js does: every request here goes to one subgraph of each, each
 * in front of its own sandboxes, and the answers are compared whole.
 */

// Watched, not replaced: which documents the servers in this process compile.
vi.mock('graphql-jit', async (importOriginal) => {
  const original = await importOriginal<typeof import('graphql-jit')>();
  return { ...original, compileQuery: vi.fn(original.compileQuery) };
});

/** The operation names `query` was compiled for, one entry per compilation. */
function compilationsOf(query: string): (string | undefined)[] {
  return vi
    .mocked(compileQuery)
    .mock.calls.filter(([, document]) => document.loc?.source.body === query)
    .map(([, , operationName]) => operationName);
}

const SEED = { __typename: 'MobileLine', businessId: 'PR', msisdn: '16654555678' };
/** dxp-ux answers this line 502, each retry included. */
const FAILING = { __typename: 'MobileLine', businessId: 'PR', msisdn: '17875550502' };
const UNKNOWN_ORDER = { __typename: 'Order', partnerId: 'P-1001', partnerOrderId: 'PO-none' };

const ENTITIES = `query Entities($r: [_Any!]!) {
  _entities(representations: $r) {
    __typename
    ... on MobileLine { businessId msisdn plan { id } }
    ... on Order { partnerOrderId status }
  }
}`;

/** The example operations in the order the flow needs them. */
const FLOW_ORDER = ['rcc-disclosure', 'send-rcc', 'rcc-acceptance', 'complete-order', 'order'];

interface Answer {
  status: number;
  cacheControl: string | null;
  body: string;
}

async function post(
  stack: TestStack,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await fetch(stack.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    cacheControl: response.headers.get('cache-control'),
    // Px's sandbox stamps disclosures and orders with the time it answered, and numbers orders at random.
    body: (await response.text())
      .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>')
      .replace(/"orderNumber":"[^"]*"/g, '"orderNumber":"<number>"'),
  };
}

describe('compiled execution answers as graphql-js does', () => {
  const env = { ADDONS_CACHE_TTL_S: '0', BREAKER_MIN_CALLS: '1000' };
  // Compiled from the first request, so that every request here runs compiled.
  const jit = useTestStack({ ...env, GRAPHQL_JIT_COMPILE_AFTER: '0' });
  const graphqlJs = useTestStack({ ...env, GRAPHQL_EXECUTOR: 'graphql-js' });

  let sent = 0;
  /** Sends the same request to both, and answers what they both answered. */
  async function same(
    body: Record<string, unknown>,
    headers: Record<string, string> = {},
  ): Promise<Answer> {
    sent += 1;
    headers = { 'x-correlation-id': `compiled-execution-${sent}`, ...headers };
    const [compiled, interpreted] = await Promise.all([
      post(jit, body, headers),
      post(graphqlJs, body, headers),
    ]);
    expect(compiled).toEqual(interpreted);
    return compiled;
  }

  it('compiles each document and operation once, on the jit server only', async () => {
    const query = `query A { mobileLine(businessId: "PR", msisdn: "16654555678") { __typename } }
      query B { __typename }`;
    for (const operationName of ['A', 'B', 'A', 'B', 'A']) {
      expect((await same({ query, operationName })).status).toBe(200);
    }
    expect(compilationsOf(query)).toEqual(['A', 'B']);
  });

  it('answers every example operation, the order flow in order, the same', async () => {
    const names = exampleOperationNames();
    const rest = names.filter((name) => !FLOW_ORDER.includes(name));
    expect(rest.length + FLOW_ORDER.length).toBe(names.length);
    for (const name of [...rest, ...FLOW_ORDER]) {
      const { document, variables } = readExampleOperation(name);
      const answer = await same({ query: document, variables: variables ?? {} });
      expect(answer.status, name).toBe(200);
      expect(JSON.parse(answer.body), name).not.toHaveProperty('errors');
    }
  });

  it.each([
    ['a custom scalar that refuses its value', { businessId: 'PR', msisdn: 'abc' }, 'Msisdn'],
    ['a custom scalar given another type', { businessId: 'PR', msisdn: 17875550101 }, 'Msisdn'],
    ['a missing required variable', { businessId: 'PR' }, 'was not provided'],
    ['a lower-case business unit', { businessId: 'pr', msisdn: '17875550101' }, 'BusinessId'],
  ])('refuses %s with graphql-js’s BAD_USER_INPUT and 400', async (_case, variables, says) => {
    const answer = await same({ query: MOBILE_LINE, variables });
    expect(answer.status).toBe(400);
    const { errors } = JSON.parse(answer.body) as {
      errors: { message: string; locations?: unknown; extensions: { code: string } }[];
    };
    expect(errors).toHaveLength(1);
    expect(errors[0]?.extensions.code).toBe('BAD_USER_INPUT');
    expect(errors[0]?.message).toContain(says);
    expect(errors[0]?.locations).toBeDefined();
  });

  it('refuses an unknown operation name with 400, and runs the one named among several', async () => {
    const query = `query A { __typename } query B { mobileLine(businessId: "PR", msisdn: "16654555678") { __typename } }`;
    const unknown = await same({ query, operationName: 'C' });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toContain('Unknown operation named');
    const unnamed = await same({ query });
    expect(unnamed.status).toBe(400);
    const named = await same({ query, operationName: 'B' });
    expect(JSON.parse(named.body)).toEqual({ data: { mobileLine: { __typename: 'MobileLine' } } });
    const other = await same({ query, operationName: 'A' });
    expect(JSON.parse(other.body)).toEqual({ data: { __typename: 'Query' } });
  });

  it('keeps a failed representation in its own slot, whenever its failure arrives', async () => {
    // The failing line fails last (after its retries), once the unknown order
    // after it has already answered: graphql-jit 0.8.9 appends a rejected list
    // item to the list instead of setting its index.
    const answer = await same({
      query: ENTITIES,
      variables: { r: [FAILING, SEED, UNKNOWN_ORDER] },
    });
    const { data, errors } = JSON.parse(answer.body) as {
      data: { _entities: unknown[] };
      errors: { path: unknown[]; extensions: { code: string } }[];
    };
    expect(data._entities).toEqual([
      null,
      {
        __typename: 'MobileLine',
        businessId: 'PR',
        msisdn: '16654555678',
        plan: { id: 'PR_B2C_ULT_Extra_MB_Line' },
      },
      null,
    ]);
    expect(errors.map((error) => [error.path, error.extensions.code])).toEqual([
      [['_entities', 0], 'UPSTREAM_UNAVAILABLE'],
    ]);
  });

  it('answers malformed representations the same, each in its own slot', async () => {
    const answer = await same({
      query: ENTITIES,
      variables: {
        r: [
          SEED,
          { __typename: 'Nope' },
          'text',
          { ...SEED, msisdn: 'abc' },
          { __typename: 'Order' },
        ],
      },
    });
    const { errors } = JSON.parse(answer.body) as { errors: { path: unknown[] }[] };
    expect(errors.map((error) => error.path)).toEqual([
      ['_entities', 1],
      ['_entities', 2],
      ['_entities', 3],
      ['_entities', 4],
    ]);
    // Not a list at all: _Any! refuses it before execution.
    expect((await same({ query: ENTITIES, variables: { r: null } })).status).toBe(400);
  });

  it('masks an unexpected resolver error the same, and logs the error it hides', async () => {
    const secret = 'journal detail never shown';
    const broken = [jit, graphqlJs].map((stack) =>
      vi.spyOn(stack.app.journal, 'orders').mockRejectedValue(new TypeError(secret)),
    );
    try {
      const correlationId = 'compiled-execution-masking';
      const { document, variables } = readExampleOperation('order');
      const answer = await same(
        { query: document, variables },
        { 'x-correlation-id': correlationId },
      );
      expect(answer.body).toContain('INTERNAL_SERVER_ERROR');
      expect(answer.body).not.toContain(secret);
      for (const stack of [jit, graphqlJs]) {
        const logged = stack.logs
          .records()
          .find(
            (record) =>
              record['correlationId'] === correlationId &&
              record['msg'] === 'unexpected error while executing an operation',
          );
        expect(logged?.['err']).toMatchObject({ type: 'TypeError', message: secret });
      }
    } finally {
      for (const spy of broken) spy.mockRestore();
    }
  });

  it('answers introspection and the router’s _service query the same', async () => {
    const types = await same({ query: '{ __schema { types { name kind } } }' });
    expect(types.body).toContain('"MobileLine"');
    const sdl = await same({ query: '{ _service { sdl } }' });
    expect(sdl.body).toContain('@key');
  });
});

describe('compiled execution under an ftv1 trace', () => {
  const stack = useTestStack({ ADDONS_CACHE_TTL_S: '0', BREAKER_MIN_CALLS: '1000' });

  async function traced(query: string, variables: Record<string, unknown>): Promise<Trace> {
    const response = await fetch(stack.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'apollo-federation-include-trace': 'ftv1' },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { extensions?: { ftv1?: string } };
    expect(body.extensions?.ftv1).toBeTypeOf('string');
    return Trace.decode(Buffer.from(body.extensions?.ftv1 ?? '', 'base64'));
  }

  /** The trace's nodes as response paths, with the locations of their errors. */
  function nodesOf(trace: Trace): Map<string, { line: number; column: number }[]> {
    const nodes = new Map<string, { line: number; column: number }[]>();
    const walk = (node: Trace.INode, path: string) => {
      for (const child of node.child ?? []) {
        const at = `${path}/${child.responseName || String(child.index ?? 0)}`;
        nodes.set(
          at,
          (child.error ?? []).flatMap((error) =>
            (error.location ?? []).map(({ line, column }) => ({
              line: line ?? 0,
              column: column ?? 0,
            })),
          ),
        );
        walk(child, at);
      }
    };
    if (trace.root) walk(trace.root, '');
    return nodes;
  }

  async function untraced(query: string, variables: Record<string, unknown> = {}): Promise<void> {
    const response = await fetch(stack.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    expect(response.status).toBe(200);
  }

  it('runs a document with graphql-js the first time, and compiles it the second', async () => {
    const query = '{ mobileLine(businessId: "PR", msisdn: "16654555678") { __typename } }';
    await untraced(query);
    expect(compilationsOf(query)).toEqual([]);
    await untraced(query);
    await untraced(query);
    expect(compilationsOf(query)).toHaveLength(1);
  });

  it('traces every field, with its error’s location, of a document compiled before tracing began', async () => {
    const variables = { r: [SEED, FAILING] };
    // Compiled untraced (at its second run): Apollo Server wraps the resolvers for the trace afterwards.
    await untraced(MOBILE_LINE_ENTITIES, variables);
    await untraced(MOBILE_LINE_ENTITIES, variables);
    expect(compilationsOf(MOBILE_LINE_ENTITIES)).toHaveLength(1);

    const nodes = nodesOf(await traced(MOBILE_LINE_ENTITIES, variables));
    expect([...nodes.keys()]).toEqual(
      expect.arrayContaining(['/_entities', '/_entities/0', '/_entities/0/plan', '/_entities/1']),
    );
    // The failing line's error, placed where `_entities` is in the document.
    const column = MOBILE_LINE_ENTITIES.indexOf('_entities') + 1;
    expect(nodes.get('/_entities/1')).toEqual([{ line: 1, column }]);
  });
});
