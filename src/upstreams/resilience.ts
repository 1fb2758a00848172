import {
  BrokenCircuitError,
  BulkheadRejectedError,
  CircuitState,
  ExponentialBackoff,
  SamplingBreaker,
  bulkhead,
  circuitBreaker,
  handleWhen,
  retry,
  wrap,
  type IBackoff,
  type IBackoffFactory,
  type IRetryBackoffContext,
} from 'cockatiel';
import { TypedError, isTypedError, upstreamUnavailable, type UpstreamName } from '../errors.js';
import type { Metrics } from '../observability/metrics.js';

/** Where the circuit breaker of an upstream stands. */
export type CircuitPosition = 'closed' | 'half-open' | 'open';

/**
 * Per-upstream resilience: a circuit breaker around every call, and, for
 * reads only, retries with jittered backoff inside the breaker, so the
 * breaker counts operations after their retries, not attempts. Innermost, a
 * bulkhead bounds the attempts in flight and waiting, so a slow upstream
 * cannot pile up calls (and memory) without end.
 *
 * The breaker opens on a failure rate over a window with a minimum number of
 * calls, so a few failing lines from one caller cannot shut an upstream off
 * for everyone. Only the upstream failing counts as a failure; every answer
 * it gave, a caller's 404 or 400 included, counts as a success.
 *
 * Retry decisions belong to the client, which knows the status, the
 * Retry-After and the time left: it marks an error retryable by raising a
 * `RetryableError`. Anything else goes straight through the retry policy.
 */
export class RetryableError extends TypedError {
  constructor(
    typed: TypedError,
    /** What the upstream asked for (Retry-After), in ms; null to back off as usual. */
    readonly retryAfterMs: number | null,
    /** The request's deadline (epoch ms): no backoff waits past it. */
    readonly deadline: number,
  ) {
    super(typed.result);
  }
}

/**
 * The longest `Retry-After` worth waiting for inside one GraphQL request;
 * beyond it the caller is better served by the error at once, with the wait
 * in `retryAfterSeconds`.
 */
export const RETRY_AFTER_CAP_MS = 5_000;

/**
 * `typed` as a client raises it after a failure the upstream's table calls
 * retryable: another attempt only when the wait asked for (if any) fits the
 * cap and the time left before `deadline`, otherwise answered at once.
 */
export function retryableWithin(
  typed: TypedError,
  retryAfterMs: number | null,
  deadline: number,
  now: number = Date.now(),
): TypedError {
  if (
    retryAfterMs !== null &&
    (retryAfterMs > RETRY_AFTER_CAP_MS || now + retryAfterMs >= deadline)
  ) {
    return typed;
  }
  return new RetryableError(typed, retryAfterMs, deadline);
}

export interface ResilienceOptions {
  /** The share of calls (0 to 1, exclusive) that must fail within the window to open the circuit. */
  breakerFailureRate: number;
  breakerWindowSeconds: number;
  /** Calls the window must hold before its failure rate opens anything. */
  breakerMinCalls: number;
  breakerHalfOpenSeconds: number;
  /** Attempts per read, the first one included. */
  maxAttempts?: number;
  /** Calls in flight to the upstream at once; more wait for a slot. */
  maxConcurrent: number;
  /** Calls that may wait for a slot; beyond them a call is refused at once. */
  maxQueued: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

export interface UpstreamResilience {
  /** A read: retried when the client says so, behind the breaker. */
  read<T>(work: () => Promise<T>): Promise<T>;
  /** A write (sendRcc, completeOrder): never retried, behind the breaker. */
  write<T>(work: () => Promise<T>): Promise<T>;
  circuit(): CircuitPosition;
}

/**
 * What the breaker counts against an upstream: it failed (5xx, timeout,
 * reset, an answer it could not deliver) or kept refusing (429 after the
 * retries). Anything else it answered was caused by the caller.
 */
function isUpstreamFailure(error: Error): boolean {
  if (!isTypedError(error)) return false;
  const kind = error.result.__typename;
  return kind === 'UpstreamUnavailableError' || kind === 'RateLimitedError';
}

/**
 * Work as the breaker sees it. A typed error caused by the caller comes back
 * as a value, so cockatiel records the call as the success it was (a thrown
 * error it does not handle is recorded as nothing in a closed circuit, and
 * would close a half-open one without resetting its window); it is thrown
 * again outside the breaker.
 */
type Answered<T> = { value: T } | { refusal: TypedError };

async function answered<T>(work: () => Promise<T>): Promise<Answered<T>> {
  try {
    return { value: await work() };
  } catch (error) {
    if (isTypedError(error) && !isUpstreamFailure(error)) return { refusal: error };
    throw error;
  }
}

function unwrap<T>(outcome: Answered<T>): T {
  if ('refusal' in outcome) throw outcome.refusal;
  return outcome.value;
}

// Isolated is held open by hand: to callers it is open.
const CIRCUIT_POSITIONS: Record<CircuitState, CircuitPosition> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Open]: 'open',
  [CircuitState.Isolated]: 'open',
};

