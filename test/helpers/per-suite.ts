import { afterAll, assert, beforeAll } from 'vitest';

/**
 * What `start` gives, for the tests of the enclosing `describe`: started
 * before its first test and closed after its last. The handle reads through to
 * it, so a suite takes it once at collection and uses it in tests and hooks.
 */
export function usePerSuite<T extends { close(): Promise<void> }>(
  what: string,
  start: () => Promise<T>,
): T {
  let started: T | undefined;
  beforeAll(async () => {
    started = await start();
  });
  afterAll(() => started?.close());
  return new Proxy({} as T, {
    get(_target, key) {
      assert(started, `${what} starts in beforeAll`);
      const value: unknown = Reflect.get(started, key);
      return typeof value === 'function'
        ? (value as (...args: unknown[]) => unknown).bind(started)
        : value;
    },
  });
}
