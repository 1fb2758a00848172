import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

/**
 * The bench runs every server in its own process so each one's CPU and peak
 * RSS are its own. Children speak a tiny request/answer protocol over Node's
 * IPC channel: the child announces `ready` with its URL, the driver asks
 * named commands and gets one answer each.
 */
type Command = (args: unknown) => unknown;

interface ReadyMessage {
  type: 'ready';
  url: string;
}
interface AnswerMessage {
  type: 'answer';
  id: number;
  value?: unknown;
  error?: string;
}
interface AskMessage {
  type: 'ask';
  id: number;
  command: string;
  args: unknown;
}

/** What every bench child answers besides its own commands. */
export interface ProcessUsage {
  /** User + system CPU since the process started, in microseconds. */
  cpuMicros: number;
  /** Peak resident set size so far, in bytes. */
  maxRssBytes: number;
  /** Resident set size now, in bytes. */
  rssBytes: number;
  /** Heap in use after a full collection (null unless the process runs with --expose-gc). */
  heapAfterGcBytes: number | null;
}

function processUsage(collect: boolean): ProcessUsage {
  const gc = collect ? globalThis.gc : undefined;
  gc?.();
  const cpu = process.cpuUsage();
  return {
    cpuMicros: cpu.user + cpu.system,
    // resourceUsage reports kilobytes.
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    rssBytes: process.memoryUsage.rss(),
    heapAfterGcBytes: gc ? process.memoryUsage().heapUsed : null,
  };
}

/**
 * Child side: announce `url`, answer `commands`, plus `usage` and `stop`
 * (which runs `stop` and exits, so `--cpu-prof` writes its profile).
 */
export function serveCommands(
  url: string,
  commands: Record<string, Command>,
  stop: () => Promise<void>,
): void {
  const send = process.send?.bind(process);
  if (!send) throw new Error('a bench child must be started with an IPC channel');
  const all: Record<string, Command> = {
    ...commands,
    usage: () => processUsage(false),
    usageAfterGc: () => processUsage(true),
    stop: async () => {
      await stop();
      setImmediate(() => process.exit(0));
      return true;
    },
  };
  process.on('message', (message: AskMessage) => {
    const command = all[message.command];
    Promise.resolve()
      .then(() => {
        if (!command) throw new Error(`unknown command ${message.command}`);
        return command(message.args);
      })
      .then(
        (value: unknown) => send({ type: 'answer', id: message.id, value } satisfies AnswerMessage),
        (error: unknown) =>
          send({ type: 'answer', id: message.id, error: String(error) } satisfies AnswerMessage),
      );
  });
  send({ type: 'ready', url } satisfies ReadyMessage);
}

export interface BenchChild {
  url: string;
  ask<T>(command: string, args?: unknown): Promise<T>;
  usage(): Promise<ProcessUsage>;
  /** Usage after a full garbage collection, for leak checks; never during a measurement. */
  usageAfterGc(): Promise<ProcessUsage>;
  stop(): Promise<void>;
}

/**
 * Driver side: forks `module` (a file beside this one) under tsx and waits
 * for its `ready`. Only tsx's ES module loader: its CommonJS hook would sit
 * in every `require` the compiled subgraph's dependencies make at run time
 * (Apollo Server requires `crypto` for each query's hash), a cost `npm start`
 * never pays.
 */
export async function startChild(
  module: string,
  env: Record<string, string>,
  options: { execArgv?: string[] } = {},
): Promise<BenchChild> {
  const path = fileURLToPath(new URL(module, import.meta.url));
  const child: ChildProcess = fork(path, [], {
    env: { ...process.env, ...env },
    execArgv: ['--import', 'tsx/esm', ...(options.execArgv ?? [])],
    // Logs go where production sends them: out of the process, not into the driver.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (e: Error) => void }
  >();
  let nextId = 1;
  const exited = once(child, 'exit');

  const url = await new Promise<string>((resolve, reject) => {
    child.on('message', (message: ReadyMessage | AnswerMessage) => {
      if (message.type === 'ready') {
        resolve(message.url);
        return;
      }
      const waiter = pending.get(message.id);
      if (!waiter) return;
      pending.delete(message.id);
      if (message.error !== undefined) waiter.reject(new Error(message.error));
      else waiter.resolve(message.value);
    });
    child.once('exit', (code) => {
      reject(new Error(`${module} exited with ${String(code)} before it was ready`));
    });
  });

  const ask = <T>(command: string, args?: unknown): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: (value) => resolve(value as T), reject });
      child.send({ type: 'ask', id, command, args } satisfies AskMessage);
    });

  return {
    url,
    ask,
    usage: () => ask<ProcessUsage>('usage'),
    usageAfterGc: () => ask<ProcessUsage>('usageAfterGc'),
    async stop() {
      await ask('stop');
      await exited;
    },
  };
}
