import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { startSandboxServer, type SandboxHandle, type SandboxOptions } from '../sandbox-server.js';
import { INVALID_TOKEN, MALFORMED_REQUEST, renderPxError } from './errors.js';
import {
  createPxOrderFlow,
  type AcceptanceMethod,
  type CompleteOrderInput,
  type DeliveryMethod,
  type OrderKey,
  type Outcome,
  type PxOrderFlow,
  type RetrieveRccInput,
  type SendRccInput,
} from './state.js';

/**
 * The sandbox's OAuth2 client. Public fixtures, like a payment provider's
 * test keys: they open nothing but this in-process emulator.
 */
export const PX_SANDBOX_CREDENTIALS = {
  clientId: 'px-sandbox-client',
  clientSecret: 'px-sandbox-secret',
} as const;

export const PX_ROUTES = {
  token: 'POST /oauth/token',
  retrieveRcc: 'POST /pxRetrieveRCC',
  sendRcc: 'POST /pxSendRCC',
  getRccAcceptance: 'POST /pxGetRCCAcceptance',
  completeOrder: 'POST /pxCompleteOrder',
} as const;

export interface PxSandboxHandle extends SandboxHandle {
  /** Tokens granted so far. */
  tokenGrants(): number;
  /** Invalidates every token issued so far, so the next call gets a 401 without a code. */
  revokeTokens(): void;
  /** Orders completed successfully so far. */
  submittedOrders(): number;
  /** The partnerOrderId of each order taken, once per order: a duplicate shows twice. */
  submittedPartnerOrderIds(): string[];
  /** Every bearer token granted so far, so tests can prove none reached a log. */
  issuedTokens(): string[];
}

export type PxSandboxOptions = SandboxOptions & {
  /** Lifetime of a granted token; default 3600. */
  tokenTtlSeconds?: number;
  /** The sandbox's clock, for token expiry, prepare times and the 120-minute limit. */
  now?: () => Date;
};

export async function startPxSandbox(options: PxSandboxOptions = {}): Promise<PxSandboxHandle> {
  const { tokenTtlSeconds = 3600, now = () => new Date(), ...sandboxOptions } = options;
  const tokens = createTokenStore(tokenTtlSeconds, now);
  const flow = createPxOrderFlow({ now });

  const handle = await startSandboxServer((app) => {
    app.setErrorHandler(answerMalformed);
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      (_request, body, done) => {
        done(null, new URLSearchParams(body.toString()));
      },
    );
    app.addHook('onRequest', (request, reply, done) => {
      const correlationId = request.headers['x-correlation-id'];
      if (typeof correlationId === 'string' && correlationId !== '') {
        void reply.header('x-correlation-id', correlationId);
      }
      done();
    });
    registerTokenRoute(app, tokens);
    registerOrderRoutes(app, tokens, flow);
  }, sandboxOptions);

  return {
    ...handle,
    tokenGrants: () => tokens.grants(),
    revokeTokens: () => {
      tokens.revokeAll();
    },
    submittedOrders: () => flow.submittedOrders(),
    submittedPartnerOrderIds: () => flow.submittedPartnerOrderIds(),
    issuedTokens: () => tokens.issued(),
  };
}

interface TokenStore {
  readonly ttlSeconds: number;
  issue(): string;
  isValid(token: string): boolean;
  revokeAll(): void;
  grants(): number;
  issued(): string[];
}

function createTokenStore(ttlSeconds: number, now: () => Date): TokenStore {
  const expiries = new Map<string, number>();
  const issued: string[] = [];
  let grants = 0;
  return {
    ttlSeconds,
    issue() {
      const token = randomBytes(32).toString('base64url');
      expiries.set(token, now().getTime() + ttlSeconds * 1000);
      issued.push(token);
      grants += 1;
      return token;
    },
    isValid(token) {
      const expiresAt = expiries.get(token);
      if (expiresAt === undefined) return false;
      if (now().getTime() < expiresAt) return true;
      expiries.delete(token);
      return false;
    },
    revokeAll() {
      expiries.clear();
    },
    grants: () => grants,
    issued: () => [...issued],
  };
}

function registerOrderRoutes(app: FastifyInstance, tokens: TokenStore, flow: PxOrderFlow): void {
  const requireToken = (request: FastifyRequest, reply: FastifyReply, done: () => void): void => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    if (match?.[1] === undefined || !tokens.isValid(match[1])) {
      void reply.code(INVALID_TOKEN.status).send(INVALID_TOKEN.body);
      return;
    }
    done();
  };
  const post = <I extends OrderKey, O>(
    path: string,
    parse: (body: Record<string, unknown>) => I,
    run: (input: I) => Outcome<O>,
  ): void => {
    app.post(path, { onRequest: requireToken }, (request, reply) => {
      const input = parse(jsonObject(request.body));
      const outcome = run(input);
      if (outcome.ok) {
        void reply.code(200).send(outcome.value);
        return;
      }
      const error = renderPxError(outcome.failure, input);
      void reply.code(error.status).send(error.body);
    });
  };

  post('/pxRetrieveRCC', parseRetrieveRcc, (input) => flow.retrieveRcc(input));
  post('/pxSendRCC', parseSendRcc, (input) => flow.sendRcc(input));
  post('/pxGetRCCAcceptance', parseOrderKey, (input) => flow.getRccAcceptance(input));
  post('/pxCompleteOrder', parseCompleteOrder, (input) => flow.completeOrder(input));
}

