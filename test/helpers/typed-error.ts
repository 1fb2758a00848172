import { expect } from 'vitest';
import { TypedError, type TypedErrorResult } from '../../src/errors.js';

/** The TypedError `work` fails with; the test fails if it succeeds or throws anything else. */
export async function typedErrorOf(work: Promise<unknown>): Promise<TypedError> {
  const error: unknown = await work.then(
    () => new Error('expected a typed error'),
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(TypedError);
  return error as TypedError;
}

/** What the TypedError `work` fails with answers a client. */
export async function typedResultOf(work: Promise<unknown>): Promise<TypedErrorResult> {
  return (await typedErrorOf(work)).result;
}
