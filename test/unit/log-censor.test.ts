import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { censorFields, createLogger } from '../../src/observability/logger.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger('info', stream), lines };
}

describe('log censoring', () => {
  it.each([
    ['a field', { msisdn: '16654555678' }, { msisdn: '[redacted]' }],
    [
      'a field of a field',
      { call: { paymentToken: 'tok_visa' } },
      { call: { paymentToken: '[redacted]' } },
    ],
    [
      'a field two levels down',
      { req: { headers: { authorization: 'Bearer abc' } } },
      { req: { headers: { authorization: '[redacted]' } } },
    ],
    [
      "a request's router secret and cookie",
      { req: { headers: { 'router-authorization': 'r', cookie: 'c', accept: '*/*' } } },
      {
        req: {
          headers: { 'router-authorization': '[redacted]', cookie: '[redacted]', accept: '*/*' },
        },
      },
    ],
    [
      'a field inside a list',
      { sends: [{ destination: 'jane@example.com' }] },
      { sends: [{ destination: '[redacted]' }] },
    ],
  ])('censors %s', async (_name, fields, expected) => {
    const { logger, lines } = capture();
    logger.info(fields, 'line');
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines[0]).toMatchObject(expected);
    expect(JSON.stringify(lines[0])).not.toMatch(/16654555678|tok_visa|Bearer abc|jane@/);
  });

  it("censors an error's own fields and keeps it an error for the serializer", async () => {
    const { logger, lines } = capture();
    const error = Object.assign(new Error('token refused'), { accessToken: 'abc123' });
    logger.error({ err: error }, 'failed');
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines[0]?.['err']).toMatchObject({
      type: 'Error',
      message: 'token refused',
      accessToken: '[redacted]',
    });
    expect(error.accessToken).toBe('abc123');
  });

  it('censors bindings of a child logger', async () => {
    const { logger, lines } = capture();
    logger.child({ clientSecret: 's3cret' }).info('bound');
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines[0]?.['clientSecret']).toBe('[redacted]');
  });

  it("never changes the caller's object, and passes a clean one on as it is", () => {
    const dirty = { call: { secret: 'x' }, status: 200 };
    const censored = censorFields(dirty);
    expect(censored).toEqual({ call: { secret: '[redacted]' }, status: 200 });
    expect(dirty.call.secret).toBe('x');
    const clean = { method: 'POST', path: '/graphql', status: 200 };
    expect(censorFields(clean)).toBe(clean);
  });
});

describe('log timestamps', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('stamps every line with the ISO time of its own millisecond', () => {
    const start = Date.parse('2026-12-04T23:59:59.998Z');
    vi.useFakeTimers({ now: start, toFake: ['Date'] });
    const { logger, lines } = capture();
    logger.info('first');
    logger.info('same millisecond');
    vi.setSystemTime(start + 1);
    logger.info('next millisecond');
    vi.setSystemTime(start + 2);
    logger.info('next day');
    expect(lines.map((line) => line['time'])).toEqual([
      '2026-12-04T23:59:59.998Z',
      '2026-12-04T23:59:59.998Z',
      '2026-12-04T23:59:59.999Z',
      '2026-12-05T00:00:00.000Z',
    ]);
  });
});