class RetryAfterBackoff implements IBackoffFactory<IRetryBackoffContext<unknown>> {
  constructor(private readonly fallback: IBackoffFactory<unknown>) {}

  next(context: IRetryBackoffContext<unknown>): IBackoff<IRetryBackoffContext<unknown>> {
    return this.from(context, undefined);
  }

  private from(
    context: IRetryBackoffContext<unknown>,
    previous: IBackoff<unknown> | undefined,
  ): IBackoff<IRetryBackoffContext<unknown>> {
    const jittered = previous ? previous.next(undefined) : this.fallback.next(undefined);
    const retryable =
      'error' in context.result && context.result.error instanceof RetryableError
        ? context.result.error
        : null;
    const wanted = retryable?.retryAfterMs ?? jittered.duration;
    return {
      // Never past the deadline: there the next attempt finds no time left and
      // fails at once, so the caller hears of it then, not after a full backoff.
      duration: retryable ? Math.min(wanted, Math.max(0, retryable.deadline - Date.now())) : wanted,
      next: (nextContext) => this.from(nextContext, jittered),
    };
  }
}

export function createUpstreamResilience(
  upstream: UpstreamName,
  options: ResilienceOptions,
  metrics: Metrics,
): UpstreamResilience {
  const breaker = circuitBreaker(handleWhen(isUpstreamFailure), {
    halfOpenAfter: options.breakerHalfOpenSeconds * 1000,
    breaker: new SamplingBreaker({
      threshold: options.breakerFailureRate,
      duration: options.breakerWindowSeconds * 1000,
      // cockatiel takes the minimum as calls per second over the window;
      // half a call short of the count, so the count itself is enough
      // whatever the floating-point rounding.
      minimumRps: (options.breakerMinCalls - 0.5) / options.breakerWindowSeconds,
    }),
  });
  const stateValue: Record<CircuitState, number> = {
    [CircuitState.Closed]: 0,
    [CircuitState.HalfOpen]: 0.5,
    [CircuitState.Open]: 1,
    [CircuitState.Isolated]: 1,
  };
  metrics.breakerState.set({ upstream }, 0);
  breaker.onStateChange((state) => metrics.breakerState.set({ upstream }, stateValue[state]));

  const retries = retry(
    handleWhen((error) => error instanceof RetryableError),
    {
      maxAttempts: (options.maxAttempts ?? 3) - 1,
      backoff: new RetryAfterBackoff(
        new ExponentialBackoff({
          initialDelay: options.initialBackoffMs ?? 100,
          maxDelay: options.maxBackoffMs ?? 1000,
        }),
      ),
    },
  );
  // Each attempt takes a slot, so the bulkhead bounds the calls the upstream
  // has in hand; an open circuit refuses before a slot is taken.
  const slots = bulkhead(options.maxConcurrent, options.maxQueued);
  const readPolicy = wrap(retries, slots);

  async function guarded<T>(run: () => Promise<T>): Promise<T> {
    try {
      return unwrap(await breaker.execute(() => answered(run)));
    } catch (error) {
      if (error instanceof BrokenCircuitError) {
        metrics.breakerRejections.inc({ upstream });
        throw upstreamUnavailable(upstream);
      }
      // Refused before it was sent: even a write is safe to try again.
      if (error instanceof BulkheadRejectedError) {
        metrics.bulkheadRejections.inc({ upstream });
        throw upstreamUnavailable(upstream);
      }
      // A retry that ran out still answers the typed error, not its retry wrapper.
      if (error instanceof RetryableError) throw new TypedError(error.result);
      throw error;
    }
  }

  return {
    read: (work) => guarded(() => readPolicy.execute(work)),
    write: (work) => guarded(() => slots.execute(work)),
    circuit: () => CIRCUIT_POSITIONS[breaker.state],
  };
}
