import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DXP_PRODUCT_ORDER_ROUTE, startDxpSandbox } from '../src/sandbox/dxp/server.js';
import { PX_ROUTES, startPxSandbox, type PxSandboxHandle } from '../src/sandbox/px/server.js';
import type { SandboxFault, SandboxHandle } from '../src/sandbox/sandbox-server.js';
import { answerOf, graphql, type Outcome } from './helpers/app.js';
import { MOBILE_LINE, MOBILE_LINES } from './helpers/lines.js';
import { disclose } from './helpers/order-flow.js';
import { newOrderKey } from './helpers/px-operations.js';
import { sandboxEnv } from './helpers/sandbox-env.js';
import { startSubgraphProcess, type SubgraphProcess } from './helpers/subgraph-process.js';

/**
 * Upstream answers far larger than any real one (50 MB, or never ending),
 * from dxp-ux, Px and Px's token endpoint, against the subgraph run as its own
 * process: each answers a typed error at once, and the process's peak RSS
 * (VmHWM, reset before each case) grows by less than 100 MB. A watchdog kills
 * the process past 1.5 GB, so a regression fails this test instead of the machine.
 */

const MB = 1024 * 1024;
const FIFTY_MB = 50 * MB;
const ALLOWED_GROWTH = 100 * MB;
const KILL_AT = 1536 * MB;

const mb = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;

