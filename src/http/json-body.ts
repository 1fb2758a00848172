import type { IncomingMessage } from 'node:http';
import contentType from 'content-type';
import getRawBody from 'raw-body';
import secureJson from 'secure-json-parse';
import { HttpError } from './http-error.js';

/**
 * The body of a POST when it says it is JSON, parsed; `undefined` when it
 * says it is anything else (Apollo Server then refuses it: a CSRF "simple
 * request", or a body it cannot read) and it is never read.
 *
 * raw-body refuses a declared length over the limit before reading a byte and
 * stops reading a chunked body at the limit. secure-json-parse refuses
 * `__proto__` and `constructor.prototype` keys, which a later merge could turn
 * into prototype pollution.
 */
export async function readJsonBody(request: IncomingMessage, limitBytes: number): Promise<unknown> {
  const charset = jsonCharset(request);
  if (charset === undefined) return undefined;
  let text: string;
  try {
    text = await getRawBody(request, {
      length: request.headers['content-length'],
      limit: limitBytes,
      encoding: charset,
    });
  } catch (error) {
    throw bodyError(error);
  }
  try {
    return secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch {
    throw new HttpError(400, 'The body is not valid JSON.');
  }
}

/** The charset of an `application/json` body (UTF-8 unless it says otherwise), else undefined. */
function jsonCharset(request: IncomingMessage): string | undefined {
  if (request.headers['content-type'] === undefined) return undefined;
  try {
    const parsed = contentType.parse(request);
    return parsed.type === 'application/json'
      ? (parsed.parameters['charset'] ?? 'utf-8')
      : undefined;
  } catch {
    return undefined;
  }
}

/** raw-body's errors carry the status they mean (413, 415, 400); anything else is a broken request. */
function bodyError(error: unknown): HttpError {
  const status =
    typeof error === 'object' && error !== null && 'status' in error ? Number(error.status) : 400;
  // The rest of an oversized body is never parsed: the connection ends in a lingering close.
  if (status === 413) return new HttpError(413, 'The body is over the size limit.');
  if (status === 415)
    return new HttpError(415, 'The body is in a charset this server does not read.');
  return new HttpError(400, 'The body could not be read.');
}
