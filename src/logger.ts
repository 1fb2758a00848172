import type { FastifyBaseLogger } from 'fastify';
import { pino, type DestinationStream } from 'pino';

/** The logger every module takes: pino's, as Fastify hands it to each request (with its correlation id bound). */
export type Logger = FastifyBaseLogger;

/**
 * Paths pino censors wherever they appear one or two levels down. The code
 * never logs these on purpose; redaction is the net under a mistake.
 */
const REDACTED_PATHS = [
  'authorization',
  'password',
  'secret',
  'clientSecret',
  'client_secret',
  'accessToken',
  'access_token',
  'paymentToken',
  'routerSecret',
  'msisdn',
  'destination',
  'email',
].flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);

const REDACTED_HEADERS = [
  'req.headers.authorization',
  'req.headers["router-authorization"]',
  'req.headers.client_secret',
  'req.headers.cookie',
];

export function createLogger(level: string, destination?: DestinationStream): pino.Logger {
  return pino(
    {
      level,
      base: { service: 'ordering-subgraph' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: [...REDACTED_PATHS, ...REDACTED_HEADERS], censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

/** `16654555678` → `***5678`: enough to tell lines apart in a log, not enough to dial. */
export function maskMsisdn(msisdn: string): string {
  return `***${msisdn.slice(-4)}`;
}

/** `jane@example.com` → `j***@example.com`. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email[0] ?? ''}***${email.slice(at)}`;
}