function statusBytes(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(
    readFileSync(`/proc/${pid}/status`, 'utf8'),
  );
  if (!match?.[1]) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

/** RSS before `work` and its peak while it ran, in bytes; the process is killed if RSS passes KILL_AT. */
async function peakGrowthDuring<T>(
  subgraph: SubgraphProcess,
  work: () => Promise<T>,
): Promise<{ result: T; base: number; peak: number }> {
  // "5" resets the peak (VmHWM) to the current RSS (proc(5), clear_refs).
  writeFileSync(`/proc/${subgraph.pid}/clear_refs`, '5');
  const base = statusBytes(subgraph.pid, 'VmRSS');
  const watch = { killed: false };
  const watchdog = setInterval(() => {
    // A process already gone has nothing left to watch; the request shows how it ended.
    if (watch.killed || !existsSync(`/proc/${subgraph.pid}/status`)) return;
    if (statusBytes(subgraph.pid, 'VmRSS') <= KILL_AT) return;
    watch.killed = true;
    subgraph.signal('SIGKILL');
  }, 20);
  try {
    const result = await work();
    return { result, base, peak: statusBytes(subgraph.pid, 'VmHWM') };
  } catch (error) {
    if (!watch.killed) throw error;
    throw new Error(`RSS went from ${mb(base)} past ${mb(KILL_AT)}: the subgraph was killed`);
  } finally {
    clearInterval(watchdog);
  }
}

describe('upstream answers beyond UPSTREAM_MAX_BODY_BYTES', () => {
  let dxp: SandboxHandle;
  let px: PxSandboxHandle;
  let subgraph: SubgraphProcess;
  const figures: string[] = [];

  beforeAll(async () => {
    dxp = await startDxpSandbox();
    px = await startPxSandbox();
    subgraph = await startSubgraphProcess({
      ...sandboxEnv(dxp, px),
      ADDONS_CACHE_TTL_S: '0',
      // The breaker is not the subject: every case reaches the upstream.
      BREAKER_MIN_CALLS: '1000',
    });
    // Warm: pools, JIT and a Px token exist before the first measurement.
    expect((await line('16654555678')).__typename).toBe('MobileLine');
    expect((await disclosure()).__typename).toBe('RccDisclosure');
  }, 60_000);
  afterAll(async () => {
    await subgraph.stop();
    await Promise.all([dxp.close(), px.close()]);
    console.info(`peak RSS growth per case:\n${figures.join('\n')}`);
  });

  const line = (msisdn: string) => answerOf(subgraph, MOBILE_LINE, { businessId: 'PR', msisdn });
  const disclosure = () => disclose(subgraph, newOrderKey());

  async function measured(name: string, work: () => Promise<Outcome[]>): Promise<Outcome[]> {
    const startedAt = Date.now();
    const { result, base, peak } = await peakGrowthDuring(subgraph, work).catch(
      (error: unknown) => {
        figures.push(`  ${name}: ${error instanceof Error ? error.message : String(error)}`);
        throw error;
      },
    );
    figures.push(
      `  ${name}: ${mb(base)} → ${mb(peak)} (+${mb(peak - base)}) in ${Date.now() - startedAt} ms`,
    );
    expect(peak - base, name).toBeLessThan(ALLOWED_GROWTH);
    return result;
  }

  const floods: [string, SandboxFault][] = [
    ['a 50 MB body', { kind: 'flood', bytes: FIFTY_MB }],
    [
      'a 50 MB body with its Content-Length',
      { kind: 'flood', bytes: FIFTY_MB, declareLength: true },
    ],
    ['a body that never ends', { kind: 'flood' }],
    ['a 500 whose body never ends', { kind: 'flood', status: 500 }],
  ];

  it.each(floods)(
    'answers a dxp-ux read with %s as UpstreamUnavailableError',
    async (name, fault) => {
      dxp.injectFault(DXP_PRODUCT_ORDER_ROUTE, fault, 100);
      const sent = dxp.callCount(DXP_PRODUCT_ORDER_ROUTE);
      try {
        const [answer] = await measured(`dxp-ux, ${name}`, async () => [await line('17875550101')]);
        expect(answer).toMatchObject({ __typename: 'UpstreamUnavailableError', upstream: 'DXP' });
        // Not retried: another attempt would most likely read the same answer.
        expect(dxp.callCount(DXP_PRODUCT_ORDER_ROUTE) - sent).toBe(1);
      } finally {
        dxp.clearFaults();
      }
    },
  );

  it('answers ten lines read at once, each a 50 MB body, with ten typed errors', async () => {
    dxp.injectFault(DXP_PRODUCT_ORDER_ROUTE, { kind: 'flood', bytes: FIFTY_MB }, 100);
    const msisdns = Array.from({ length: 10 }, (_, index) => `178755501${10 + index}`);
    const sent = dxp.callCount(DXP_PRODUCT_ORDER_ROUTE);
    try {
      const answers = await measured('dxp-ux, ten 50 MB bodies at once', async () => {
        const response = await graphql<{ mobileLines: Outcome[] }>(
          subgraph.graphqlUrl,
          MOBILE_LINES,
          { businessId: 'PR', msisdns },
        );
        expect(response.body.errors).toBeUndefined();
        return response.body.data!.mobileLines;
      });
      expect(answers).toHaveLength(10);
      expect(dxp.callCount(DXP_PRODUCT_ORDER_ROUTE) - sent).toBe(10);
      for (const answer of answers) {
        expect(answer).toMatchObject({ __typename: 'UpstreamUnavailableError', upstream: 'DXP' });
      }
    } finally {
      dxp.clearFaults();
    }
  });

  it.each(floods.slice(0, 3))(
    'answers a Px call with %s as UpstreamUnavailableError',
    async (name, fault) => {
      px.injectFault(PX_ROUTES.retrieveRcc, fault, 100);
      const sent = px.callCount(PX_ROUTES.retrieveRcc);
      try {
        const [answer] = await measured(`Px, ${name}`, async () => [await disclosure()]);
        expect(answer).toMatchObject({ __typename: 'UpstreamUnavailableError' });
        expect(px.callCount(PX_ROUTES.retrieveRcc) - sent).toBe(1);
      } finally {
        px.clearFaults();
      }
    },
  );

  it.each(floods.slice(0, 3))(
    'answers a Px call whose token grant is %s as UpstreamUnavailableError, without calling Px',
    async (name, fault) => {
      // The next call meets a 401 and asks for a new token, which the flood answers.
      px.revokeTokens();
      px.injectFault(PX_ROUTES.token, fault, 100);
      const sent = px.callCount(PX_ROUTES.retrieveRcc);
      const grants = px.callCount(PX_ROUTES.token);
      try {
        const [answer] = await measured(`Px token, ${name}`, async () => [await disclosure()]);
        expect(answer).toMatchObject({ __typename: 'UpstreamUnavailableError' });
        expect(px.callCount(PX_ROUTES.token) - grants).toBe(1);
        // At most the call the revoked token was refused with.
        expect(px.callCount(PX_ROUTES.retrieveRcc) - sent).toBeLessThanOrEqual(1);
      } finally {
        px.clearFaults();
      }
    },
  );
});
