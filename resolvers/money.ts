/**
 * Amounts leave this subgraph as decimal strings with the currency's own
 * minor units ("0.00" USD, "500" JPY), so a front end can show them without
 * knowing each currency's rules, and no float ever crosses the API.
 */
const DEFAULT_FRACTION_DIGITS = 2;

// Keyed by the codes upstreams actually send, so it stays as small as that set.
const fractionDigitsByCurrency = new Map<string, number>();

export function formatAmount(value: number, currency: string): string {
  return value.toFixed(fractionDigitsOf(currency));
}

function fractionDigitsOf(currency: string): number {
  const code = currency.toUpperCase();
  const known = fractionDigitsByCurrency.get(code);
  if (known !== undefined) return known;
  const digits = lookUpFractionDigits(code);
  fractionDigitsByCurrency.set(code, digits);
  return digits;
}

function lookUpFractionDigits(code: string): number {
  try {
    return (
      new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions()
        .maximumFractionDigits ?? DEFAULT_FRACTION_DIGITS
    );
  } catch {
    // Not a well-formed ISO 4217 code: show cents, the common case, rather than fail the field.
    return DEFAULT_FRACTION_DIGITS;
  }
}

const DECIMAL_STRING = /^(-?)(\d+)(?:\.(\d+))?$/;

/**
 * A decimal string (as Px sends amounts) in the currency's minor units,
 * without a trip through a float: "45" → "45.00", "7.5" → "7.50". Extra
 * non-zero digits are kept rather than rounded away: money is never altered.
 */
export function formatDecimalAmount(amount: string, currency: string): string {
  const match = DECIMAL_STRING.exec(amount.trim());
  if (!match) throw new Error(`not a decimal amount: ${JSON.stringify(amount)}`);
  const [, sign = '', whole = '0', fraction = ''] = match;
  const digits = fractionDigitsOf(currency);
  const kept = fraction.replace(/0+$/, '');
  const padded = kept.length >= digits ? kept : kept.padEnd(digits, '0');
  return padded === '' ? `${sign}${whole}` : `${sign}${whole}.${padded}`;
}
