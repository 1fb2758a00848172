import { describe, expect, it } from 'vitest';
import { PX_SANDBOX_CREDENTIALS } from '../../src/sandbox/px/server.js';
import { startTestStack } from '../helpers/app.js';
import { auditLogLines, describeFindings } from '../helpers/log-audit.js';

const SECRETS = [{ label: 'Px client secret', value: 'px-sandbox-secret' }];

const line = (fields: Record<string, unknown>) =>
  JSON.stringify({ level: 'info', service: 'ordering-subgraph', ...fields });

describe('the log auditor', () => {
  it('passes lines that mask what they mention and carry their correlation id', () => {
    const lines = [
      line({ msg: 'Server listening at http://127.0.0.1:41234' }),
      line({ correlationId: 'c-1', path: '/graphql', status: 200, ms: 12 }),
      line({ correlationId: 'c-1', upstream: 'DXP', route: 'productOrder', line: '***5678' }),
      line({ correlationId: 'c-2', msg: 'sent to j***@example.com', orderNumber: 'PX12345678' }),
      line({ correlationId: 'a5b1c2d3-1234-4abc-8def-123456789012', status: 200, path: '/x' }),
      line({ err: { stack: 'at file:///w/node_modules/@escape.tech/graphql-armor/x.js:10:5' } }),
      line({ correlationId: 'c-3', authorization: '[redacted]', paymentToken: '[redacted]' }),
    ];
    expect(auditLogLines(lines, SECRETS)).toEqual([]);
  });

  it.each([
    { leak: 'a known secret', fields: { detail: 'basic px-sandbox-secret' }, problem: 'Px client' },
    { leak: 'a payment token', fields: { paymentToken: 'tok_visa' }, problem: 'payment token' },
    { leak: 'an email', fields: { destination: 'jane.doe@example.com' }, problem: 'email' },
    { leak: 'an msisdn', fields: { msg: 'line 16654555678 not found' }, problem: 'msisdn' },
    { leak: 'an msisdn in a field', fields: { msisdn: '17875550123' }, problem: 'msisdn' },
  ])('finds $leak', ({ fields, problem }) => {
    const findings = auditLogLines([line({ msg: 'ok' }), line(fields)], SECRETS);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.line).toBe(2);
    expect(findings[0]?.problem).toContain(problem);
  });

  it('finds a request line without its correlation id, and a line that is not JSON', () => {
    const findings = auditLogLines(
      [
        line({ path: '/graphql', status: 500 }),
        line({ upstream: 'PX', route: 'x' }),
        'oops',
        line({ level: 'error', msg: 'Unexpected error processing request: boom' }),
      ],
      SECRETS,
    );
    expect(findings.map((finding) => finding.line)).toEqual([1, 2, 3, 4]);
  });

  it('never repeats the leaked value in its report', () => {
    const findings = auditLogLines([line({ secret: 'px-sandbox-secret' })], SECRETS);
    expect(describeFindings(findings)).not.toContain('px-sandbox-secret');
  });

  it("fails a stack's close() when the app logged a Px bearer token it was granted", async () => {
    const stack = await startTestStack();
    const token = await fetch(`${stack.px.url}/oauth/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${PX_SANDBOX_CREDENTIALS.clientId}:${PX_SANDBOX_CREDENTIALS.clientSecret}`).toString('base64')}`,
      },
      body: 'grant_type=client_credentials',
    }).then((response) => response.json() as Promise<{ access_token: string }>);
    stack.app.logger.info({ note: `bearer ${token.access_token}` }, 'a careless line');
    await expect(stack.close()).rejects.toThrow(/holds a Px bearer token/);
  });
});
