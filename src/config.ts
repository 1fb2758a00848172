import { bool, cleanEnv, EnvError, EnvMissingError, host, makeValidator, str, url } from 'envalid';
import type { TracingSettings } from './observability/tracing.js';

/**
 * Every environment variable the subgraph reads, parsed and validated once at
 * start-up. A bad value stops start-up with one line naming the variable; the
 * value itself is never echoed, since it may be a secret.
 */
export interface UpstreamCredentials {
  clientId: string;
  clientSecret: string;
}

export interface Config {
  port: number;
  host: string;
  nodeEnv: 'development' | 'production' | 'test';
  isProduction: boolean;
  logLevel: string;
  /** Null: start the embedded dxp-ux sandbox and use its credentials. */
  dxp: {
    baseUrl: string | null;
    credentials: UpstreamCredentials | null;
    timeoutMs: number;
    /** The business units dxp-ux serves; another is refused without a call. */
    businessUnits: string[];
  };
  /** Null: start the embedded Px sandbox and use its token URL and credentials. */
  px: {
    baseUrl: string | null;
    tokenUrl: string | null;
    credentials: UpstreamCredentials | null;
    timeoutMs: number;
  };
  /** The largest upstream body read (dxp-ux, Px, Px's token endpoint); beyond it the call is cut off. */
  upstreamMaxBodyBytes: number;
  /** How long one GraphQL request may take in all, retries included. */
  requestDeadlineMs: number;
  addonsCacheTtlSeconds: number;
  /** How long the order journal keeps a record, in hours (fractions allowed). */
  journalRetentionHours: number;
  /** Per upstream: opens when more than `failureRate` of the window's calls failed, once it holds `minCalls`. */
  breaker: {
    failureRate: number;
    windowSeconds: number;
    minCalls: number;
    halfOpenSeconds: number;
  };
  /** Per upstream: calls in flight at once (also its connection pool's size), and calls that may wait. */
  bulkhead: { limit: number; queue: number };
  redisUrl: string | null;
  /** How long one Redis command may take before it fails (the cache then misses, the journal refuses). */
  redisTimeoutMs: number;
  /** How long a request's headers and body may take to arrive. */
  httpRequestTimeoutMs: number;
  routerSecret: string | null;
  /** GRAPHQL_EXECUTOR: `jit` compiles each operation once (graphql-jit); `graphql-js` interprets it per request. */
  executor: 'jit' | 'graphql-js';
  /** GRAPHQL_JIT_COMPILE_AFTER: how many times graphql-js runs a document before `jit` compiles it. */
  jitCompileAfter: number;
  /** PARTNER_HEADER: the header naming the one partner an order-flow request may act for; null: off. */
  partnerHeader: string | null;
  corsOrigins: string[];
  /** Null unless OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT is set and OTEL_SDK_DISABLED is not true. */
  tracing: TracingSettings | null;
  limits: {
    maxDepth: number;
    maxCost: number;
    maxAliases: number;
    maxDirectives: number;
    maxTokens: number;
    /** Representations one `_entities` request may carry. */
    maxRepresentations: number;
  };
}

/** The business units the seed documents for dxp-ux. */
export const DXP_DEFAULT_BUSINESS_UNITS: readonly string[] = ['PR', 'JM', 'TT', 'BB', 'PA'];

/** 1 MiB: dozens of times the largest real answer (a line with all its add-ons). */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** 0 asks the OS for a free port (tests, the benchmark). */
const listenPort = makeValidator<number>((input) => {
  if (!/^\d+$/.test(input) || Number(input) > 65535)
    throw new EnvError('expected a port number, 0 to 65535');
  return Number(input);
});

const positiveInt = makeValidator<number>((input) => {
  if (!/^\d+$/.test(input) || Number(input) <= 0)
    throw new EnvError('expected a whole number above 0');
  return Number(input);
});

const positiveNumber = makeValidator<number>((input) => {
  if (!/^\d+(\.\d+)?$/.test(input) || Number(input) <= 0)
    throw new EnvError('expected a number above 0');
  return Number(input);
});

