import { invalidField } from '../errors.js';
import { maskEmail, maskMsisdn } from '../observability/logger.js';

export type DeliveryMethod = 'SMS' | 'EMAIL';

const SMS_DESTINATION = /^\d{8,15}$/;
// Deliberately plain: Px decides deliverability; this only refuses what cannot be an address.
const EMAIL_DESTINATION = /^[^\s@<>(),;:"[\]]+@[^\s@<>(),;:"[\]]+\.[A-Za-z]{2,}$/;
const MAX_EMAIL_LENGTH = 254;

/** Refuses a destination that cannot be one for its method, before Px is called. */
export function checkDestination(
  method: DeliveryMethod,
  destination: string,
  transactionId: string,
): void {
  const valid =
    method === 'SMS'
      ? SMS_DESTINATION.test(destination)
      : destination.length <= MAX_EMAIL_LENGTH && EMAIL_DESTINATION.test(destination);
  if (valid) return;
  throw invalidField(
    'destination',
    method === 'SMS'
      ? 'An SMS destination must be a mobile number of 8 to 15 digits.'
      : 'An EMAIL destination must be an email address.',
    { transactionId },
  );
}

/** For display: ***5678 or j***@example.com. */
export function maskDestination(method: DeliveryMethod, destination: string): string {
  return method === 'SMS' ? maskMsisdn(destination) : maskEmail(destination);
}
