import type { ServerResponse } from 'node:http';

/** Writes a whole JSON answer in one go: headers and body leave in a single write. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const payload = JSON.stringify(body);
  response.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
  });
  response.end(payload);
}

/** A refusal in the shape GraphQL clients read: `errors[0].message` and its `extensions.code`. */
export function sendRefusal(
  response: ServerResponse,
  status: number,
  message: string,
  code: string,
  headers: Record<string, string> = {},
): void {
  sendJson(response, status, { errors: [{ message, extensions: { code } }] }, headers);
}
