import { expect, onTestFinished } from 'vitest';
import { startApp, type RunningApp } from '../../src/process/start.js';
import { loadConfig } from '../../src/process/config.js';
import { DXP_FIXTURE_LINES } from '../../src/sandbox/dxp/fixtures.js';
import { DXP_SANDBOX_CREDENTIALS, startDxpSandbox } from '../../src/sandbox/dxp/server.js';
import {
  PX_SANDBOX_CREDENTIALS,
  startPxSandbox,
  type PxSandboxHandle,
} from '../../src/sandbox/px/server.js';
import type { SandboxHandle } from '../../src/sandbox/sandbox-server.js';
import { auditLogLines, describeFindings, type KnownSecret, type LogFinding } from './log-audit.js';
import { createLogCapture } from './log-capture.js';
import { usePerSuite } from './per-suite.js';
import { sandboxEnv } from './sandbox-env.js';

export interface TestStack {
  app: RunningApp;
  dxp: SandboxHandle;
  px: PxSandboxHandle;
  logs: ReturnType<typeof createLogCapture>;
  graphqlUrl: string;
  /** Calls both sandboxes have answered so far (shared sandboxes count every stack's calls). */
  upstreamCalls(): number;
  /** What the logs captured so far leak, or lack (see log-audit.ts). */
  auditLogs(): LogFinding[];
  /** Stops the app (and the sandboxes it owns), then fails if any log line leaked or lacked its correlation id. */
  close(): Promise<void>;
}

export interface SandboxOptions {
  dxpSlowLineDelayMs?: number;
  pxTokenTtlSeconds?: number;
  /** Sandboxes another stack already runs: two replicas in front of one dxp-ux and one Px. */
  shared?: { dxp: SandboxHandle; px: PxSandboxHandle };
}

/**
 * The real subgraph over HTTP in front of the real sandboxes, all on
 * 127.0.0.1 free ports. The sandboxes are started here, not embedded, so a
 * test can count their calls and arm faults; `env` overrides configuration.
 */
export async function startTestStack(
  env: Record<string, string> = {},
  sandboxOptions: SandboxOptions = {},
): Promise<TestStack> {
  const owned = sandboxOptions.shared === undefined;
  const dxp =
    sandboxOptions.shared?.dxp ??
    (await startDxpSandbox({ slowLineDelayMs: sandboxOptions.dxpSlowLineDelayMs ?? 10_000 }));
  const px =
    sandboxOptions.shared?.px ??
    (await startPxSandbox({ tokenTtlSeconds: sandboxOptions.pxTokenTtlSeconds ?? 3600 }));
  const logs = createLogCapture();
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'debug',
    ...sandboxEnv(dxp, px),
    ...env,
  });
  const app = await startApp(config, { logDestination: logs.stream });
  const auditLogs = () => auditLogLines(logs.lines, secretsKnownTo(env, px));
  return {
    app,
    dxp,
    px,
    logs,
    graphqlUrl: `${app.url}/graphql`,
    upstreamCalls: () =>
      [dxp.calls(), px.calls()]
        .flatMap((calls) => Object.values(calls))
        .reduce((sum, count) => sum + count, 0),
    auditLogs,
    async close() {
      await app.close();
      if (owned) await Promise.all([dxp.close(), px.close()]);
      const findings = auditLogs();
      if (findings.length > 0) throw new Error(describeFindings(findings));
    },
  };
}

/**
 * The stack of the enclosing `describe`: started before its first test and
 * closed (its logs audited) after its last. Read it inside tests and hooks;
 * `sandboxOptions.shared` may be another such stack, started before this one.
 */
export function useTestStack(
  env: Record<string, string> = {},
  sandboxOptions: SandboxOptions = {},
): TestStack {
  return usePerSuite('the test stack', () => startTestStack(env, sandboxOptions));
}

/** A stack of the test's own, for a test that changes it: closed (its logs audited) when that test finishes. */
export async function startTestStackForTest(
  ...args: Parameters<typeof startTestStack>
): Promise<TestStack> {
  const stack = await startTestStack(...args);
  onTestFinished(() => stack.close());
  return stack;
}

/** Every secret this stack's logs could leak: credentials, the tokens Px granted, the fixture lines. */
function secretsKnownTo(env: Record<string, string>, px: PxSandboxHandle): KnownSecret[] {
  const configured = (name: string): KnownSecret[] => {
    const value = env[name];
    return value === undefined ? [] : [{ label: name, value }];
  };
  return [
    { label: 'dxp client secret', value: DXP_SANDBOX_CREDENTIALS.clientSecret },
    { label: 'Px client secret', value: PX_SANDBOX_CREDENTIALS.clientSecret },
    ...configured('DXP_CLIENT_SECRET'),
    ...configured('PX_CLIENT_SECRET'),
    ...configured('ROUTER_SECRET'),
    ...px.issuedTokens().map((value) => ({ label: 'Px bearer token', value })),
    ...DXP_FIXTURE_LINES.map(({ msisdn }) => ({ label: 'fixture msisdn', value: msisdn })),
  ];
}

export interface GraphQLResponse<TData = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: {
    data?: TData | null;
    errors?: { message: string; extensions?: Record<string, unknown>; path?: unknown[] }[];
    extensions?: Record<string, unknown>;
  };
}

/** What an operation's root field answers: one member of its result union. */
export type Outcome = Record<string, unknown> & { __typename: string };

/** POSTs one operation the way a front end does. */
export async function graphql<TData = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<TData>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: JSON.parse(text) as GraphQLResponse<TData>['body'],
  };
}

/**
 * What the one root field of `query` answers, which must come without GraphQL
 * errors. `subgraph` is anything serving /graphql: a test stack, a process.
 */
export async function answerOf<TAnswer = Outcome>(
  subgraph: { graphqlUrl: string },
  query: string,
  variables: Record<string, unknown> = {},
): Promise<TAnswer> {
  const response = await graphql<Record<string, TAnswer>>(subgraph.graphqlUrl, query, variables);
  expect(response.status).toBe(200);
  expect(response.body.errors).toBeUndefined();
  const answers = Object.values(response.body.data ?? {});
  if (answers.length !== 1) {
    throw new Error(`expected one root field, got ${JSON.stringify(response.body.data)}`);
  }
  return answers[0]!;
}

/**
 * Waits (at most `timeoutMs`) until the app's /health/ready answers 200: with
 * REDIS_URL, until its Redis connection is ready. The line cache skips Redis
 * while it connects, so a test that counts Redis work waits for it first.
 * `app` is anything serving at its origin `url`: a running app, a process.
 */
export async function untilReady(app: { url: string }, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(`${app.url}/health/ready`);
    await response.body?.cancel();
    if (response.status === 200) return;
    if (Date.now() > deadline) throw new Error(`not ready within ${String(timeoutMs)} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
