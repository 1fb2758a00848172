import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { startSandboxServer, type SandboxHandle, type SandboxOptions } from '../sandbox-server.js';
import { findFixtureLine, findTrigger, isDxpBusinessId, slowLineResponseBody } from './fixtures.js';

/**
 * The sandbox's credentials. Public fixture values, like a payment provider's
 * test cards: they open this emulator and nothing else, and the README lists them.
 */
export const DXP_SANDBOX_CREDENTIALS = {
  clientId: 'dxp-sandbox-client-id',
  clientSecret: 'dxp-sandbox-client-secret',
} as const;

export const DXP_PRODUCT_ORDER_PATH = '/dxp-ux/v1/:businessId/productOrder';
export const DXP_PRODUCT_ORDER_ROUTE = 'GET /dxp-ux/v1/:businessId/productOrder';
export const DXP_SLOW_LINE_DEFAULT_DELAY_MS = 10_000;

export interface DxpSandboxOptions extends SandboxOptions {
  /** How long an msisdn ending `0999` takes to answer (default 10 000 ms). */
  slowLineDelayMs?: number;
}

/** Starts the dxp-ux emulator on loopback; see `fixtures.ts` for the lines it knows. */
export async function startDxpSandbox(options: DxpSandboxOptions = {}): Promise<SandboxHandle> {
  const slowLineDelayMs = options.slowLineDelayMs ?? DXP_SLOW_LINE_DEFAULT_DELAY_MS;
  return startSandboxServer((app) => {
    registerDxpRoutes(app, slowLineDelayMs);
  }, options);
}

type DxpErrorStatus = 400 | 401 | 403 | 404 | 429 | 500 | 502 | 503;

// Texts from the seed's error table, including its oddities (429 reuses the
// 404 texts, 500 has an empty description). The seed shows no body for 403,
// 502 and 503; those texts are ours, in the same voice.
const ERROR_TEXTS: Record<DxpErrorStatus, { message: string; description: string }> = {
  400: { message: 'The request is invalid or not properly formed.', description: 'Bad Request' },
  401: {
    message: 'The user could not be authenticated for this request.',
    description:
      'The request has not been applied because it lacks valid authentication credentials for the target resource',
  },
  403: {
    message: 'The request is understood, but it has been refused or access is not allowed.',
    description: 'Forbidden',
  },
  404: {
    message: 'The request is invalid or not properly formed.',
    description:
      'The requested operation failed because a resource associated with the request could not be found.',
  },
  429: {
    message: 'The request is invalid or not properly formed.',
    description:
      'The requested operation failed because a resource associated with the request could not be found.',
  },
  500: { message: 'The request failed due to an internal error.', description: '' },
  502: {
    message: 'Bad Gateway',
    description: 'The server received an invalid response from the backend service.',
  },
  503: {
    message: 'Service Unavailable',
    description: 'Temporary maintenance of service, try again later.',
  },
};

interface ProductOrderRoute {
  Params: { businessId: string };
  // What Fastify's query parser produces; a repeated key becomes an array.
  Querystring: Record<string, string | string[] | undefined>;
}

