import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { projectRoot } from '../../src/graphql/project-root.js';

/** The line src/main.ts logs once it listens, with the GraphQL URL. */
const READY_MESSAGE = 'ordering subgraph ready';
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 20_000;

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SubgraphProcess {
  pid: number;
  /** Origin, e.g. http://127.0.0.1:41234. */
  url: string;
  graphqlUrl: string;
  /** Every JSON log line written to stdout so far, parsed. */
  records(): Record<string, unknown>[];
  /** Everything written to stdout and stderr so far, as written. */
  output(): string;
  /** Resolves with the first log record (already written or still to come) that matches. */
  waitForLog(
    matches: (record: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  /** Resolves when the process has exited, however it ended. */
  exited: Promise<ProcessExit>;
  /** Sends `signal` without waiting. */
  signal(signal: NodeJS.Signals): void;
  /** SIGTERM, then waits for the exit (SIGKILL if it does not come). Safe to call twice. */
  stop(): Promise<ProcessExit>;
}

/**
 * How the process is started: the entry point through tsx (quick), or the
 * README's own `npm start` (a build, then the compiled entry point).
 */
export type Launch = 'tsx' | 'npm-start';

const LAUNCH_COMMANDS: Record<Launch, { command: string; args: string[]; startTimeoutMs: number }> =
  {
    tsx: {
      command: process.execPath,
      args: ['--import', 'tsx', 'src/process/main.ts'],
      startTimeoutMs: START_TIMEOUT_MS,
    },
    'npm-start': { command: 'npm', args: ['start', '--silent'], startTimeoutMs: 120_000 },
  };

/**
 * Spawns the subgraph with only `env` (plus PATH and HOME, and a free port
 * unless `env` names one), so nothing of the test runner's environment leaks
 * in. It leads a process group of its own, so a signal reaches the node
 * process behind npm and its shell too.
 */
function spawnMain(env: Record<string, string>, launch: Launch = 'tsx'): ChildProcess {
  const { command, args } = LAUNCH_COMMANDS[launch];
  const child = spawn(command, args, {
    cwd: projectRoot(),
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? '',
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  // A test that fails before stopping its process must not leave it running.
  const killOnExit = () => signalGroup(child, 'SIGKILL');
  process.on('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  return child;
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is gone already.
  }
}

function exitOf(child: ChildProcess): Promise<ProcessExit> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve({ code: child.exitCode, signal: child.signalCode });
      return;
    }
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

/**
 * Starts the subgraph as its own process and resolves once it logs that it
 * is ready, with the URL it logged (PORT=0: the OS picked the port).
 */
export async function startSubgraphProcess(
  env: Record<string, string> = {},
  launch: Launch = 'tsx',
): Promise<SubgraphProcess> {
  const child = spawnMain(env, launch);
  const exited = exitOf(child);
  let output = '';
  const records: Record<string, unknown>[] = [];
  const waiters = new Set<{
    matches: (record: Record<string, unknown>) => boolean;
    resolve: (record: Record<string, unknown>) => void;
  }>();

  const stdout = child.stdout;
  const stderr = child.stderr;
  if (stdout === null || stderr === null) throw new Error('spawned with piped stdout and stderr');
  stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  createInterface({ input: stdout }).on('line', (line) => {
    output += `${line}\n`;
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    records.push(record);
    for (const waiter of waiters) {
      if (waiter.matches(record)) {
        waiters.delete(waiter);
        waiter.resolve(record);
      }
    }
  });

  const waitForLog: SubgraphProcess['waitForLog'] = (matches, timeoutMs = START_TIMEOUT_MS) => {
    const already = records.find(matches);
    if (already) return Promise.resolve(already);
    return new Promise((resolve, reject) => {
      const waiter = { matches, resolve: (record: Record<string, unknown>) => finish(record) };
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(new Error(`no matching log line within ${timeoutMs} ms; output:\n${output}`));
      }, timeoutMs);
      const finish = (record: Record<string, unknown>) => {
        clearTimeout(timer);
        resolve(record);
      };
      waiters.add(waiter);
      void exited.then((exit) => {
        if (!waiters.delete(waiter)) return;
        clearTimeout(timer);
        reject(
          new Error(
            `the process exited (${exit.code ?? exit.signal ?? '?'}) before a matching log line; output:\n${output}`,
          ),
        );
      });
    });
  };

  let ready: Record<string, unknown>;
  try {
    ready = await waitForLog(
      (record) => record['msg'] === READY_MESSAGE,
      LAUNCH_COMMANDS[launch].startTimeoutMs,
    );
  } catch (error) {
    signalGroup(child, 'SIGKILL');
    throw error;
  }
  const graphqlUrl = ready['url'];
  if (typeof graphqlUrl !== 'string')
    throw new Error(`the ready line must carry the GraphQL URL, but was: ${JSON.stringify(ready)}`);

  // Every process of the group holds stdout open: its end means the node process behind npm is gone too.
  const outputEnded = new Promise<void>((resolve) => stdout.once('close', () => resolve()));
  const stop = async (): Promise<ProcessExit> => {
    if (child.exitCode === null && child.signalCode === null) signalGroup(child, 'SIGTERM');
    const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), STOP_TIMEOUT_MS);
    try {
      const exit = await exited;
      await outputEnded;
      return exit;
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    pid: child.pid ?? -1,
    url: new URL(graphqlUrl).origin,
    graphqlUrl,
    records: () => [...records],
    output: () => output,
    waitForLog,
    exited,
    signal: (signal) => signalGroup(child, signal),
    stop,
  };
}

/** Runs the entry point to its end (start-up that is meant to fail), with what it wrote. */
export async function runSubgraphProcessToExit(
  env: Record<string, string>,
  timeoutMs = START_TIMEOUT_MS,
): Promise<ProcessExit & { stdout: string; stderr: string }> {
  const child = spawnMain(env);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), timeoutMs);
  const exit = await exitOf(child);
  clearTimeout(timer);
  // 'exit' can come before the pipes are drained.
  await Promise.all(
    [child.stdout, child.stderr].map(
      (stream) =>
        new Promise<void>((resolve) => {
          if (stream === null || stream.readableEnded) resolve();
          else stream.once('end', () => resolve());
        }),
    ),
  );
  return { ...exit, stdout, stderr };
}