const nonNegativeInt = makeValidator<number>((input) => {
  if (!/^\d+$/.test(input)) throw new EnvError('expected a whole number, 0 or more');
  return Number(input);
});

/** A share strictly between 0 and 1, as cockatiel's sampling breaker takes it. */
const rate = makeValidator<number>((input) => {
  const value = Number(input);
  if (!/^\d*\.?\d+$/.test(input) || value <= 0 || value >= 1)
    throw new EnvError('expected a number between 0 and 1, e.g. 0.5');
  return value;
});

/** An HTTP header name (RFC 9110 token), lower-cased as Node reports it. */
const headerName = makeValidator<string>((input) => {
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(input))
    throw new EnvError('expected a header name, e.g. x-partner-id');
  return input.toLowerCase();
});

const businessUnits = makeValidator<string[]>((input) => {
  const list = input
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (list.length === 0 || !list.every((entry) => /^[A-Z]{2}$/.test(entry)))
    throw new EnvError('expected two-letter business units separated by commas, e.g. PR,JM');
  return list;
});

const origin = makeValidator<string>((input) => {
  const parsed = new URL(input);
  if (!['http:', 'https:'].includes(parsed.protocol)) throw new EnvError('expected an http(s) URL');
  return input.replace(/\/+$/, '');
});

const origins = makeValidator<string[]>((input) => {
  const list = input
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  for (const entry of list) {
    if (entry === '*') throw new EnvError('a wildcard origin is not allowed');
    new URL(entry);
  }
  return list;
});

