import Fastify, { type FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A fault a test arms on one route of a sandbox, for the next `times` calls:
 * the sandboxes' fixtures cover the documented statuses, faults cover what the
 * network does (hangs, resets, garbage) and what a fixture cannot trigger.
 */
export type SandboxFault =
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  | { kind: 'raw'; status: number; body: string; contentType?: string }
  | { kind: 'hang' }
  | { kind: 'reset' }
  | { kind: 'delay'; ms: number }
  /**
   * A body of `bytes` (never ending when absent), streamed as fast as the
   * client reads it; `declareLength` sends its Content-Length up front.
   */
  | { kind: 'flood'; status?: number; bytes?: number; declareLength?: boolean }
  /** The route does its work (Px takes the order), then the answer is lost: the connection drops. */
  | { kind: 'lose-answer' };

export interface SandboxHandle {
  /** Origin, e.g. http://127.0.0.1:41234 (no trailing slash). */
  readonly url: string;
  /** Calls served so far, by route key `METHOD /path-pattern`. */
  calls(): Record<string, number>;
  /** Calls to one route key, 0 when none. */
  callCount(routeKey: string): number;
  resetCalls(): void;
  /** Latency added before every answer (ms); the benchmark and timeout tests use it. */
  setLatency(ms: number): void;
  /** Arms `fault` on `routeKey` for its next `times` calls (default: 1). */
  injectFault(routeKey: string, fault: SandboxFault, times?: number): void;
  /**
   * Answers a random share (0 to 1) of the calls to `routeKey` with `fault`
   * until `clearFaults()`: the load test's background of flaky upstreams.
   * A fault armed by `injectFault` goes first.
   */
  injectFaultRate(routeKey: string, fault: SandboxFault, rate: number): void;
  clearFaults(): void;
  close(): Promise<void>;
}

export interface SandboxOptions {
  host?: string;
  port?: number;
  latencyMs?: number;
}

interface ArmedFault {
  fault: SandboxFault;
  remaining: number;
}

/**
 * Builds a Fastify app with call counting, latency and fault injection wired in,
 * lets `register` add the upstream's routes, and listens on loopback.
 */
export async function startSandboxServer(
  register: (app: FastifyInstance) => void | Promise<void>,
  options: SandboxOptions = {},
): Promise<SandboxHandle> {
  const app = Fastify({ logger: false, keepAliveTimeout: 65_000, forceCloseConnections: true });
  const counts = new Map<string, number>();
  const faults = new Map<string, ArmedFault>();
  const faultRates = new Map<string, { fault: SandboxFault; rate: number }>();
  let latencyMs = options.latencyMs ?? 0;
  const answersToLose = new WeakSet<object>();

  app.addHook('onRequest', async (request, reply) => {
    const routeKey = `${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]}`;
    counts.set(routeKey, (counts.get(routeKey) ?? 0) + 1);
    if (latencyMs > 0) await sleep(latencyMs);
    const fault = nextFault(routeKey);
    if (!fault) return;
    if (fault.kind === 'lose-answer') {
      answersToLose.add(request);
      return;
    }
    await applyFault(fault, request.raw.socket, reply);
  });

  function nextFault(routeKey: string): SandboxFault | undefined {
    const armed = faults.get(routeKey);
    if (armed) {
      armed.remaining -= 1;
      if (armed.remaining <= 0) faults.delete(routeKey);
      return armed.fault;
    }
    const share = faultRates.get(routeKey);
    return share && Math.random() < share.rate ? share.fault : undefined;
  }

  app.addHook('onSend', async (request, _reply, payload) => {
    if (answersToLose.has(request)) request.raw.socket.destroy();
    return payload;
  });

  await register(app);
  await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  const { port } = app.server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    calls: () => Object.fromEntries(counts),
    callCount: (routeKey) => counts.get(routeKey) ?? 0,
    resetCalls: () => counts.clear(),
    setLatency: (ms) => {
      latencyMs = ms;
    },
    injectFault: (routeKey, fault, times = 1) => {
      faults.set(routeKey, { fault, remaining: times });
    },
    injectFaultRate: (routeKey, fault, rate) => {
      faultRates.set(routeKey, { fault, rate });
    },
    clearFaults: () => {
      faults.clear();
      faultRates.clear();
    },
    close: () => app.close(),
  };
}

async function applyFault(
  fault: SandboxFault,
  socket: import('node:net').Socket,
  reply: import('fastify').FastifyReply,
): Promise<void> {
  switch (fault.kind) {
    case 'status':
      for (const [name, value] of Object.entries(fault.headers ?? {})) reply.header(name, value);
      await reply.code(fault.status).send(fault.body ?? {});
      return;
    case 'raw':
      await reply
        .code(fault.status)
        .type(fault.contentType ?? 'application/json')
        .send(fault.body);
      return;
    case 'hang':
      // Never answers; the client's timeout is what ends the call. The socket
      // is destroyed when the sandbox closes (forceCloseConnections).
      await new Promise<never>(() => undefined);
      return;
    case 'reset':
      socket.resetAndDestroy();
      await new Promise<never>(() => undefined);
      return;
    case 'delay':
      await sleep(fault.ms);
      return;
    case 'flood':
      if (fault.declareLength && fault.bytes !== undefined) {
        reply.header('content-length', fault.bytes);
      }
      await reply
        .code(fault.status ?? 200)
        .type('application/json')
        .send(Readable.from(floodChunks(fault.bytes)));
      return;
    case 'lose-answer':
      return;
  }
}

const FLOOD_CHUNK = Buffer.alloc(64 * 1024, ' ');

/** Filler, one chunk at a time; the stream stops when the client goes away. */
function* floodChunks(bytes: number | undefined): Generator<Buffer> {
  for (let left = bytes ?? Infinity; left > 0; left -= FLOOD_CHUNK.length) {
    yield left >= FLOOD_CHUNK.length ? FLOOD_CHUNK : FLOOD_CHUNK.subarray(0, left);
  }
}
