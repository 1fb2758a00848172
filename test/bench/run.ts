import autocannon from 'autocannon';
import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { DXP_SANDBOX_CREDENTIALS } from '../../src/sandbox/dxp/server.js';
import { PX_SANDBOX_CREDENTIALS } from '../../src/sandbox/px/server.js';
import { startChild, type BenchChild } from './ipc.js';
import { SCENARIOS, SEND_BENCH_RCC, type Scenario } from './scenarios.js';
import type { UpstreamCounts, UpstreamUrls } from './upstreams-process.js';

/**
 * `npm run bench`: the subgraph against a raw node:http proxy doing the same
 * upstream work, each in its own process, driven by autocannon over loopback,
 * subject and baseline interleaved (A B A B) so drift hits both. CPU per
 * request comes from each server process's own accounting.
 *
 * Env: BENCH_DURATION_S (5), BENCH_ROUNDS (2), BENCH_WARMUP_S (2),
 * BENCH_CONNECTIONS (50), BENCH_SOAK_S (20; 0 skips the RSS check),
 * BENCH_ONLY (run scenarios whose name contains it), BENCH_PROFILE=1
 * (the subgraph runs with --cpu-prof; profiles land in test/bench/results/),
 * BENCH_SUBGRAPH_NODE_ARGS (extra Node flags for the subgraph),
 * BENCH_B=<git ref> (A/B: that commit's subgraph runs beside this tree's, in
 * the same rounds, and the table adds its figures and B÷A).
 *
 * One run on this machine moves by ±10%, so every round runs each server
 * once, the order reversed each round, and the figures are medians over the
 * rounds: ratios are medians of each round's own ratio.
 */
