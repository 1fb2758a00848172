import Type from 'typebox';
import { Compile } from 'typebox/compile';
import type { UpstreamCredentials } from '../credentials.js';
import { upstreamUnavailable } from '../../errors.js';
import type { Metrics } from '../../observability/metrics.js';
import type { CallContext } from '../call-context.js';
import { UpstreamNetworkError, type UpstreamHttp, type UpstreamResponse } from '../http.js';

/**
 * Px's OAuth2 access token (client credentials), one for the whole process:
 * fetched once per lifetime, single-flight under concurrency, refreshed a
 * little before it expires. The token and the secret never reach a log line
 * or an error message; failures say only that Px is unavailable.
 */
export interface TokenManager {
  getToken(call: CallContext): Promise<string>;
  /** Drops `token` if it is still the current one, so concurrent 401s cause one refresh. */
  invalidate(token: string): void;
}

export interface TokenManagerOptions {
  tokenUrl: string;
  credentials: UpstreamCredentials;
  http: UpstreamHttp;
  /** Timeout of one grant request. */
  timeoutMs: number;
  metrics: Metrics;
  /** Refresh when less than this remains of the token's life. */
  refreshSkewSeconds?: number;
  /** The lifetime assumed when the answer gives none that can be read. */
  defaultLifetimeSeconds?: number;
  /** How long a token is used at least, whatever lifetime it came with; a 401 still drops it sooner. */
  minReuseSeconds?: number;
  now?: () => number;
}

const ROUTE = 'oauthToken';

// The field names are OAuth2's (RFC 6749 §5.1), not Px's, so they live here.
// expires_in is only RECOMMENDED there, and some servers send it as a string:
// `lifetimeSeconds` reads what it can and assumes the rest.
const TokenResponseSchema = Type.Object({
  access_token: Type.String({ minLength: 1 }),
  token_type: Type.String({ pattern: '^[Bb][Ee][Aa][Rr][Ee][Rr]$' }),
  expires_in: Type.Optional(Type.Unknown()),
});
const validTokenResponse = Compile(TokenResponseSchema);

interface Token {
  value: string;
  /** Epoch ms after which it is refreshed before use. */
  refreshAt: number;
}

export function createTokenManager(options: TokenManagerOptions): TokenManager {
  const {
    refreshSkewSeconds = 30,
    defaultLifetimeSeconds = 300,
    minReuseSeconds = 5,
    now = Date.now,
  } = options;
  const authorization = `Basic ${Buffer.from(
    `${options.credentials.clientId}:${options.credentials.clientSecret}`,
  ).toString('base64')}`;
  let current: Token | null = null;
  let pending: Promise<Token> | null = null;

  async function grant(call: CallContext): Promise<Token> {
    const requestedAt = now();
    let response: UpstreamResponse;
    try {
      response = await options.http.send({
        method: 'POST',
        url: options.tokenUrl,
        route: ROUTE,
        headers: {
          authorization,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
          'X-Correlation-ID': call.correlationId,
        },
        body: new URLSearchParams({ grant_type: 'client_credentials' }).toString(),
        timeoutMs: options.timeoutMs,
      });
    } catch (error) {
      if (!(error instanceof UpstreamNetworkError)) throw error;
      logGrant(call, requestedAt, error.kind);
      throw upstreamUnavailable('PX');
    }
    logGrant(call, requestedAt, response.status);
    if (response.status !== 200) {
      throw upstreamUnavailable('PX', { upstreamCode: String(response.status) });
    }
    const body = parseTokenBody(response.body);
    options.metrics.tokenGrants.inc();
    const lifetimeMs = (lifetimeSeconds(body.expires_in) ?? defaultLifetimeSeconds) * 1000;
    // A lifetime shorter than twice the skew would make every token stale on
    // arrival; refreshing at half-life then still gets one grant per lifetime.
    const skewMs = Math.min(refreshSkewSeconds * 1000, lifetimeMs / 2);
    // Counted from when the grant was asked for, so the slack covers the round
    // trip; never sooner than the minimum reuse, so a token endpoint that
    // answers `expires_in: 0.001` does not cost a grant per call.
    const usableMs = Math.max(lifetimeMs - skewMs, minReuseSeconds * 1000);
    return { value: body.access_token, refreshAt: requestedAt + usableMs };
  }

  function logGrant(call: CallContext, startedAt: number, outcome: number | string): void {
    call.logger.debug(
      {
        upstream: 'PX',
        route: ROUTE,
        outcome,
        durationMs: now() - startedAt,
        correlationId: call.correlationId,
      },
      'px token grant',
    );
  }

  function fetchShared(call: CallContext): Promise<Token> {
    if (pending) return pending;
    const inFlight = grant(call).then((token) => {
      current = token;
      return token;
    });
    pending = inFlight;
    // Cleared either way, so a failed grant fails its waiters and the next call tries again.
    const clear = (): void => {
      if (pending === inFlight) pending = null;
    };
    inFlight.then(clear, clear);
    return inFlight;
  }

  return {
    async getToken(call) {
      if (current && now() < current.refreshAt) return current.value;
      const token = await waitUntil(fetchShared(call), call.deadline);
      return token.value;
    },
    invalidate(token) {
      if (current?.value === token) current = null;
    },
  };
}

/** A 200 that is not a usable bearer token is Px failing; its text is not repeated. */
function parseTokenBody(text: string): Type.Static<typeof TokenResponseSchema> {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw upstreamUnavailable('PX', { upstreamCode: '200' });
  }
  if (!validTokenResponse.Check(body)) throw upstreamUnavailable('PX', { upstreamCode: '200' });
  return body;
}

/** `expires_in` as a number of seconds (a JSON number or a numeric string), or null when it says none. */
function lifetimeSeconds(expiresIn: unknown): number | null {
  const seconds =
    typeof expiresIn === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(expiresIn)
      ? Number(expiresIn)
      : expiresIn;
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0 ? seconds : null;
}

/**
 * A caller whose request runs out of time stops waiting; the grant goes on
 * for the others, since it is shared and no one caller owns it. The timer
 * exists only while a grant is awaited, which is once per token lifetime.
 */
function waitUntil<T>(work: Promise<T>, deadline: number): Promise<T> {
  const timeLeft = deadline - Date.now();
  if (timeLeft <= 0) return Promise.reject(upstreamUnavailable('PX'));
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(upstreamUnavailable('PX'));
    }, timeLeft);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : upstreamUnavailable('PX'));
      },
    );
  });
}
