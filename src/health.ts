import { connect } from 'node:net';
import type { Redis } from 'ioredis';

/**
 * Readiness: every upstream answers a TCP connection, no circuit is open and
 * Redis, when configured, answers.
 * A connect is the cheapest check that proves the network path without
 * spending a real upstream call (dxp-ux needs an msisdn, Px a token).
 */
export interface ReadinessCheck {
  name: string;
  check(): Promise<boolean>;
}

export function tcpReachable(name: string, url: string, timeoutMs = 1000): ReadinessCheck {
  const { hostname, port, protocol } = new URL(url);
  const portNumber = Number(port || (protocol === 'https:' ? 443 : 80));
  return {
    name,
    check: () =>
      new Promise((resolve) => {
        const socket = connect({ host: hostname, port: portNumber });
        const done = (ok: boolean) => {
          socket.destroy();
          resolve(ok);
        };
        socket.setTimeout(timeoutMs, () => done(false));
        socket.once('connect', () => done(true));
        socket.once('error', () => done(false));
      }),
  };
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
