import dns from 'node:dns';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';

/**
 * Tests talk to servers they started on loopback, nothing else. This guard
 * fails a connection or a name lookup outside loopback before any packet
 * leaves, with an error naming the host, and remembers it: a library that
 * swallows the error (a telemetry exporter probing cloud metadata addresses)
 * is still caught when the test ends (see vitest-setup.ts).
 */
const LOOPBACK = new net.BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  const family = net.isIP(bare);
  if (family === 4) return LOOPBACK.check(bare, 'ipv4');
  if (family === 6)
    return LOOPBACK.check(bare, 'ipv6') || LOOPBACK.check(bare.replace(/^::ffff:/i, ''), 'ipv4');
  return bare === 'localhost' || bare.endsWith('.localhost');
}

export class OutsideLoopbackError extends Error {
  override readonly name = 'OutsideLoopbackError';
}

// Shared through globalThis: a test file and the set-up may load this module as separate instances.
const STATE = Symbol.for('ordering-subgraph.loopback-guard');
type GuardState = { refused: string[] };
const holder = globalThis as typeof globalThis & { [STATE]?: GuardState };

function guardState(): GuardState {
  holder[STATE] ??= { refused: [] };
  return holder[STATE];
}

function refuse(what: string): OutsideLoopbackError {
  guardState().refused.push(what);
  return new OutsideLoopbackError(
    `${what} is outside loopback: tests may only reach 127.0.0.1, ::1 or localhost`,
  );
}

/** The refusals since the last call, which it clears. */
export function takeRefusals(): string[] {
  return guardState().refused.splice(0);
}

/** Where a Socket#connect call would go, for each of its signatures; null for a Unix socket. */
function targetOf(args: unknown[]): { host: string; port: unknown } | null {
  // net.connect() hands its already-normalized [options, callback] on as the first argument.
  const first: unknown = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
  if (typeof first === 'object' && first !== null) {
    const { path, host, port } = first as { path?: unknown; host?: unknown; port?: unknown };
    if (typeof path === 'string') return null;
    return { host: typeof host === 'string' && host !== '' ? host : 'localhost', port };
  }
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first)))
    return { host: typeof args[1] === 'string' ? args[1] : 'localhost', port: first };
  return null;
}

type Lookup = typeof dns.lookup;

/** Installs the guard once per process; later calls change nothing. */
export function installLoopbackGuard(): void {
  const installed = Symbol.for('ordering-subgraph.loopback-guard.installed');
  const marked = net.Socket.prototype as net.Socket & { [installed]?: true };
  if (marked[installed]) return;
  marked[installed] = true;

  // Refused the way a failed connection or lookup fails, asynchronously, so
  // callers take their usual error path instead of an unexpected throw.
  // eslint-disable-next-line @typescript-eslint/unbound-method -- applied below with the socket as `this`
  const connect = net.Socket.prototype.connect as (
    this: net.Socket,
    ...all: unknown[]
  ) => net.Socket;
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    const target = targetOf(args);
    if (target === null || isLoopbackHost(target.host)) return connect.apply(this, args);
    const error = refuse(`a connection to ${target.host}:${String(target.port)}`);
    process.nextTick(() => this.destroy(error));
    return this;
  };

  const lookup = dns.lookup;
  dns.lookup = function (hostname: string, ...rest: unknown[]) {
    if (isLoopbackHost(hostname)) {
      (lookup as (...all: unknown[]) => void)(hostname, ...rest);
      return;
    }
    const callback = rest.at(-1);
    const error = refuse(`a lookup of ${hostname}`);
    if (typeof callback === 'function')
      process.nextTick(() => (callback as (e: Error) => void)(error));
  } as Lookup;

  const lookupPromise = dns.promises.lookup;
  dns.promises.lookup = function (hostname: string, ...rest: unknown[]) {
    if (!isLoopbackHost(hostname)) return Promise.reject(refuse(`a lookup of ${hostname}`));
    return (lookupPromise as (...all: unknown[]) => Promise<unknown>)(hostname, ...rest);
  } as typeof lookupPromise;

  // ES module imports of node:dns and node:net (`import { lookup }`) see the wrapped functions too.
  syncBuiltinESMExports();
}
