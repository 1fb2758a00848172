import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { ApolloServerPluginInlineTrace } from '@apollo/server/plugin/inlineTrace';

/** How a router asks a subgraph for a federated trace (ftv1) in its answer's extensions. */
export const INLINE_TRACE_HEADER = 'apollo-federation-include-trace';

/**
 * Apollo Server's inline trace plugin, asked only by requests that want a
 * trace. Apollo Server installs the stock plugin in every subgraph, and it
 * builds a trace tree (protobuf objects, a map, an error masker) for every
 * request before it looks at the header; a router that does not ask (most
 * requests) costs nothing here. Installing it by hand keeps Apollo Server
 * from adding its own.
 */
export function inlineTracePlugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  const inline = ApolloServerPluginInlineTrace() as ApolloServerPlugin<TContext>;
  return {
    ...inline,
    async requestDidStart(context) {
      if (context.request.http?.headers.get(INLINE_TRACE_HEADER) !== 'ftv1') return undefined;
      return inline.requestDidStart?.(context);
    },
  };
}
