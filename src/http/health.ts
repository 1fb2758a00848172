import { connect } from 'node:net';
import type { Redis } from 'ioredis';
import type { CircuitPosition } from '../upstreams/resilience.js';

/**
 * Readiness: whether this replica can serve. Its configuration was checked
 * at start-up; what is left is Redis, when configured, answering. An
 * upstream's state is left out on purpose: every replica shares it, so
 * failing readiness on it would take them all out of rotation and turn an
 * upstream's partial outage into a total one. /health/upstreams reports it.
 */
export interface ReadinessCheck {
  name: string;
  check(): Promise<boolean>;
}

/** One upstream as /health/upstreams reports it. */
export interface UpstreamProbe {
  name: string;
  /** Its origin, which is asked for a TCP connection. */
  url: string;
  circuit(): CircuitPosition;
}

/**
 * A connect is the cheapest check that proves the network path without
 * spending a real upstream call (dxp-ux needs an msisdn, Px a token).
 */
function tcpReachable(url: string, timeoutMs = 1000): Promise<boolean> {
  const { hostname, port, protocol } = new URL(url);
  const portNumber = Number(port || (protocol === 'https:' ? 443 : 80));
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: portNumber });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Redis answers a PING in time. A connection that is not up is failing at
 * once: a PING would only wait in ioredis's offline queue.
 */
export function redisAnswers(name: string, redis: Redis, timeoutMs = 1000): ReadinessCheck {
  return {
    name,
    check: async () => {
      if (redis.status !== 'ready') return false;
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
      const answered = redis.ping().then(
        () => true,
        () => false,
      );
      try {
        return await Promise.race([answered, timedOut]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

export async function readiness(
  checks: ReadinessCheck[],
): Promise<{ ready: boolean; checks: Record<string, 'ok' | 'failing'> }> {
  const results = await Promise.all(checks.map(async (c) => [c.name, await c.check()] as const));
  return {
    ready: results.every(([, ok]) => ok),
    checks: Object.fromEntries(results.map(([name, ok]) => [name, ok ? 'ok' : 'failing'])),
  };
}

export async function upstreamsHealth(probes: UpstreamProbe[]): Promise<{
  healthy: boolean;
  upstreams: Record<string, { reachable: boolean; circuit: CircuitPosition }>;
}> {
  const results = await Promise.all(
    probes.map(
      async (probe) =>
        [
          probe.name,
          { reachable: await tcpReachable(probe.url), circuit: probe.circuit() },
        ] as const,
    ),
  );
  return {
    healthy: results.every(([, state]) => state.reachable && state.circuit === 'closed'),
    upstreams: Object.fromEntries(results),
  };
}
