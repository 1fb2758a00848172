import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  HeaderMap,
  type ApolloServer,
  type BaseContext,
  type HTTPGraphQLResponse,
} from '@apollo/server';
import { readJsonBody } from './json-body.js';
import { closeAfterAnswer } from './lingering-close.js';

export interface GraphQLEndpointOptions<TContext extends BaseContext> {
  bodyLimitBytes: number;
  /** The per-request context, built only once Apollo Server has decided to execute. */
  context: () => Promise<TContext>;
}

/**
 * Apollo Server on a bare `node:http` request: the thin integration its
 * `executeHTTPGraphQLRequest` is made for. Apollo Server does the GraphQL
 * over HTTP work (methods, CSRF prevention, content negotiation, status
 * codes); this reads the body, hands the request over and writes the answer.
 */
export async function serveGraphQL<TContext extends BaseContext>(
  apollo: ApolloServer<TContext>,
  request: IncomingMessage,
  response: ServerResponse,
  search: string,
  options: GraphQLEndpointOptions<TContext>,
): Promise<void> {
  const method = request.method ?? 'GET';
  const body = method === 'POST' ? await readJsonBody(request, options.bodyLimitBytes) : undefined;
  const answer = await apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method, headers: headerMap(request), search, body },
    context: options.context,
  });
  // Apollo Server refuses some requests without their body (one not declared JSON).
  closeAfterAnswer(request, response);
  await writeAnswer(response, answer);
}

function headerMap(request: IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

async function writeAnswer(response: ServerResponse, answer: HTTPGraphQLResponse): Promise<void> {
  response.statusCode = answer.status ?? 200;
  for (const [name, value] of answer.headers) response.setHeader(name, value);
  if (answer.body.kind === 'complete') {
    response.setHeader('content-length', Buffer.byteLength(answer.body.string));
    response.end(answer.body.string);
    return;
  }
  // Incremental delivery: each part is written as Apollo Server yields it, at the client's pace.
  await pipeline(Readable.from(answer.body.asyncIterator), response);
}
