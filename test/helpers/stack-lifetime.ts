import { afterAll, beforeAll, onTestFinished } from 'vitest';
import { startTestStack, type TestStack } from './app.js';

/**
 * One test stack for the tests of the enclosing describe: started before its
 * first test, closed after its last. The handle is empty until then, so read
 * it only inside tests and hooks.
 */
export function testStackForDescribe(...args: Parameters<typeof startTestStack>): TestStack {
  const handle = {} as TestStack;
  let started: TestStack | undefined;
  beforeAll(async () => {
    started = await startTestStack(...args);
    Object.assign(handle, started);
  });
  afterAll(() => started?.close());
  return handle;
}

/** A test stack of its own for the test that starts it, closed when that test finishes. */
export async function startTestStackForTest(
  ...args: Parameters<typeof startTestStack>
): Promise<TestStack> {
  const stack = await startTestStack(...args);
  onTestFinished(() => stack.close());
  return stack;
}
