import {
  TypedError,
  invalidField,
  upstreamUnavailable,
  type LineNotFoundErrorResult,
  type RateLimitedErrorResult,
} from '../../errors.js';
import type { UpstreamNetworkError } from '../http.js';
import { retryableWithin } from '../resilience.js';
import { parseRetryAfter } from '../retry-after.js';

/**
 * dxp-ux's answers other than 200, mapped to the typed errors of the public
 * API: the one table for this upstream. It is data so a test can walk every
 * row; `dxpStatusError` and `dxpNetworkError` are the only readers.
 */
export type DxpErrorOutcome =
  'LineNotFoundError' | 'InvalidFieldError' | 'RateLimitedError' | 'UpstreamUnavailableError';

export interface DxpErrorRule {
  outcome: DxpErrorOutcome;
  /** Whether another attempt of the same GET may succeed. */
  retryable: boolean;
  /** Whether the answer's `Retry-After` sets the wait before that attempt. */
  honoursRetryAfter: boolean;
  /** The input an InvalidFieldError names; the msisdn unless said otherwise. */
  field?: 'businessId';
}

const notRetried = (outcome: DxpErrorOutcome): DxpErrorRule => ({
  outcome,
  retryable: false,
  honoursRetryAfter: false,
});

export const DXP_STATUS_RULES: Readonly<Record<number, DxpErrorRule>> = {
  // The request carries only the business id (a validated scalar) and the
  // msisdn, so a request dxp-ux cannot read points at the msisdn.
  400: notRetried('InvalidFieldError'),
  // Our own credentials were refused: the agent cannot fix that, and asking
  // again with the same ones cannot help.
  401: notRetried('UpstreamUnavailableError'),
  // dxp-ux refuses a business unit it does not serve (the path's first
  // segment); most are refused before the call, against DXP_BUSINESS_UNITS.
  403: { ...notRetried('InvalidFieldError'), field: 'businessId' },
  404: notRetried('LineNotFoundError'),
  405: notRetried('UpstreamUnavailableError'),
  429: { outcome: 'RateLimitedError', retryable: true, honoursRetryAfter: true },
  500: { outcome: 'UpstreamUnavailableError', retryable: true, honoursRetryAfter: false },
  501: notRetried('UpstreamUnavailableError'),
  502: { outcome: 'UpstreamUnavailableError', retryable: true, honoursRetryAfter: false },
  503: { outcome: 'UpstreamUnavailableError', retryable: true, honoursRetryAfter: true },
  504: { outcome: 'UpstreamUnavailableError', retryable: true, honoursRetryAfter: false },
};

/** Any status the table does not name: dxp-ux answered something it does not document. */
export const DXP_OTHER_STATUS_RULE: DxpErrorRule = notRetried('UpstreamUnavailableError');

export const DXP_NETWORK_RULES: Readonly<Record<UpstreamNetworkError['kind'], DxpErrorRule>> = {
  timeout: { outcome: 'UpstreamUnavailableError', retryable: true, honoursRetryAfter: false },
  connection: { outcome: 'UpstreamUnavailableError', retryable: true, honoursRetryAfter: false },
  // The GraphQL request ran out of time: there is no time left for another attempt.
  aborted: notRetried('UpstreamUnavailableError'),
  // Another attempt would most likely read the same oversized answer.
  'too-large': notRetried('UpstreamUnavailableError'),
};

export function dxpRuleFor(status: number): DxpErrorRule {
  return DXP_STATUS_RULES[status] ?? DXP_OTHER_STATUS_RULE;
}

export interface DxpFailureContext {
  msisdn: string;
  /** The answer's `Retry-After` header, when there was an answer. */
  retryAfter?: string | string[] | undefined;
  now: number;
  /** Epoch ms by which the GraphQL request must be answered. */
  deadline: number;
}

/**
 * The typed error for a non-200 answer. It comes back as a `RetryableError`
 * when the table allows another attempt and the wait asked for fits both the
 * cap and the time left; otherwise as a plain `TypedError`, answered at once.
 */
export function dxpStatusError(status: number, context: DxpFailureContext): TypedError {
  return decide(dxpRuleFor(status), String(status), context);
}

export function dxpNetworkError(
  kind: UpstreamNetworkError['kind'],
  context: DxpFailureContext,
): TypedError {
  return decide(DXP_NETWORK_RULES[kind], null, context);
}

function decide(
  rule: DxpErrorRule,
  upstreamCode: string | null,
  context: DxpFailureContext,
): TypedError {
  const waitMs = rule.honoursRetryAfter ? parseRetryAfter(context.retryAfter, context.now) : null;
  const retryAfterSeconds = waitMs === null ? null : Math.ceil(waitMs / 1000);
  const typed = typedErrorFor(rule.outcome, {
    field: rule.field,
    upstreamCode,
    retryAfterSeconds,
    msisdn: context.msisdn,
  });
  return rule.retryable ? retryableWithin(typed, waitMs, context.deadline, context.now) : typed;
}

function typedErrorFor(
  outcome: DxpErrorOutcome,
  details: {
    field: DxpErrorRule['field'];
    upstreamCode: string | null;
    retryAfterSeconds: number | null;
    msisdn: string;
  },
): TypedError {
  switch (outcome) {
    case 'LineNotFoundError':
      return lineNotFound(details.msisdn, details.upstreamCode);
    case 'InvalidFieldError':
      if (details.field === 'businessId') return unknownBusinessUnit(details.upstreamCode);
      return invalidField('msisdn', 'dxp-ux could not read the request; check the mobile number.', {
        upstreamCode: details.upstreamCode,
      });
    case 'RateLimitedError':
      return rateLimited(details.retryAfterSeconds, details.upstreamCode);
    case 'UpstreamUnavailableError':
      return upstreamUnavailable('DXP', {
        upstreamCode: details.upstreamCode,
        retryAfterSeconds: details.retryAfterSeconds,
      });
  }
}

/** A business unit dxp-ux does not serve: the caller's input, refused before or by dxp-ux. */
export function unknownBusinessUnit(upstreamCode: string | null = null): TypedError {
  return invalidField('businessId', 'dxp-ux does not serve this business unit.', { upstreamCode });
}

// The message leaves the msisdn out: the caller has it in the `msisdn` field,
// and messages end up in logs more easily than fields do.
export function lineNotFound(
  msisdn: string,
  upstreamCode: string | null,
): TypedError<LineNotFoundErrorResult> {
  return new TypedError({
    __typename: 'LineNotFoundError',
    code: 'LINE_NOT_FOUND',
    message: 'dxp-ux has no line with this number in this business unit.',
    upstreamCode,
    transactionId: null,
    msisdn,
  });
}

function rateLimited(
  retryAfterSeconds: number | null,
  upstreamCode: string | null,
): TypedError<RateLimitedErrorResult> {
  const when = retryAfterSeconds === null ? 'later' : `in ${retryAfterSeconds} s`;
  return new TypedError({
    __typename: 'RateLimitedError',
    code: 'RATE_LIMITED',
    message: `dxp-ux is limiting requests; try again ${when}.`,
    upstreamCode,
    transactionId: null,
    retryAfterSeconds,
  });
}
