import { GraphQLError } from 'graphql';
import { ErrorCode, type QueryOrderArgs, type Upstream } from './generated/resolvers-types.js';

/**
 * The typed errors of the public API, as plain values. Upstream clients raise
 * them (wrapped in `TypedError`) from their mapping tables; resolvers return
 * `result` as a member of the field's result union. `__typename` is the
 * schema's type name, which is also how codegen checks union members.
 */
export type UpstreamName = Upstream;

interface ErrorFields<Typename extends string, Code extends ErrorCode> {
  __typename: Typename;
  code: Code;
  message: string;
  upstreamCode: string | null;
  transactionId: string | null;
}

export type InvalidFieldErrorResult = ErrorFields<'InvalidFieldError', 'INVALID_FIELD'> & {
  field: string;
};
export type TransactionMismatchErrorResult = ErrorFields<
  'TransactionMismatchError',
  'TRANSACTION_MISMATCH'
>;
export type TaxEstimateUnavailableErrorResult = ErrorFields<
  'TaxEstimateUnavailableError',
  'TAX_ESTIMATE_UNAVAILABLE'
>;
export type RccUnavailableErrorResult = ErrorFields<'RccUnavailableError', 'RCC_UNAVAILABLE'> & {
  supportPhone: string | null;
};
export type RccNotAcceptedErrorResult = ErrorFields<'RccNotAcceptedError', 'RCC_NOT_ACCEPTED'>;
export type PaymentRequiredErrorResult = ErrorFields<'PaymentRequiredError', 'PAYMENT_REQUIRED'>;
export type PaymentDeclinedErrorResult = ErrorFields<'PaymentDeclinedError', 'PAYMENT_DECLINED'>;
export type PaymentUnavailableErrorResult = ErrorFields<
  'PaymentUnavailableError',
  'PAYMENT_UNAVAILABLE'
> & { supportPhone: string | null };
export type TooManyGiftCardsErrorResult = ErrorFields<
  'TooManyGiftCardsError',
  'TOO_MANY_GIFT_CARDS'
> & { maxGiftCards: number };
export type OrderAlreadySubmittedErrorResult = ErrorFields<
  'OrderAlreadySubmittedError',
  'ORDER_ALREADY_SUBMITTED'
> & {
  /**
   * Where the earlier order can be read, as `order(...)` takes it: an error
   * names the order and the field's resolver loads it, so errors never carry
   * a store's records. Null when the journal holds nothing it can serve.
   */
  orderRef: QueryOrderArgs | null;
};
export type OrderExpiredErrorResult = ErrorFields<'OrderExpiredError', 'ORDER_EXPIRED'> & {
  expiredAt: Date | null;
};
export type LineNotFoundErrorResult = ErrorFields<'LineNotFoundError', 'LINE_NOT_FOUND'> & {
  msisdn: string;
};
export type RateLimitedErrorResult = ErrorFields<'RateLimitedError', 'RATE_LIMITED'> & {
  retryAfterSeconds: number | null;
};
export type UpstreamUnavailableErrorResult = ErrorFields<
  'UpstreamUnavailableError',
  'UPSTREAM_UNAVAILABLE'
> & { upstream: UpstreamName; retryAfterSeconds: number | null };

export type TypedErrorResult =
  | InvalidFieldErrorResult
  | TransactionMismatchErrorResult
  | TaxEstimateUnavailableErrorResult
  | RccUnavailableErrorResult
  | RccNotAcceptedErrorResult
  | PaymentRequiredErrorResult
  | PaymentDeclinedErrorResult
  | PaymentUnavailableErrorResult
  | TooManyGiftCardsErrorResult
  | OrderAlreadySubmittedErrorResult
  | OrderExpiredErrorResult
  | LineNotFoundErrorResult
  | RateLimitedErrorResult
  | UpstreamUnavailableErrorResult;

/** An expected failure carrying the union member to answer with. */
export class TypedError<R extends TypedErrorResult = TypedErrorResult> extends Error {
  override readonly name = 'TypedError';
  constructor(readonly result: R) {
    super(result.message);
  }
}

/** A typed error as it is thrown (or as a loader answers it for one key). */
export function isTypedError(error: unknown): error is TypedError {
  return error instanceof TypedError;
}

const ERROR_CODES: ReadonlySet<string> = new Set(Object.values(ErrorCode));

/**
 * A typed error as it is answered: an outcome that is either a record or a
 * union member. Only the members carry a schema ErrorCode, so the code tells.
 */
export function isTypedErrorResult(value: object): value is TypedErrorResult {
  return 'code' in value && typeof value.code === 'string' && ERROR_CODES.has(value.code);
}

/**
 * A typed error where the schema has no union to carry it (an entity
 * reference, a nullable field): a GraphQL error with the member's fields as
 * extensions, so the client can still tell it apart by its code.
 */
export function typedErrorAsGraphQLError(result: TypedErrorResult): GraphQLError {
  const { __typename: _typename, message, ...details } = result;
  return new GraphQLError(message, { extensions: details });
}

/** Answers a typed error as its union member; anything else is a bug and goes on up. */
export async function resultOrTypedError<T>(work: () => Promise<T>): Promise<T | TypedErrorResult> {
  try {
    return await work();
  } catch (error) {
    if (isTypedError(error)) return error.result;
    throw error;
  }
}

export function upstreamUnavailable(
  upstream: UpstreamName,
  details: {
    upstreamCode?: string | null;
    retryAfterSeconds?: number | null;
    transactionId?: string | null;
  } = {},
): TypedError<UpstreamUnavailableErrorResult> {
  const name = upstream === 'PX' ? 'Px' : 'dxp-ux';
  return new TypedError({
    __typename: 'UpstreamUnavailableError',
    code: 'UPSTREAM_UNAVAILABLE',
    message: `${name} is unavailable; try again later.`,
    upstreamCode: details.upstreamCode ?? null,
    transactionId: details.transactionId ?? null,
    upstream,
    retryAfterSeconds: details.retryAfterSeconds ?? null,
  });
}

export function invalidField(
  field: string,
  message: string,
  details: { upstreamCode?: string | null; transactionId?: string | null } = {},
): TypedError<InvalidFieldErrorResult> {
  return new TypedError({
    __typename: 'InvalidFieldError',
    code: 'INVALID_FIELD',
    message,
    upstreamCode: details.upstreamCode ?? null,
    transactionId: details.transactionId ?? null,
    field,
  });
}

/**
 * A dependency of this replica itself (the journal's Redis) failed or ran out
 * of time. It is a system error, not a member of any result union: the client
 * gets a GraphQL error coded SERVICE_UNAVAILABLE with the correlation id, and
 * may retry.
 */
export class ServiceUnavailableError extends GraphQLError {
  constructor(what: string, options: { cause?: unknown } = {}) {
    super(`${what} is unavailable; try again shortly.`, {
      extensions: { code: 'SERVICE_UNAVAILABLE' },
      originalError: options.cause instanceof Error ? options.cause : undefined,
    });
  }
}