export function loadConfig(environment: NodeJS.ProcessEnv = process.env): Config {
  const env = cleanEnv(
    environment,
    {
      PORT: listenPort({ default: 4001 }),
      HOST: host({ default: '127.0.0.1' }),
      NODE_ENV: str({ choices: ['development', 'production', 'test'], default: 'development' }),
      LOG_LEVEL: str({
        choices: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
        default: 'info',
      }),
      DXP_BASE_URL: origin({ default: undefined }),
      DXP_CLIENT_ID: str({ default: undefined }),
      DXP_CLIENT_SECRET: str({ default: undefined }),
      DXP_TIMEOUT_MS: positiveInt({ default: 3000 }),
      DXP_BUSINESS_UNITS: businessUnits({ default: [...DXP_DEFAULT_BUSINESS_UNITS] }),
      PX_BASE_URL: origin({ default: undefined }),
      PX_TOKEN_URL: url({ default: undefined }),
      PX_CLIENT_ID: str({ default: undefined }),
      PX_CLIENT_SECRET: str({ default: undefined }),
      PX_TIMEOUT_MS: positiveInt({ default: 15000 }),
      UPSTREAM_MAX_BODY_BYTES: positiveInt({ default: DEFAULT_MAX_BODY_BYTES }),
      REQUEST_DEADLINE_MS: positiveInt({ default: 25000 }),
      ADDONS_CACHE_TTL_S: nonNegativeInt({ default: 60 }),
      JOURNAL_RETENTION_H: positiveNumber({ default: 72 }),
      BREAKER_FAILURE_RATE: rate({ default: 0.5 }),
      BREAKER_WINDOW_S: positiveInt({ default: 30 }),
      BREAKER_MIN_CALLS: positiveInt({ default: 20 }),
      BREAKER_HALF_OPEN_S: positiveInt({ default: 10 }),
      BULKHEAD_LIMIT: positiveInt({ default: 128 }),
      BULKHEAD_QUEUE: nonNegativeInt({ default: 1024 }),
      REDIS_URL: url({ default: undefined }),
      REDIS_TIMEOUT_MS: positiveInt({ default: 500 }),
      HTTP_REQUEST_TIMEOUT_MS: positiveInt({ default: 10000 }),
      ROUTER_SECRET: str({ default: undefined }),
      PARTNER_HEADER: headerName({ default: undefined }),
      GRAPHQL_EXECUTOR: str({ choices: ['jit', 'graphql-js'] as const, default: 'jit' }),
      GRAPHQL_JIT_COMPILE_AFTER: nonNegativeInt({ default: 1 }),
      SANDBOX: bool({ default: false }),
      CORS_ORIGINS: origins({ default: [] }),
      QUERY_MAX_DEPTH: positiveInt({ default: 12 }),
      QUERY_MAX_COST: positiveInt({ default: 5000 }),
      QUERY_MAX_ALIASES: positiveInt({ default: 30 }),
      QUERY_MAX_DIRECTIVES: positiveInt({ default: 50 }),
      QUERY_MAX_TOKENS: positiveInt({ default: 5000 }),
      MAX_REPRESENTATIONS: positiveInt({ default: 500 }),
      OTEL_SDK_DISABLED: bool({ default: false }),
      OTEL_EXPORTER_OTLP_ENDPOINT: origin({ default: undefined }),
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: url({ default: undefined }),
      OTEL_SERVICE_NAME: str({ default: 'ordering-subgraph' }),
    },
    { reporter: throwOneLine },
  );

  const dxpCredentials = credentialsFor(
    'DXP',
    env.DXP_BASE_URL,
    env.DXP_CLIENT_ID,
    env.DXP_CLIENT_SECRET,
  );
  const pxCredentials = credentialsFor(
    'PX',
    env.PX_BASE_URL,
    env.PX_CLIENT_ID,
    env.PX_CLIENT_SECRET,
  );
  if (env.PX_BASE_URL && !env.PX_TOKEN_URL) {
    throw new ConfigError('PX_TOKEN_URL: required when PX_BASE_URL is set');
  }
  if (environment['BREAKER_THRESHOLD'] !== undefined) {
    // A breaker setting silently ignored would be worse than none.
    throw new ConfigError(
      'BREAKER_THRESHOLD: no longer read; set BREAKER_FAILURE_RATE, BREAKER_WINDOW_S and BREAKER_MIN_CALLS',
    );
  }
  const routerSecret = env.ROUTER_SECRET === ROUTER_SECRET_OFF ? null : (env.ROUTER_SECRET ?? null);
  if (routerSecret !== null && routerSecret.length < 16) {
    throw new ConfigError('ROUTER_SECRET: must be at least 16 characters');
  }

  const nodeEnv = env.NODE_ENV;
  if (nodeEnv === 'production') refuseUnsafeProduction(env);
  return {
    port: env.PORT,
    host: env.HOST,
    nodeEnv,
    isProduction: nodeEnv === 'production',
    logLevel: env.LOG_LEVEL,
    dxp: {
      baseUrl: env.DXP_BASE_URL ?? null,
      credentials: dxpCredentials,
      timeoutMs: env.DXP_TIMEOUT_MS,
      businessUnits: env.DXP_BUSINESS_UNITS,
    },
    px: {
      baseUrl: env.PX_BASE_URL ?? null,
      tokenUrl: env.PX_TOKEN_URL ?? null,
      credentials: pxCredentials,
      timeoutMs: env.PX_TIMEOUT_MS,
    },
    upstreamMaxBodyBytes: env.UPSTREAM_MAX_BODY_BYTES,
    requestDeadlineMs: env.REQUEST_DEADLINE_MS,
    addonsCacheTtlSeconds: env.ADDONS_CACHE_TTL_S,
    journalRetentionHours: env.JOURNAL_RETENTION_H,
    breaker: {
      failureRate: env.BREAKER_FAILURE_RATE,
      windowSeconds: env.BREAKER_WINDOW_S,
      minCalls: env.BREAKER_MIN_CALLS,
      halfOpenSeconds: env.BREAKER_HALF_OPEN_S,
    },
    bulkhead: { limit: env.BULKHEAD_LIMIT, queue: env.BULKHEAD_QUEUE },
    redisUrl: env.REDIS_URL ?? null,
    redisTimeoutMs: env.REDIS_TIMEOUT_MS,
    httpRequestTimeoutMs: env.HTTP_REQUEST_TIMEOUT_MS,
    routerSecret,
    partnerHeader: env.PARTNER_HEADER ?? null,
    executor: env.GRAPHQL_EXECUTOR,
    jitCompileAfter: env.GRAPHQL_JIT_COMPILE_AFTER,
    corsOrigins: env.CORS_ORIGINS,
    tracing: tracingSettings(env),
    limits: {
      maxDepth: env.QUERY_MAX_DEPTH,
      maxCost: env.QUERY_MAX_COST,
      maxAliases: env.QUERY_MAX_ALIASES,
      maxDirectives: env.QUERY_MAX_DIRECTIVES,
      maxTokens: env.QUERY_MAX_TOKENS,
      maxRepresentations: env.MAX_REPRESENTATIONS,
    },
  };
}

