import { describe, expect, it } from 'vitest';
import { formatAmount } from '../../resolvers/money.js';

describe('formatAmount', () => {
  it.each([
    { value: 0, currency: 'USD', expected: '0.00' },
    { value: 15, currency: 'USD', expected: '15.00' },
    { value: 7.99, currency: 'USD', expected: '7.99' },
    { value: 9.5, currency: 'usd', expected: '9.50' },
    { value: 1500, currency: 'JMD', expected: '1500.00' },
    { value: 500, currency: 'JPY', expected: '500' },
    { value: 1.234, currency: 'BHD', expected: '1.234' },
    { value: 12, currency: 'XYZ', expected: '12.00' },
    { value: 12, currency: 'not a currency', expected: '12.00' },
    { value: 12, currency: '', expected: '12.00' },
    { value: -3.5, currency: 'USD', expected: '-3.50' },
  ])('$value $currency → $expected', ({ value, currency, expected }) => {
    expect(formatAmount(value, currency)).toBe(expected);
  });

  it('answers the same on a second call (cached per currency)', () => {
    expect(formatAmount(500, 'JPY')).toBe(formatAmount(500, 'jpy'));
  });
});
