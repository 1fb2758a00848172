/**
 * Reads an HTTP `Retry-After` header (RFC 9110 §10.2.3), which is either a
 * number of seconds or an HTTP date. Both upstreams honour it through this one
 * parser so they agree on what a header means.
 *
 * Returns how long to wait in milliseconds (0 for a date already past, at
 * most a day), or null when there is no header or it is neither form: an
 * unreadable header means "back off as usual", never "wait forever". The cap
 * keeps an absurd header from becoming a wait that no GraphQL Int can carry.
 */
export const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

export function parseRetryAfter(
  header: string | readonly string[] | undefined,
  now: number,
): number | null {
  const value = (typeof header === 'string' ? header : header?.[0])?.trim();
  if (value === undefined || value === '') return null;
  if (/^\d+$/.test(value)) return Math.min(Number(value) * 1000, MAX_RETRY_AFTER_MS);
  // Date.parse also takes forms HTTP never sends ("2024-01-01"); requiring a
  // weekday or month name keeps it to the three HTTP-date formats.
  if (!/[A-Za-z]{3}/.test(value)) return null;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return null;
  return Math.min(Math.max(0, at - now), MAX_RETRY_AFTER_MS);
}
