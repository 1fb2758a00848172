import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createConnection, createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { afterAll, assert, beforeAll } from 'vitest';
import { loadConfig } from '../../src/process/config.js';
import { createLogger } from '../../src/observability/logger.js';
import { closeRedisConnection, createRedisConnection } from '../../src/store/redis-client.js';
import { createLogCapture } from './log-capture.js';

/** Whether the Redis suites can run here; known at collection time, for `describe.skipIf`. */
export const REDIS_AVAILABLE =
  spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;

export const REDIS_SKIPPED_NOTICE = '[redis] redis-server not on PATH: Redis suites skipped';
// Said by every suite that imports this, so a skip is never silent.
if (!REDIS_AVAILABLE) console.warn(REDIS_SKIPPED_NOTICE);

export interface RedisServer {
  url: string;
  /** SIGSTOP: Redis keeps its port and connections but answers nothing, as a stalled Redis does. */
  pause(): void;
  /** SIGCONT: Redis answers again, starting with what it was sent while paused. */
  resume(): void;
  stop(): Promise<void>;
}

const START_ATTEMPTS = 3;
const READY_TIMEOUT_MS = 5_000;

/**
 * A throwaway redis-server on a free loopback port, without persistence, or
 * null when redis-server is not installed. Killed by `stop()`, and when the
 * test process exits if a test forgot to stop it.
 */
export async function startRedisServer(): Promise<RedisServer | null> {
  if (!REDIS_AVAILABLE) return null;
  let lastError: unknown;
  // The free port can be taken between finding it and redis binding it.
  for (let attempt = 0; attempt < START_ATTEMPTS; attempt++) {
    try {
      return await startOn(await freePort());
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

async function startOn(port: number): Promise<RedisServer> {
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--loglevel',
      'warning',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-2_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);

  const stop = async () => {
    process.off('exit', killOnExit);
    if (isRunning(child)) child.kill('SIGKILL');
    await exited;
  };

  try {
    await waitForPong(port, child, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    pause: () => {
      child.kill('SIGSTOP');
    },
    resume: () => {
      child.kill('SIGCONT');
    },
    stop,
  };
}

function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

async function waitForPong(port: number, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (!isRunning(child))
      throw new Error(`redis-server exited before answering PING on port ${port}: ${output()}`);
    if (await answersPing(port)) return;
    await sleep(25);
  }
  throw new Error(
    `redis-server did not answer PING on port ${port} within ${READY_TIMEOUT_MS} ms: ${output()}`,
  );
}

/** A raw PING, so waiting for the server does not depend on the client under test. */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString('utf8');
      if (reply.includes('\r\n')) finish(reply.startsWith('+PONG'));
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else
          reject(new Error(`expected a port from a listening server, but got: ${String(address)}`));
      });
    });
  });
}

/**
 * A redis-server for one describe block, started before its tests and
 * stopped after them with every connection `connect` made. Call it inside
 * `describe.skipIf(!REDIS_AVAILABLE)`.
 */
export function useRedisServer(): {
  url(): string;
  connect(options?: {
    url?: string;
    logs?: ReturnType<typeof createLogCapture>;
    level?: string;
    commandTimeoutMs?: number;
  }): Redis;
  /** Closes a connection made elsewhere (a raw one, without the key prefix) with the rest. */
  adopt(redis: Redis): Redis;
} {
  let server: RedisServer | null = null;
  const connections: Redis[] = [];

  beforeAll(async () => {
    server = await startRedisServer();
    assert(server, 'redis-server is on PATH but did not start');
  });
  afterAll(async () => {
    await Promise.all(connections.map(closeRedisConnection));
    await server?.stop();
  });

  const url = () => {
    assert(server, 'the redis server starts in beforeAll');
    return server.url;
  };
  return {
    url,
    connect(options = {}) {
      const logs = options.logs ?? createLogCapture();
      const redis = createRedisConnection(
        options.url ?? url(),
        createLogger(options.level ?? 'silent', logs.stream),
        { commandTimeoutMs: options.commandTimeoutMs ?? loadConfig({}).redisTimeoutMs },
      );
      connections.push(redis);
      return redis;
    },
    adopt(redis) {
      connections.push(redis);
      return redis;
    },
  };
}
