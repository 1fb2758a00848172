import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../src/upstreams/retry-after.js';

const NOW = Date.parse('2025-03-01T12:00:00Z');

describe('parseRetryAfter', () => {
  it.each([
    { header: '0', expected: 0 },
    { header: '1', expected: 1_000 },
    { header: ' 120 ', expected: 120_000 },
    { header: ['2', '9'], expected: 2_000 },
    { header: 'Sat, 01 Mar 2025 12:00:05 GMT', expected: 5_000 },
    { header: 'Saturday, 01-Mar-25 12:00:07 GMT', expected: 7_000 },
    { header: 'Sat Mar  1 12:00:09 2025', expected: 9_000 },
    { header: 'Sat, 01 Mar 2025 11:59:00 GMT', expected: 0 },
    // An absurd wait is capped at a day, so it still fits retryAfterSeconds (an Int).
    { header: '99999999999999999999', expected: 86_400_000 },
    { header: 'Fri, 31 Dec 9999 23:59:59 GMT', expected: 86_400_000 },
    { header: undefined, expected: null },
    { header: '', expected: null },
    { header: '-5', expected: null },
    { header: '1.5', expected: null },
    { header: 'soon', expected: null },
    { header: '2025-03-01', expected: null },
  ])('$header → $expected', ({ header, expected }) => {
    expect(parseRetryAfter(header, NOW)).toBe(expected);
  });
});
