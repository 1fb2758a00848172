import autocannon from 'autocannon';

/**
 * autocannon's request sequence with the connection's context typed: the
 * published types give it as `object`, and every step of the order flow reads
 * and writes the same cycle. Everything else is autocannon's own types.
 */
export interface SequencedRequest<Context> {
  method?: 'GET' | 'POST';
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (request: { body?: string }, context: Context) => { body?: string };
  onResponse?: (status: number, body: string, context: Context) => void;
}

export type LoadOptions<Context> = Omit<autocannon.Options, 'requests'> & {
  requests: SequencedRequest<Context>[];
};

export type LoadResult = autocannon.Result;

export const runAutocannon = <Context>(options: LoadOptions<Context>): Promise<LoadResult> =>
  // The sequence differs from the published types only in its context's type.
  autocannon(options as autocannon.Options);
