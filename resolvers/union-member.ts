import { isTypedErrorResult, type TypedErrorResult } from '../src/errors.js';

type Typename = TypedErrorResult['__typename'];

/**
 * A result union's answer from an outcome: the record as the union's success
 * member, or the typed error narrowed to the members the union admits. An
 * error the union cannot carry is a bug (an upstream table out of step with
 * the schema), so it becomes a masked GraphQL error instead of a wrong answer.
 */
export function unionResult<Record extends object, Member, const Allowed extends Typename>(
  outcome: Record | TypedErrorResult,
  allowed: readonly Allowed[],
  asMember: (record: Record) => Member,
): Member | Extract<TypedErrorResult, { __typename: Allowed }> {
  if (!isTypedErrorResult(outcome)) return asMember(outcome);
  if ((allowed as readonly Typename[]).includes(outcome.__typename)) {
    return outcome as Extract<TypedErrorResult, { __typename: Allowed }>;
  }
  throw new Error(`${outcome.__typename} is not a member of this result union`);
}
