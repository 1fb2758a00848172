import { pino, type DestinationStream } from 'pino';

/** The logger every module takes: pino's; each request's child has its correlation id bound. */
export type Logger = pino.Logger;

/**
 * Keys whose values are censored wherever they appear as a field, a field's
 * field or one level further down (what pino's `key`, `*.key` and `*.*.key`
 * paths would say). The code never logs these on purpose; censoring is the
 * net under a mistake.
 */
const SENSITIVE_KEYS = new Set([
  'authorization',
  'password',
  'secret',
  'clientSecret',
  'client_secret',
  'accessToken',
  'access_token',
  'paymentToken',
  'routerSecret',
  'msisdn',
  'destination',
  'email',
]);
/** Censored too inside any `headers` object (a request's, mostly). */
const SENSITIVE_HEADERS = new Set(['router-authorization', 'cookie']);
const CENSOR = '[redacted]';
/** Field, field of a field, and one more: how deep the censor looks. */
const CENSOR_DEPTH = 3;

/**
 * Censors sensitive keys copy-on-write: the caller's objects are never
 * changed, and a line with nothing to censor (almost every line) is passed on
 * as it is. pino's own `redact` with wildcard paths clones every field of
 * every line, which cost about ten times the rest of writing it.
 */
export function censorFields<T extends object>(fields: T): T {
  return (censorLevel(fields, 1, false) as T | undefined) ?? fields;
}

function censorLevel(value: object, depth: number, isHeaders: boolean): object | undefined {
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const field: unknown = (value as Record<string, unknown>)[key];
    let replacement: unknown;
    if (SENSITIVE_KEYS.has(key) || (isHeaders && SENSITIVE_HEADERS.has(key))) {
      replacement = CENSOR;
    } else if (depth < CENSOR_DEPTH && isWalkable(field)) {
      replacement = censorLevel(field, depth + 1, key === 'headers');
    }
    if (replacement === undefined) continue;
    copy ??= shallowCopy(value);
    copy[key] = replacement;
  }
  return copy;
}

function isWalkable(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value) || value instanceof Error) return true;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function shallowCopy(value: object): Record<string, unknown> {
  if (Array.isArray(value)) return [...(value as unknown[])] as unknown as Record<string, unknown>;
  // An error stays an error (prototype, message and stack), so pino's err serializer still applies.
  if (value instanceof Error) {
    return Object.create(
      Object.getPrototypeOf(value) as object,
      Object.getOwnPropertyDescriptors(value),
    ) as Record<string, unknown>;
  }
  return { ...(value as Record<string, unknown>) };
}

/**
 * pino's `isoTime` field, formatted once per millisecond: under load several
 * lines (each request's access line among them) share a millisecond, and the
 * Date and its ISO string were most of what a line's own fields cost.
 */
function isoTimeByMillisecond(): () => string {
  let formattedAt = Number.NaN;
  let field = '';
  return () => {
    const now = Date.now();
    if (now !== formattedAt) {
      formattedAt = now;
      field = `,"time":"${new Date(now).toISOString()}"`;
    }
    return field;
  };
}

export function createLogger(level: string, destination?: DestinationStream): pino.Logger {
  const logger = pino(
    {
      level,
      base: { service: 'ordering-subgraph' },
      timestamp: isoTimeByMillisecond(),
      formatters: {
        level: (label) => ({ level: label }),
        bindings: censorFields,
        log: censorFields,
      },
    },
    destination,
  );
  // pino formats a child's bindings with no formatter; children inherit this `child`.
  // Called below with the child's own `this`, as pino's prototype method expects.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const childOf = logger.child;
  logger.child = function (this: pino.Logger, bindings, options) {
    return childOf.call(this, censorFields(bindings), options);
  } as typeof childOf;
  return logger;
}

/** `16654555678` → `***5678`: enough to tell lines apart in a log, not enough to dial. */
export function maskMsisdn(msisdn: string): string {
  return `***${msisdn.slice(-4)}`;
}

/** `jane@example.com` → `j***@example.com`. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email[0] ?? ''}***${email.slice(at)}`;
}