/**
 * The standard OTEL_* variables, as the SDK reads them: a traces endpoint
 * used as given, or the general endpoint with `/v1/traces` appended.
 */
function tracingSettings(env: {
  OTEL_SDK_DISABLED: boolean;
  OTEL_EXPORTER_OTLP_ENDPOINT?: string | undefined;
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string | undefined;
  OTEL_SERVICE_NAME: string;
}): TracingSettings | null {
  if (env.OTEL_SDK_DISABLED) return null;
  const tracesUrl =
    env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
    (env.OTEL_EXPORTER_OTLP_ENDPOINT === undefined
      ? undefined
      : `${env.OTEL_EXPORTER_OTLP_ENDPOINT}/v1/traces`);
  return tracesUrl === undefined ? null : { tracesUrl, serviceName: env.OTEL_SERVICE_NAME };
}

/** ROUTER_SECRET's value for "no secret required": the network keeps /graphql private. */
const ROUTER_SECRET_OFF = 'off';

/**
 * Production never falls back to what is only safe on a laptop: the embedded
 * sandboxes answer made-up orders, and an open /graphql takes orders from
 * anyone who can reach it. Each needs an explicit opt-out.
 */
function refuseUnsafeProduction(env: {
  DXP_BASE_URL?: string | undefined;
  PX_BASE_URL?: string | undefined;
  SANDBOX: boolean;
  ROUTER_SECRET?: string | undefined;
}): void {
  for (const name of ['DXP_BASE_URL', 'PX_BASE_URL'] as const) {
    if (env[name] === undefined && !env.SANDBOX) {
      throw new ConfigError(
        `${name}: required in production; SANDBOX=true starts the embedded sandbox instead (demos only)`,
      );
    }
  }
  if (env.ROUTER_SECRET === undefined) {
    throw new ConfigError(
      `ROUTER_SECRET: required in production; ROUTER_SECRET=${ROUTER_SECRET_OFF} if the network already keeps /graphql private`,
    );
  }
}

function credentialsFor(
  prefix: 'DXP' | 'PX',
  baseUrl: string | undefined,
  clientId: string | undefined,
  clientSecret: string | undefined,
): UpstreamCredentials | null {
  if (!baseUrl) {
    if (clientId || clientSecret) {
      throw new ConfigError(
        `${prefix}_BASE_URL: required when ${prefix}_CLIENT_ID or ${prefix}_CLIENT_SECRET is set`,
      );
    }
    return null;
  }
  if (!clientId)
    throw new ConfigError(`${prefix}_CLIENT_ID: required when ${prefix}_BASE_URL is set`);
  if (!clientSecret)
    throw new ConfigError(`${prefix}_CLIENT_SECRET: required when ${prefix}_BASE_URL is set`);
  return { clientId, clientSecret };
}

/** envalid's default reporter prints a block and exits; start-up wants one line and a throw. */
function throwOneLine({ errors }: { errors: Partial<Record<string, Error>> }): void {
  const [name, error] = Object.entries(errors)[0] ?? [];
  if (!name || !error) return;
  const reason = error instanceof EnvMissingError ? 'required' : reasonOf(error);
  throw new ConfigError(`${name}: ${reason}`);
}

function reasonOf(error: Error): string {
  // envalid's messages quote the offending value; keep only what was expected.
  const message = error.message.replace(/:?\s*"[^"]*"/g, '').trim();
  return message === '' || /invalid/i.test(message)
    ? `invalid value (${message || 'rejected'})`
    : message;
}