function registerTokenRoute(app: FastifyInstance, tokens: TokenStore): void {
  app.post(
    '/oauth/token',
    {
      // OAuth2 clients expect OAuth2 error bodies from this route, even for garbage.
      errorHandler: (_error, _request, reply) => {
        void reply.code(400).header('cache-control', 'no-store').send({ error: 'invalid_request' });
      },
    },
    (request, reply) => {
      void reply.header('cache-control', 'no-store');
      if (!isSandboxClient(request.headers.authorization)) {
        void reply
          .code(401)
          .header('www-authenticate', 'Basic realm="px-sandbox"')
          .send({ error: 'invalid_client' });
        return;
      }
      const grantType =
        request.body instanceof URLSearchParams ? request.body.get('grant_type') : null;
      if (grantType !== 'client_credentials') {
        void reply
          .code(400)
          .send({ error: grantType === null ? 'invalid_request' : 'unsupported_grant_type' });
        return;
      }
      void reply.code(200).send({
        access_token: tokens.issue(),
        token_type: 'Bearer',
        expires_in: tokens.ttlSeconds,
      });
    },
  );
}

function isSandboxClient(authorization: string | undefined): boolean {
  const match = /^Basic\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (match?.[1] === undefined) return false;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return (
    colon >= 0 &&
    decoded.slice(0, colon) === PX_SANDBOX_CREDENTIALS.clientId &&
    decoded.slice(colon + 1) === PX_SANDBOX_CREDENTIALS.clientSecret
  );
}

/** A request body of the wrong shape or types; answered 400 before any Px check runs. */
class MalformedRequestError extends Error {
  override readonly name = 'MalformedRequestError';
}

/**
 * Fastify's own failures (bad JSON, unsupported media type, body too large)
 * carry Fastify's `code`; Px clients must see Px's shape instead.
 */
function answerMalformed(error: unknown, _request: FastifyRequest, reply: FastifyReply): void {
  const status = error instanceof MalformedRequestError ? 400 : statusOf(error);
  if (status === 400) {
    void reply.code(MALFORMED_REQUEST.status).send(MALFORMED_REQUEST.body);
  } else if (status > 400 && status < 500) {
    void reply.code(status).send({ code: String(status), message: 'Request refused' });
  } else {
    void reply.code(500).send({ code: '500', message: 'Sandbox failure' });
  }
}

function statusOf(error: unknown): number {
  if (typeof error !== 'object' || error === null || !('statusCode' in error)) return 500;
  return typeof error.statusCode === 'number' ? error.statusCode : 500;
}

function jsonObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new MalformedRequestError('the body must be a JSON object');
  }
  return body as Record<string, unknown>;
}

/** Absent and null read as empty, which Px answers with the field's own "Missing or Invalid" code. */
/** Px reads a missing text field as empty and answers its own code for it. */
function text(body: Record<string, unknown>, field: string): string {
  return optionalText(body, field) ?? '';
}

function optionalText(body: Record<string, unknown>, field: string): string | null {
  const value = body[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new MalformedRequestError(`${field} must be a string`);
  return value;
}

function optionalOneOf<T extends string>(
  body: Record<string, unknown>,
  field: string,
  allowed: readonly T[],
): T | null {
  const value = body[field];
  if (value === undefined || value === null) return null;
  const match = allowed.find((candidate) => candidate === value);
  if (match === undefined)
    throw new MalformedRequestError(`${field} must be one of ${allowed.join(', ')}`);
  return match;
}

function oneOf<T extends string>(
  body: Record<string, unknown>,
  field: string,
  allowed: readonly T[],
): T {
  const value = optionalOneOf(body, field, allowed);
  if (value === null) throw new MalformedRequestError(`${field} is required`);
  return value;
}

function optionalBoolean(body: Record<string, unknown>, field: string): boolean | null {
  const value = body[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'boolean') throw new MalformedRequestError(`${field} must be a boolean`);
  return value;
}

function stringList(body: Record<string, unknown>, field: string): string[] {
  const value = body[field];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((item): item is string => typeof item === 'string')) {
    throw new MalformedRequestError(`${field} must be an array of strings`);
  }
  return value;
}

const DELIVERY_METHODS: readonly DeliveryMethod[] = ['SMS', 'EMAIL'];
const ACCEPTANCE_METHODS: readonly AcceptanceMethod[] = ['VERBAL', 'EMAIL', 'SMS'];

function parseOrderKey(body: Record<string, unknown>): OrderKey {
  return {
    partnerId: text(body, 'partnerId'),
    partnerOrderId: text(body, 'partnerOrderId'),
    transactionId: text(body, 'transactionId'),
  };
}

function parseRetrieveRcc(body: Record<string, unknown>): RetrieveRccInput {
  return {
    ...parseOrderKey(body),
    salesCode: text(body, 'salesCode'),
    addressDetailId: text(body, 'addressDetailId'),
  };
}

function parseSendRcc(body: Record<string, unknown>): SendRccInput {
  const destination = text(body, 'destination');
  if (destination === '') throw new MalformedRequestError('destination is required');
  return {
    ...parseOrderKey(body),
    deliveryMethod: oneOf(body, 'deliveryMethod', DELIVERY_METHODS),
    destination,
  };
}

function parseCompleteOrder(body: Record<string, unknown>): CompleteOrderInput {
  return {
    ...parseRetrieveRcc(body),
    rccAccepted: optionalBoolean(body, 'rccAccepted'),
    acceptanceMethod: optionalOneOf(body, 'acceptanceMethod', ACCEPTANCE_METHODS),
    paymentToken: optionalText(body, 'paymentToken'),
    giftCards: stringList(body, 'giftCards'),
  };
}