function registerDxpRoutes(app: FastifyInstance, slowLineDelayMs: number): void {
  // Aborted when the sandbox closes, so a slow-line answer in flight ends at once.
  const closing = new AbortController();
  app.addHook('preClose', (done) => {
    closing.abort();
    done();
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('X-Correlation-ID', correlationIdOf(request));
  });

  // The emulated resource has no request body; accepting any keeps a POST with
  // a body answering 405 like the real API, not a body-parser error.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => {
    done(null, undefined);
  });

  app.setNotFoundHandler(async (_request, reply) => sendError(reply, 404));
  app.setErrorHandler(async (error: { statusCode?: number }, _request, reply) => {
    const status = error.statusCode !== undefined && error.statusCode < 500 ? 400 : 500;
    return sendError(reply, status);
  });

  app.get<ProductOrderRoute>(DXP_PRODUCT_ORDER_PATH, async (request, reply) => {
    if (!hasSandboxCredentials(request)) return sendError(reply, 401);
    const { businessId } = request.params;
    if (!isDxpBusinessId(businessId)) return sendError(reply, 403);
    const msisdn = request.query['relatedParty.id'];
    if (
      request.query['channel.name'] !== 'Digital' ||
      typeof msisdn !== 'string' ||
      msisdn === ''
    ) {
      return sendError(reply, 400);
    }

    const trigger = findTrigger(msisdn);
    if (trigger?.kind === 'error') {
      if (trigger.retryAfter !== undefined) reply.header('Retry-After', trigger.retryAfter);
      return sendError(reply, trigger.status);
    }
    if (trigger?.kind === 'slow') {
      const waited = await waitUnlessGone(slowLineDelayMs, closing.signal, reply);
      // Nobody is left to answer: the client went away or the sandbox is closing.
      if (!waited) return reply.hijack();
      return sendJsonText(reply, slowLineResponseBody(businessId));
    }

    const line = findFixtureLine(businessId, msisdn);
    if (!line) return sendError(reply, 404);
    return sendJsonText(reply, line.responseBody);
  });

  app.route<ProductOrderRoute>({
    method: ['POST', 'PUT', 'DELETE', 'OPTIONS'],
    url: DXP_PRODUCT_ORDER_PATH,
    handler: async (request, reply) => {
      if (!hasSandboxCredentials(request)) return sendError(reply, 401);
      // APIKit names the method in lower case and the resource by its template.
      return reply
        .code(405)
        .send(
          errorBody(
            405,
            'APIKIT:METHOD_NOT_ALLOWED',
            `HTTP Method ${request.method.toLowerCase()} not allowed for : /{businessId}/productOrder`,
          ),
        );
    },
  });

  app.patch<ProductOrderRoute>(DXP_PRODUCT_ORDER_PATH, async (request, reply) => {
    if (!hasSandboxCredentials(request)) return sendError(reply, 401);
    return reply
      .code(501)
      .send(
        errorBody(
          501,
          'Not implemented',
          `Operation PATCH /productOrder for Business Id: ${request.params.businessId} not implemented`,
        ),
      );
  });
}

// Mule makes up a correlation id when the caller sends none, and echoes it.
function correlationIdOf(request: FastifyRequest): string {
  const sent = request.headers['x-correlation-id'];
  const value = Array.isArray(sent) ? sent[0] : sent;
  return value !== undefined && value !== '' ? value : randomUUID();
}

// The credentials are public fixtures, so a plain comparison is enough here.
function hasSandboxCredentials(request: FastifyRequest): boolean {
  return (
    request.headers['client_id'] === DXP_SANDBOX_CREDENTIALS.clientId &&
    request.headers['client_secret'] === DXP_SANDBOX_CREDENTIALS.clientSecret
  );
}

function errorBody(code: number, message: string, description: string) {
  return { errors: [{ code, message, description }] };
}

function sendError(reply: FastifyReply, status: DxpErrorStatus): FastifyReply {
  const { message, description } = ERROR_TEXTS[status];
  return reply.code(status).send(errorBody(status, message, description));
}

// Fixture bodies are JSON text, sent as written so amounts keep their spelling.
function sendJsonText(reply: FastifyReply, body: string): FastifyReply {
  return reply.code(200).type('application/json; charset=utf-8').send(body);
}

/**
 * Waits `ms`, or less when the sandbox closes or the client disconnects;
 * resolves whether the full wait happened. The timer is unref'd so an
 * in-flight slow answer never holds the process open by itself.
 */
async function waitUnlessGone(
  ms: number,
  closing: AbortSignal,
  reply: FastifyReply,
): Promise<boolean> {
  const clientGone = new AbortController();
  const onResponseClose = () => {
    clientGone.abort();
  };
  reply.raw.once('close', onResponseClose);
  try {
    await sleep(ms, undefined, {
      signal: AbortSignal.any([closing, clientGone.signal]),
      ref: false,
    });
    return true;
  } catch (error) {
    if (error instanceof Error && error.name === 'AbortError') return false;
    throw error;
  } finally {
    reply.raw.off('close', onResponseClose);
  }
}
