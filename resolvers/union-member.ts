import type { TypedErrorResult } from '../src/errors.js';

type Typename = TypedErrorResult['__typename'];

/**
 * Narrows a typed error to the members a result union admits. An error the
 * union cannot carry is a bug (an upstream table out of step with the
 * schema), so it becomes a masked GraphQL error instead of a wrong answer.
 */
export function unionMember<const Allowed extends Typename>(
  error: TypedErrorResult,
  allowed: readonly Allowed[],
): Extract<TypedErrorResult, { __typename: Allowed }> {
  if ((allowed as readonly Typename[]).includes(error.__typename)) {
    return error as Extract<TypedErrorResult, { __typename: Allowed }>;
  }
  throw new Error(`${error.__typename} is not a member of this result union`);
}
