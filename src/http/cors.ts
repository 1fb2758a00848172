import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from 'cors';

/**
 * CORS for the configured origins only (never `*`, never credentials), or
 * none at all when no origin is configured. Returns whether the request goes
 * on: a preflight is answered here.
 */
export function createCors(
  origins: readonly string[],
): ((request: IncomingMessage, response: ServerResponse) => boolean) | undefined {
  if (origins.length === 0) return undefined;
  const middleware = cors({ origin: [...origins], credentials: false, methods: ['GET', 'POST'] });
  return (request, response) => {
    let goesOn = false;
    // With a fixed list of origins the middleware decides synchronously: it
    // calls next() for a request, or ends the response of a preflight.
    middleware(request, response, () => {
      goesOn = true;
    });
    return goesOn;
  };
}
