import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * How long and how much of a refused request's body is still read, and
 * thrown away, after its answer. Enough for a client that writes its whole
 * body before it reads (most do, routers included; a 5 MB body on a LAN
 * takes milliseconds); bounded, so an unauthenticated sender cannot keep the
 * connection, or this process, busy.
 */
export const LINGER_MS = 2_000;
export const LINGER_MAX_BYTES = 8 * 1024 * 1024;

/**
 * Call before writing an answer that does not read the rest of its request
 * (a 401, a 413, any refusal): when the body has not all arrived, the answer
 * says `Connection: close` and the connection ends in a lingering close, as
 * nginx's does. The answer goes out followed by a FIN; what still arrives is
 * read and discarded until the client closes its side, or for `LINGER_MS`,
 * or up to `LINGER_MAX_BYTES`, whichever comes first; then the socket is
 * destroyed. Closing at once with unread data would make the kernel reset
 * the connection, and a client still writing would never read its status.
 * A request that has fully arrived keeps its connection.
 */
export function closeAfterAnswer(request: IncomingMessage, response: ServerResponse): void {
  if (request.complete || response.headersSent) return;
  response.setHeader('connection', 'close');
  const socket = request.socket;
  const destroy = () => socket.destroy();
  const timer = setTimeout(destroy, LINGER_MS);
  socket.once('close', () => clearTimeout(timer));

  let discarded = 0;
  request.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > LINGER_MAX_BYTES) destroy();
  });
  request.resume();

  // node:http ends a `Connection: close` answer with socket.destroySoon():
  // a FIN, then a close as soon as it is out, with the body still unread.
  // For this one socket it ends the writing side only; the client's FIN,
  // or a bound above, ends the rest.
  socket.destroySoon = () => {
    socket.once('end', destroy);
    socket.end();
  };
}