const settings = {
  durationS: numberEnv('BENCH_DURATION_S', 5),
  rounds: numberEnv('BENCH_ROUNDS', 2),
  warmupS: numberEnv('BENCH_WARMUP_S', 2),
  connections: numberEnv('BENCH_CONNECTIONS', 50),
  soakS: numberEnv('BENCH_SOAK_S', 20),
  only: process.env['BENCH_ONLY'] ?? '',
  profile: process.env['BENCH_PROFILE'] === '1',
  /** Extra Node flags for the subgraph processes, e.g. `--max-semi-space-size=32`. */
  subgraphNodeArgs: (process.env['BENCH_SUBGRAPH_NODE_ARGS'] ?? '').split(' ').filter(Boolean),
  /** A git ref whose subgraph runs beside this tree's (A/B); empty for none. */
  b: process.env['BENCH_B'] ?? '',
};
const RESULTS_DIR = fileURLToPath(new URL('results/', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/**
 * Inside the tree, under `npm start`'s own dist/, so the built code finds
 * node_modules and package.json as it does there; A and B alike, so an A/A run
 * compares like with like (A under node_modules and B in its worktree came out
 * B÷A 0.86 and 0.88 for the same code).
 */
const BUILD_SUBDIR = 'dist/bench';
const BUILD_DIR = `${REPO_ROOT}${BUILD_SUBDIR}`;

/** The subgraph runs compiled, like `npm start`: tsx's loader adds work to every closure. */
function buildSubgraph(root: string, outDir: string): void {
  execFileSync(
    `${REPO_ROOT}node_modules/.bin/tsc`,
    ['-p', join(root, 'tsconfig.build.json'), '--outDir', outDir, '--sourceMap', 'false'],
    { cwd: root, stdio: 'inherit' },
  );
}

/**
 * B of an A/B run: `ref` checked out in a temporary worktree sharing this
 * tree's node_modules, built inside it (the built code finds its schema
 * files from its own package.json), removed by `remove`.
 */
async function checkoutB(ref: string): Promise<{ buildDir: string; remove: () => void }> {
  const root = await mkdtemp(join(tmpdir(), 'ordering-bench-b-'));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: REPO_ROOT, stdio: 'pipe' });
  git('worktree', 'add', '--detach', root, ref);
  const remove = () => git('worktree', 'remove', '--force', root);
  try {
    await symlink(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
    const buildDir = join(root, BUILD_SUBDIR);
    buildSubgraph(root, buildDir);
    return { buildDir, remove };
  } catch (error) {
    remove();
    throw error;
  }
}

function numberEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name}: expected a number`);
  return value;
}

type SubjectName = 'subgraph' | 'raw proxy' | 'subgraph B';

interface Sample {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  cpuMicros: number;
  maxRssBytes: number;
  tokenGrants: number;
  failures: number;
}

interface Figures {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  cpuMicrosPerRequest: number;
  peakRssMb: number;
  upstreamCallsPerQuery: number;
  tokenGrants: number;
  failures: number;
  requests: number;
}

interface Ratios {
  cpu: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  peakRss: number;
}

interface ScenarioResult {
  name: string;
  meaning: string;
  expectedUpstreamCalls: number;
  subgraph: Figures;
  raw: Figures;
  /** Medians of each round's subgraph ÷ raw proxy. */
  ratio: Ratios;
  /** The A/B run's B: its figures, its ratios to the raw proxy, and B ÷ A (medians of rounds). */
  b?: { figures: Figures; ratio: Ratios; toA: Ratios };
  /** Each round's CPU µs per request, per server, in the order of the rounds. */
  cpuByRound: Partial<Record<SubjectName, number[]>>;
}

interface Target {
  target: string;
  met: boolean;
  detail: string;
}

function upstreamCallsOf(scenario: Scenario, counts: UpstreamCounts): number {
  if (scenario.raw.path === '/lines') return counts.dxpCalls;
  return (
    (counts.pxCalls['POST /pxRetrieveRCC'] ?? 0) + (counts.pxCalls['POST /pxGetRCCAcceptance'] ?? 0)
  );
}

interface Subject {
  name: SubjectName;
  child: BenchChild;
  url: string;
  body: string;
}

async function drive(subject: Subject, durationS: number) {
  return autocannon({
    url: subject.url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: subject.body,
    connections: settings.connections,
    duration: durationS,
  });
}

async function measure(
  subject: Subject,
  scenario: Scenario,
  upstreams: BenchChild,
): Promise<Sample> {
  const [countsBefore, usageBefore] = await Promise.all([
    upstreams.ask<UpstreamCounts>('counts'),
    subject.child.usage(),
  ]);
  const result = await drive(subject, settings.durationS);
  // Requests still in flight when autocannon stops finish (and cost CPU) now.
  await sleep(200 + scenario.upstreamLatencyMs * 4);
  const [countsAfter, usageAfter] = await Promise.all([
    upstreams.ask<UpstreamCounts>('counts'),
    subject.child.usage(),
  ]);
  return {
    requests: result.requests.total,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpuMicros: usageAfter.cpuMicros - usageBefore.cpuMicros,
    maxRssBytes: usageAfter.maxRssBytes,
    tokenGrants: countsAfter.tokenGrants - countsBefore.tokenGrants,
    failures: result.errors + result.timeouts + result.non2xx,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? NaN)
    : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
}

const cpuPerRequest = (sample: Sample) => sample.cpuMicros / sample.requests;

/** Medians over the rounds; totals for the counts. */
function summarize(samples: Sample[]): Omit<Figures, 'upstreamCallsPerQuery'> {
  const sum = (pick: (sample: Sample) => number) =>
    samples.reduce((total, sample) => total + pick(sample), 0);
  const middle = (pick: (sample: Sample) => number) => median(samples.map(pick));
  const requests = sum((sample) => sample.requests);
  return {
    requestsPerSecond: middle((sample) => sample.rps),
    p50Ms: middle((sample) => sample.p50),
    p99Ms: middle((sample) => sample.p99),
    cpuMicrosPerRequest: middle(cpuPerRequest),
    peakRssMb: Math.max(...samples.map((sample) => sample.maxRssBytes)) / 2 ** 20,
    tokenGrants: sum((sample) => sample.tokenGrants),
    failures: sum((sample) => sample.failures),
    requests,
  };
}

/** Requests autocannon abandoned are still being served; counting waits for them to finish. */
async function untilUpstreamsQuiet(upstreams: BenchChild): Promise<void> {
  const total = (counts: UpstreamCounts) =>
    counts.dxpCalls + Object.values(counts.pxCalls).reduce((sum, calls) => sum + calls, 0);
  let last = total(await upstreams.ask<UpstreamCounts>('counts'));
  for (let attempt = 0; attempt < 100; attempt += 1) {
    await sleep(200);
    const now = total(await upstreams.ask<UpstreamCounts>('counts'));
    if (now === last) return;
    last = now;
  }
}

/**
 * Upstream calls of a few queries sent one at a time after the warm-up: exact,
 * where counting under load also counts the calls of requests autocannon
 * abandons when it stops.
 */
async function upstreamCallsPerQuery(
  subject: Subject,
  scenario: Scenario,
  upstreams: BenchChild,
): Promise<number> {
  const queries = 5;
  await untilUpstreamsQuiet(upstreams);
  const before = await upstreams.ask<UpstreamCounts>('counts');
  for (let query = 0; query < queries; query += 1) await assertAnswers(subject, scenario);
  const after = await upstreams.ask<UpstreamCounts>('counts');
  return (upstreamCallsOf(scenario, after) - upstreamCallsOf(scenario, before)) / queries;
}

/** One request by hand before any load: a wrong answer must not be benchmarked. */
async function assertAnswers(subject: Subject, scenario: Scenario): Promise<void> {
  const response = await fetch(subject.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: subject.body,
  });
  const body = (await response.json()) as { data?: Record<string, unknown>; errors?: unknown };
  const value = Object.values(body.data ?? {})[0];
  const results = (Array.isArray(value) ? value : [value]) as { __typename?: string }[];
  const good =
    response.status === 200 &&
    body.errors === undefined &&
    results.length === scenario.results &&
    results.every((result) => result.__typename === scenario.resultType);
  if (!good) {
    throw new Error(
      `${subject.name} answered ${scenario.name} wrongly: ${JSON.stringify(body).slice(0, 400)}`,
    );
  }
}

function subgraphEnv(urls: UpstreamUrls, cacheTtlS: number): Record<string, string> {
  return {
    NODE_ENV: 'production',
    // The raw proxy checks no secret either: the two do the same work per request.
    ROUTER_SECRET: 'off',
    LOG_LEVEL: 'info',
    HOST: '127.0.0.1',
    PORT: '0',
    ADDONS_CACHE_TTL_S: String(cacheTtlS),
    DXP_BASE_URL: urls.dxp,
    DXP_CLIENT_ID: DXP_SANDBOX_CREDENTIALS.clientId,
    DXP_CLIENT_SECRET: DXP_SANDBOX_CREDENTIALS.clientSecret,
    PX_BASE_URL: urls.px,
    PX_TOKEN_URL: `${urls.px}/oauth/token`,
    PX_CLIENT_ID: PX_SANDBOX_CREDENTIALS.clientId,
    PX_CLIENT_SECRET: PX_SANDBOX_CREDENTIALS.clientSecret,
  };
}

const ratio = (subject: number, baseline: number) => (baseline === 0 ? NaN : subject / baseline);

/** Medians of each round's own ratio: a round's drift hits both of its servers. */
function roundRatios(subject: Sample[], baseline: Sample[]): Ratios {
  const middle = (pick: (sample: Sample) => number) =>
    median(subject.map((sample, round) => ratio(pick(sample), pick(baseline[round] ?? sample))));
  return {
    cpu: middle(cpuPerRequest),
    requestsPerSecond: middle((sample) => sample.rps),
    p50: middle((sample) => sample.p50),
    p99: middle((sample) => sample.p99),
    peakRss: middle((sample) => sample.maxRssBytes),
  };
}

async function runScenario(
  scenario: Scenario,
  subjects: { subgraph: Subject; raw: Subject; b: Subject | null },
  upstreams: BenchChild,
): Promise<ScenarioResult> {
  await upstreams.ask('setLatency', scenario.upstreamLatencyMs);
  // The raw proxy between A and B: each of them runs next to it, first in one round, last in the next.
  const order = [subjects.subgraph, subjects.raw, ...(subjects.b ? [subjects.b] : [])];
  for (const subject of order) await assertAnswers(subject, scenario);
  for (const subject of order) {
    if (settings.warmupS > 0) await drive(subject, settings.warmupS);
  }
  const exactCalls = new Map<SubjectName, number>();
  for (const subject of order) {
    exactCalls.set(subject.name, await upstreamCallsPerQuery(subject, scenario, upstreams));
  }
  const samples: Record<SubjectName, Sample[]> = {
    subgraph: [],
    'raw proxy': [],
    'subgraph B': [],
  };
  for (let round = 0; round < settings.rounds; round += 1) {
    // Reversed every other round: what runs first in a round runs last in the next.
    for (const subject of round % 2 === 0 ? order : [...order].reverse()) {
      samples[subject.name].push(await measure(subject, scenario, upstreams));
      process.stderr.write('.');
    }
  }
  const figures = (name: SubjectName): Figures => ({
    ...summarize(samples[name]),
    upstreamCallsPerQuery: exactCalls.get(name) ?? NaN,
  });
  return {
    name: scenario.name,
    meaning: scenario.meaning,
    expectedUpstreamCalls: scenario.upstreamCalls,
    subgraph: figures('subgraph'),
    raw: figures('raw proxy'),
    ratio: roundRatios(samples.subgraph, samples['raw proxy']),
    cpuByRound: Object.fromEntries(
      order.map(({ name }) => [
        name,
        samples[name].map((sample) => Math.round(cpuPerRequest(sample))),
      ]),
    ),
    ...(subjects.b && {
      b: {
        figures: figures('subgraph B'),
        ratio: roundRatios(samples['subgraph B'], samples['raw proxy']),
        toA: roundRatios(samples['subgraph B'], samples.subgraph),
      },
    }),
  };
}

/** Two equal runs of the uncached one-line load: the second must not need more memory. */
async function soak(subject: Subject) {
  const runs: { peakRssMb: number; rssMb: number; heapAfterGcMb: number; requests: number }[] = [];
  for (let run = 0; run < 2; run += 1) {
    const result = await drive(subject, settings.soakS);
    await sleep(500);
    const usage = await subject.child.usageAfterGc();
    runs.push({
      peakRssMb: usage.maxRssBytes / 2 ** 20,
      rssMb: usage.rssBytes / 2 ** 20,
      heapAfterGcMb: (usage.heapAfterGcBytes ?? Number.NaN) / 2 ** 20,
      requests: result.requests.total,
    });
    process.stderr.write('.');
  }
  return runs;
}

/** The 20 ms upstream p99 over the raw proxy's in docs/performance.md before issue 15's work. */
const P99_MARGIN_BEFORE_MS = 8;

function evaluateTargets(
  results: ScenarioResult[],
  soakRuns: Awaited<ReturnType<typeof soak>> | null,
  totalSubgraphGrants: number,
): Target[] {
  const byName = new Map(results.map((result) => [result.name, result]));
  const targets: Target[] = [];
  const uncached = byName.get('one line, uncached');
  if (uncached) {
    targets.push({
      target: 'one line, uncached: CPU/request ≤ 3.0× raw proxy',
      met: uncached.ratio.cpu <= 3,
      detail: `${uncached.ratio.cpu.toFixed(2)}× (${Math.abs(3 - uncached.ratio.cpu).toFixed(2)} ${uncached.ratio.cpu <= 3 ? 'below' : 'above'})`,
    });
  }
  for (const name of ['mobileLines ×50', '_entities ×50']) {
    const wide = byName.get(name);
    if (!wide) continue;
    targets.push({
      target: `${name}: CPU/request ≤ 2.0× raw proxy`,
      met: wide.ratio.cpu <= 2,
      detail: `${wide.ratio.cpu.toFixed(2)}×`,
    });
  }
  const cached = byName.get('one line, cached');
  if (cached) {
    targets.push({
      target: 'one line, cached: CPU/request ≤ 1.8× and throughput ≥ 0.55× raw proxy',
      met: cached.ratio.cpu <= 1.8 && cached.ratio.requestsPerSecond >= 0.55,
      detail: `CPU ${cached.ratio.cpu.toFixed(2)}×, throughput ${cached.ratio.requestsPerSecond.toFixed(2)}×`,
    });
  }
  const slow = byName.get('ordering flow, 20 ms upstream');
  if (slow) {
    const margin = slow.subgraph.p99Ms - slow.raw.p99Ms;
    targets.push({
      target: `20 ms upstream: p99 no worse than before this work (≤ raw proxy p99 + ${String(P99_MARGIN_BEFORE_MS)} ms)`,
      met: margin <= P99_MARGIN_BEFORE_MS,
      detail: `${slow.subgraph.p99Ms.toFixed(1)} ms vs ${slow.raw.p99Ms.toFixed(1)} ms (${margin >= 0 ? '+' : ''}${margin.toFixed(1)} ms)`,
    });
  }
  const fanOut = results.filter((result) => /^(mobileLines|_entities)/.test(result.name));
  if (fanOut.length > 0) {
    const exact = fanOut.every(
      (result) => result.subgraph.upstreamCallsPerQuery === result.expectedUpstreamCalls,
    );
    targets.push({
      target: 'mobileLines and _entities: upstream calls per query = distinct lines',
      met: exact,
      detail: fanOut
        .map((result) => `${result.name}: ${result.subgraph.upstreamCallsPerQuery.toFixed(2)}`)
        .join(', '),
    });
    const perLine = results
      .filter((result) => result.name.startsWith('mobileLines'))
      .map((result) => ({
        name: result.name,
        micros: result.subgraph.cpuMicrosPerRequest / result.expectedUpstreamCalls,
      }));
    targets.push({
      target: 'mobileLines: CPU per line falls as lines grow',
      met: perLine.every(
        (entry, index) => index === 0 || entry.micros < (perLine[index - 1]?.micros ?? 0),
      ),
      detail: perLine
        .map((entry) => `${entry.name}: ${entry.micros.toFixed(0)} µs/line`)
        .join(', '),
    });
  }
  targets.push({
    target: 'one token grant per token lifetime (subgraph, whole run)',
    met: totalSubgraphGrants <= 1,
    detail: `${String(totalSubgraphGrants)} grant(s)`,
  });
  if (soakRuns?.[0] && soakRuns[1]) {
    const [first, second] = soakRuns;
    const growth = second.peakRssMb - first.peakRssMb;
    const heapGrowth = second.heapAfterGcMb - first.heapAfterGcMb;
    targets.push({
      target: `no RSS growth across two ${String(settings.soakS)} s runs`,
      // Peak RSS only grows; a few MB of allocator noise is not a leak. The heap
      // after a full collection is what a leak would grow, but it moves by a few
      // MB between equal runs either way (−6.4 to +2.4 MB seen here); a leak of
      // 100 bytes a request passes 10% of it within one run.
      met:
        growth <= Math.max(4, first.peakRssMb * 0.03) &&
        heapGrowth <= Math.max(4, first.heapAfterGcMb * 0.1),
      detail: `peak RSS ${first.peakRssMb.toFixed(1)} → ${second.peakRssMb.toFixed(1)} MB, heap after GC ${first.heapAfterGcMb.toFixed(1)} → ${second.heapAfterGcMb.toFixed(1)} MB (${((heapGrowth * 2 ** 20) / second.requests).toFixed(0)} bytes per request of the second run), RSS now ${first.rssMb.toFixed(1)} → ${second.rssMb.toFixed(1)} MB`,
    });
  }
  return targets;
}

function table(results: ScenarioResult[]): string {
  const fixed = (value: number, digits = 0) => value.toFixed(digits);
  const lines = [
    '| scenario | server | req/s | p50 ms | p99 ms | CPU µs/req | peak RSS MB | upstream calls/query | token grants | CPU × raw | req/s × raw | p99 × raw |',
    '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const result of results) {
    const rows: [SubjectName, Figures, Ratios | null][] = [
      ['raw proxy', result.raw, null],
      ['subgraph', result.subgraph, result.ratio],
    ];
    if (result.b) rows.push(['subgraph B', result.b.figures, result.b.ratio]);
    for (const [name, figures, ratios] of rows) {
      const shown = ratios
        ? [fixed(ratios.cpu, 2), fixed(ratios.requestsPerSecond, 2), fixed(ratios.p99, 2)]
        : ['1', '1', '1'];
      lines.push(
        `| ${result.name} | ${name} | ${fixed(figures.requestsPerSecond)} | ${fixed(figures.p50Ms, 1)} | ${fixed(figures.p99Ms, 1)} | ${fixed(figures.cpuMicrosPerRequest)} | ${fixed(figures.peakRssMb)} | ${fixed(figures.upstreamCallsPerQuery, 2)} | ${String(figures.tokenGrants)} | ${shown.join(' | ')} |`,
      );
    }
  }
  return lines.join('\n');
}

/** B ÷ A of an A/B run, medians of each round's ratio: below 1 is B cheaper or faster. */
function abTable(results: ScenarioResult[]): string {
  const lines = ['| scenario | CPU B÷A | req/s B÷A | p99 B÷A |', '|---|--:|--:|--:|'];
  for (const { name, b } of results) {
    if (!b) continue;
    lines.push(
      `| ${name} | ${b.toA.cpu.toFixed(3)} | ${b.toA.requestsPerSecond.toFixed(3)} | ${b.toA.p99.toFixed(3)} |`,
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const scenarios = SCENARIOS.filter((scenario) => scenario.name.includes(settings.only));
  const startedAt = new Date();
  process.stderr.write(
    `bench: ${String(scenarios.length)} scenarios, ${String(settings.rounds)}×${String(settings.durationS)} s each per server, ${String(settings.connections)} connections\n`,
  );

  buildSubgraph(REPO_ROOT, BUILD_DIR);
  const b = settings.b ? await checkoutB(settings.b) : null;
  const upstreams = await startChild('./upstreams-process.ts', {});
  const urls = JSON.parse(upstreams.url) as UpstreamUrls;
  // --expose-gc lets the leak check collect before it reads the heap; nothing else calls gc().
  const subgraphArgs = [
    '--expose-gc',
    ...settings.subgraphNodeArgs,
    ...(settings.profile ? ['--cpu-prof', `--cpu-prof-dir=${RESULTS_DIR}profiles`] : []),
  ];
  const subgraph = (buildDir: string, cacheTtlS: number) =>
    startChild(
      './subgraph-process.ts',
      { ...subgraphEnv(urls, cacheTtlS), BENCH_BUILD_DIR: buildDir },
      { execArgv: subgraphArgs },
    );
  const [rawChild, uncachedChild, cachedChild, ...bChildren] = await Promise.all([
    startChild('./raw-proxy.ts', { BENCH_DXP_URL: urls.dxp, BENCH_PX_URL: urls.px }),
    subgraph(BUILD_DIR, 0),
    subgraph(BUILD_DIR, 60),
    ...(b ? [subgraph(b.buildDir, 0), subgraph(b.buildDir, 60)] : []),
  ]);
  const [bUncached, bCached] = bChildren;

  try {
    await fetch(uncachedChild.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(SEND_BENCH_RCC),
    });
    const subjectOf = (name: SubjectName, child: BenchChild, scenario: Scenario): Subject => ({
      name,
      child,
      url: child.url,
      body: JSON.stringify(scenario.graphql),
    });
    const results: ScenarioResult[] = [];
    for (const scenario of scenarios) {
      const cached = scenario.subgraph === 'cached';
      const bChild = cached ? bCached : bUncached;
      results.push(
        await runScenario(
          scenario,
          {
            subgraph: subjectOf('subgraph', cached ? cachedChild : uncachedChild, scenario),
            b: bChild ? subjectOf('subgraph B', bChild, scenario) : null,
            raw: {
              name: 'raw proxy',
              child: rawChild,
              url: `${rawChild.url}${scenario.raw.path}`,
              body: JSON.stringify(scenario.raw.body),
            },
          },
          upstreams,
        ),
      );
    }

    await upstreams.ask('setLatency', 0);
    const seedLine = scenarios.find((scenario) => scenario.name === 'one line, uncached');
    const soakRuns =
      settings.soakS > 0 && seedLine
        ? await soak({
            name: 'subgraph',
            child: uncachedChild,
            url: uncachedChild.url,
            body: JSON.stringify(seedLine.graphql),
          })
        : null;
    // Grants of both subgraph processes over the whole run, warm-ups included.
    const counts = await upstreams.ask<UpstreamCounts>('counts');
    const subgraphGrants = counts.tokenGrants - (await rawChild.ask<number>('tokenGrants'));
    const targets = evaluateTargets(results, soakRuns, subgraphGrants);

    const markdown = table(results);
    process.stdout.write(`\n\n${markdown}\n\n`);
    const ab = b ? abTable(results) : null;
    if (ab) process.stdout.write(`B = ${settings.b}\n\n${ab}\n\n`);
    for (const target of targets) {
      process.stdout.write(
        `${target.met ? 'met    ' : 'NOT MET'}  ${target.target}: ${target.detail}\n`,
      );
    }
    const failures = results.filter((result) => result.subgraph.failures + result.raw.failures > 0);
    for (const result of failures) {
      process.stdout.write(
        `warning: ${result.name} had failed requests (subgraph ${String(result.subgraph.failures)}, raw ${String(result.raw.failures)})\n`,
      );
    }

    await mkdir(RESULTS_DIR, { recursive: true });
    const file = `${RESULTS_DIR}bench-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`;
    await writeFile(
      file,
      `${JSON.stringify({ startedAt, node: process.version, settings, results, soak: soakRuns, targets, table: markdown, ab }, null, 2)}\n`,
    );
    process.stdout.write(`\nresults: ${file}\n`);
  } finally {
    await Promise.allSettled(
      [rawChild, uncachedChild, cachedChild, ...bChildren].map((child) => child.stop()),
    );
    await upstreams.stop();
    b?.remove();
  }
}

await main();
