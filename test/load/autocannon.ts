import { createRequire } from 'node:module';

/**
 * The part of autocannon's API the load suite drives: a sequence of requests
 * per connection, each built from the connection's context and each answer
 * read back into it. The package ships no types; this is what it documents.
 */
export interface SequencedRequest<Context> {
  method?: 'GET' | 'POST';
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (request: { body?: string }, context: Context) => { body?: string };
  onResponse?: (status: number, body: string, context: Context) => void;
}

export interface LoadOptions<Context> {
  url: string;
  connections: number;
  duration: number;
  method?: 'POST';
  headers?: Record<string, string>;
  timeout?: number;
  requests: SequencedRequest<Context>[];
}

export interface LoadResult {
  requests: { total: number; average: number };
  latency: { p50: number; p99: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodeStats: Record<string, { count: number }>;
}

const load = createRequire(import.meta.url);

export const runAutocannon = load('autocannon') as <Context>(
  options: LoadOptions<Context>,
) => Promise<LoadResult>;
