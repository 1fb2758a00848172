import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/process/config.js';
import { thrownBy } from '../helpers/thrown.js';

const REAL_DXP = {
  DXP_BASE_URL: 'https://dxp.example',
  DXP_CLIENT_ID: 'id',
  DXP_CLIENT_SECRET: 'hunter2-secret',
};

const REAL_PX = {
  PX_BASE_URL: 'https://px.example',
  PX_TOKEN_URL: 'https://px.example/oauth/token',
  PX_CLIENT_ID: 'px-id',
  PX_CLIENT_SECRET: 'px-secret',
};
const PRODUCTION_SECRET = { NODE_ENV: 'production', ROUTER_SECRET: 'a-router-secret-of-24-ch' };

describe('loadConfig', () => {
  it('defaults to the embedded sandboxes on 127.0.0.1:4001 in development', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 4001,
      host: '127.0.0.1',
      nodeEnv: 'development',
      isProduction: false,
      dxp: {
        baseUrl: null,
        credentials: null,
        timeoutMs: 3000,
        businessUnits: ['PR', 'JM', 'TT', 'BB', 'PA'],
      },
      px: { baseUrl: null, tokenUrl: null, credentials: null, timeoutMs: 15000 },
      addonsCacheTtlSeconds: 60,
      journalRetentionHours: 72,
      executor: 'jit',
      jitCompileAfter: 1,
      upstreamMaxBodyBytes: 1048576,
      breaker: { failureRate: 0.5, windowSeconds: 30, minCalls: 20, halfOpenSeconds: 10 },
      bulkhead: { limit: 128, queue: 1024 },
      redisUrl: null,
      redisTimeoutMs: 500,
      httpRequestTimeoutMs: 10000,
      routerSecret: null,
      corsOrigins: [],
    });
    expect(config.limits.maxRepresentations).toBe(500);
  });

  it('reads real upstreams with their credentials', () => {
    const config = loadConfig({
      ...REAL_DXP,
      PX_BASE_URL: 'https://px.example/api/',
      PX_TOKEN_URL: 'https://px.example/oauth/token',
      PX_CLIENT_ID: 'px-id',
      PX_CLIENT_SECRET: 'px-secret',
      NODE_ENV: 'production',
      ROUTER_SECRET: 'a-router-secret-of-24-ch',
      ADDONS_CACHE_TTL_S: '0',
    });
    expect(config.dxp).toMatchObject({
      baseUrl: 'https://dxp.example',
      credentials: { clientId: 'id' },
    });
    expect(config.px.baseUrl).toBe('https://px.example/api');
    expect(config.isProduction).toBe(true);
    expect(config.addonsCacheTtlSeconds).toBe(0);
  });

  it.each([
    [{ PORT: 'abc' }, /^PORT: /],
    [{ PORT: '70000' }, /^PORT: /],
    [{ HOST: '' }, /^HOST: /],
    [{ NODE_ENV: 'staging' }, /^NODE_ENV: /],
    [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL: /],
    [{ DXP_BASE_URL: 'not a url', DXP_CLIENT_ID: 'a', DXP_CLIENT_SECRET: 'b' }, /^DXP_BASE_URL: /],
    [
      { DXP_BASE_URL: 'ftp://dxp.example', DXP_CLIENT_ID: 'a', DXP_CLIENT_SECRET: 'b' },
      /^DXP_BASE_URL: /,
    ],
    [{ DXP_BASE_URL: 'https://dxp.example' }, /^DXP_CLIENT_ID: required when DXP_BASE_URL is set$/],
    [{ DXP_BASE_URL: 'https://dxp.example', DXP_CLIENT_ID: 'a' }, /^DXP_CLIENT_SECRET: required/],
    [{ DXP_CLIENT_ID: 'a' }, /^DXP_BASE_URL: required when/],
    [
      { PX_BASE_URL: 'https://px.example', PX_CLIENT_ID: 'a', PX_CLIENT_SECRET: 'b' },
      /^PX_TOKEN_URL: required/,
    ],
    [{ DXP_TIMEOUT_MS: '0' }, /^DXP_TIMEOUT_MS: /],
    [{ PX_TIMEOUT_MS: '1.5' }, /^PX_TIMEOUT_MS: /],
    [{ ADDONS_CACHE_TTL_S: '-1' }, /^ADDONS_CACHE_TTL_S: /],
    [{ UPSTREAM_MAX_BODY_BYTES: '1MB' }, /^UPSTREAM_MAX_BODY_BYTES: /],
    [{ BREAKER_THRESHOLD: '5' }, /^BREAKER_THRESHOLD: no longer read; set BREAKER_FAILURE_RATE/],
    [{ BREAKER_FAILURE_RATE: '1' }, /^BREAKER_FAILURE_RATE: /],
    [{ BREAKER_FAILURE_RATE: '0' }, /^BREAKER_FAILURE_RATE: /],
    [{ BREAKER_FAILURE_RATE: 'half' }, /^BREAKER_FAILURE_RATE: /],
    [{ BREAKER_WINDOW_S: '0' }, /^BREAKER_WINDOW_S: /],
    [{ BREAKER_MIN_CALLS: '2.5' }, /^BREAKER_MIN_CALLS: /],
    [{ DXP_BUSINESS_UNITS: 'PR,mx' }, /^DXP_BUSINESS_UNITS: /],
    [{ DXP_BUSINESS_UNITS: ' , ' }, /^DXP_BUSINESS_UNITS: /],
    [{ BULKHEAD_LIMIT: '0' }, /^BULKHEAD_LIMIT: /],
    [{ BULKHEAD_QUEUE: '-1' }, /^BULKHEAD_QUEUE: /],
    [{ REDIS_URL: 'redis server' }, /^REDIS_URL: /],
    [{ REDIS_TIMEOUT_MS: '0' }, /^REDIS_TIMEOUT_MS: /],
    [{ HTTP_REQUEST_TIMEOUT_MS: '10s' }, /^HTTP_REQUEST_TIMEOUT_MS: /],
    [{ MAX_REPRESENTATIONS: '-5' }, /^MAX_REPRESENTATIONS: /],
    [{ ROUTER_SECRET: 'short' }, /^ROUTER_SECRET: must be at least 16 characters$/],
    [{ SANDBOX: 'maybe' }, /^SANDBOX: /],
    [
      { ...PRODUCTION_SECRET, ...REAL_PX },
      /^DXP_BASE_URL: required in production; SANDBOX=true starts the embedded sandbox instead/,
    ],
    [
      { ...PRODUCTION_SECRET, ...REAL_DXP },
      /^PX_BASE_URL: required in production; SANDBOX=true starts the embedded sandbox instead/,
    ],
    [
      { NODE_ENV: 'production', ...REAL_DXP, ...REAL_PX },
      /^ROUTER_SECRET: required in production; ROUTER_SECRET=off if/,
    ],
    [{ NODE_ENV: 'production', SANDBOX: 'true' }, /^ROUTER_SECRET: required in production/],
    [{ CORS_ORIGINS: '*' }, /^CORS_ORIGINS: /],
    [{ QUERY_MAX_DEPTH: '0' }, /^QUERY_MAX_DEPTH: /],
    [{ GRAPHQL_EXECUTOR: 'fast' }, /^GRAPHQL_EXECUTOR: /],
    [{ GRAPHQL_JIT_COMPILE_AFTER: '-1' }, /^GRAPHQL_JIT_COMPILE_AFTER: /],
  ])('refuses %o with one line naming the variable', (env, expected) => {
    const error = thrownBy(() => loadConfig(env));
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toMatch(expected);
    expect(message).not.toContain('\n');
  });

  it('starts production on real upstreams with a router secret, or on the sandboxes and without one only when told to', () => {
    expect(loadConfig({ ...PRODUCTION_SECRET, ...REAL_DXP, ...REAL_PX })).toMatchObject({
      isProduction: true,
      routerSecret: PRODUCTION_SECRET.ROUTER_SECRET,
      dxp: { baseUrl: 'https://dxp.example' },
      px: { baseUrl: 'https://px.example' },
    });
    expect(loadConfig({ ...PRODUCTION_SECRET, SANDBOX: 'true' })).toMatchObject({
      isProduction: true,
      dxp: { baseUrl: null },
      px: { baseUrl: null },
    });
    expect(
      loadConfig({ NODE_ENV: 'production', ROUTER_SECRET: 'off', ...REAL_DXP, ...REAL_PX }),
    ).toMatchObject({ isProduction: true, routerSecret: null });
    // Development needs neither: npm start runs on the sandboxes with an open /graphql.
    expect(loadConfig({ ROUTER_SECRET: 'off' }).routerSecret).toBeNull();
    expect(loadConfig({ NODE_ENV: 'development' })).toMatchObject({
      routerSecret: null,
      dxp: { baseUrl: null },
    });
  });

  it('reads the breaker and the business units dxp-ux serves', () => {
    const config = loadConfig({
      BREAKER_FAILURE_RATE: '0.25',
      BREAKER_WINDOW_S: '60',
      BREAKER_MIN_CALLS: '40',
      DXP_BUSINESS_UNITS: 'PR, MX',
    });
    expect(config.breaker).toMatchObject({ failureRate: 0.25, windowSeconds: 60, minCalls: 40 });
    expect(config.dxp.businessUnits).toEqual(['PR', 'MX']);
  });

  it('never echoes a value it refuses, which may be a secret', () => {
    expect(() => loadConfig({ ...REAL_DXP, DXP_BASE_URL: 'https://hunter2-secret@@' })).toThrow(
      ConfigError,
    );
    try {
      loadConfig({ ...REAL_DXP, DXP_TIMEOUT_MS: 'hunter2-secret' });
    } catch (error) {
      expect((error as Error).message).not.toContain('hunter2');
    }
  });
});
