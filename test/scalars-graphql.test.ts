import { describe, expect, it } from 'vitest';
import { graphql, useTestStack } from './helpers/app.js';
import { MOBILE_LINE, MOBILE_LINES, dxpCallsDuring, queryLine } from './helpers/lines.js';

/**
 * Msisdn and BusinessId through GraphQL over HTTP: a malformed value is
 * refused before execution, with a message that says what was expected, and
 * never costs a dxp-ux call. Apollo answers 400 both ways: an inline literal
 * fails validation (GRAPHQL_VALIDATION_FAILED), a variable fails coercion
 * (BAD_USER_INPUT).
 */

const MSISDN_EXPECTED = "Msisdn must be 8 to 15 digits (E.164 without '+')";
const BUSINESS_ID_EXPECTED = 'BusinessId must be two upper-case letters (ISO 3166-1 alpha-2)';

const GOOD = { businessId: 'PR', msisdn: '16654555678' };

interface BadValue {
  name: string;
  argument: 'businessId' | 'msisdn';
  value: string | number;
  expected: string;
}

const BAD_VALUES: BadValue[] = [
  { name: '7 digits', argument: 'msisdn', value: '1234567', expected: MSISDN_EXPECTED },
  { name: '16 digits', argument: 'msisdn', value: '1665455567812345', expected: MSISDN_EXPECTED },
  { name: 'letters', argument: 'msisdn', value: '1665455ABCD', expected: MSISDN_EXPECTED },
  { name: "a leading '+'", argument: 'msisdn', value: '+16654555678', expected: MSISDN_EXPECTED },
  { name: 'spaces', argument: 'msisdn', value: '1 665 455 5678', expected: MSISDN_EXPECTED },
  { name: 'a number', argument: 'msisdn', value: 16654555678, expected: MSISDN_EXPECTED },
  { name: 'lower case', argument: 'businessId', value: 'pr', expected: BUSINESS_ID_EXPECTED },
  { name: 'three letters', argument: 'businessId', value: 'PRX', expected: BUSINESS_ID_EXPECTED },
  { name: 'a digit', argument: 'businessId', value: 'P1', expected: BUSINESS_ID_EXPECTED },
  { name: 'empty', argument: 'businessId', value: '', expected: BUSINESS_ID_EXPECTED },
];

/** The operation with both arguments written in the document. */
function inlineQuery({ argument, value }: BadValue): string {
  const args = { ...GOOD, [argument]: value };
  return `{ mobileLine(businessId: ${JSON.stringify(args.businessId)}, msisdn: ${JSON.stringify(args.msisdn)}) { __typename } }`;
}

describe('Msisdn and BusinessId through GraphQL over HTTP', () => {
  const stack = useTestStack({ ADDONS_CACHE_TTL_S: '0' });

  /** The one error of the 400 that `query` gets, having cost no dxp-ux call. */
  async function soleRefusal(query: string, variables: Record<string, unknown> = {}) {
    const { result, calls } = await dxpCallsDuring(stack, () =>
      graphql(stack.graphqlUrl, query, variables),
    );
    expect(calls).toBe(0);
    expect(result.status).toBe(400);
    expect(result.body.data).toBeUndefined();
    expect(result.body.errors).toHaveLength(1);
    return result.body.errors?.[0];
  }

  it.each(BAD_VALUES)(
    'refuses $argument with $name written inline, as a validation error, without a call',
    async (bad) => {
      const error = await soleRefusal(inlineQuery(bad));
      expect(error?.extensions?.['code']).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(error?.message).toContain(bad.expected);
      if (typeof bad.value === 'number') expect(error?.message).toContain('given as a string');
    },
  );

  it.each(BAD_VALUES)(
    'refuses $argument with $name given as a variable, as a bad input, without a call',
    async (bad) => {
      const error = await soleRefusal(MOBILE_LINE, { ...GOOD, [bad.argument]: bad.value });
      expect(error?.extensions?.['code']).toBe('BAD_USER_INPUT');
      expect(error?.message).toContain(`Variable "$${bad.argument}" got invalid value`);
      expect(error?.message).toContain(bad.expected);
    },
  );

  it('refuses a mobileLines query whole when one msisdn of the list is malformed, without a call', async () => {
    const { result, calls } = await dxpCallsDuring(stack, () =>
      graphql(stack.graphqlUrl, MOBILE_LINES, {
        businessId: 'PR',
        msisdns: ['16654555678', '17875550101', '1787555010x'],
      }),
    );
    expect(calls).toBe(0);
    expect(result.status).toBe(400);
    expect(result.body.data).toBeUndefined();
    expect(result.body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(result.body.errors?.[0]?.message).toContain('at "msisdns[2]"');
    expect(result.body.errors?.[0]?.message).toContain(MSISDN_EXPECTED);
  });

  it.each([
    { name: '8 digits', msisdn: '12345678' },
    { name: '15 digits', msisdn: '123456789012345' },
  ])('accepts an msisdn of $name and asks dxp-ux once', async ({ msisdn }) => {
    const { result, calls } = await dxpCallsDuring(stack, () => queryLine(stack, 'PR', msisdn));
    expect(calls).toBe(1);
    expect(result.line).toMatchObject({ __typename: 'LineNotFoundError', msisdn });
  });
});
