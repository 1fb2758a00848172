import type { ApolloServerOptionsWithGateway, BaseContext } from '@apollo/server';
import {
  execute,
  GraphQLError,
  printSchema,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLFieldResolver,
  type GraphQLSchema,
  type Source,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { LRUCache } from 'lru-cache';

type GatewayInterface = ApolloServerOptionsWithGateway<BaseContext>['gateway'];
type GatewayExecutor = NonNullable<Awaited<ReturnType<GatewayInterface['load']>>['executor']>;
type GatewayRequestContext = Parameters<GatewayExecutor>[0];

/** Documents kept, compiled or counted: far more than the operations a router and its clients send. */
const COMPILED_DOCUMENTS = 1000;

/** graphql-jit could not compile the operation: graphql-js runs it and answers its errors. */
const NOT_COMPILED = Symbol('not compiled');

export interface CompiledExecutionOptions {
  /**
   * How many times graphql-js runs a document before it is compiled.
   * Compiling costs from a few hundred microseconds to tens of milliseconds,
   * many requests' worth: a document seen once (literals inlined instead of
   * variables, or a flood of distinct documents) must not pay it.
   */
  compileAfter: number;
}

/**
 * The schema as Apollo Server's gateway option takes it, executing each
 * operation with graphql-jit: compiled once per document and operation name,
 * it skips the work graphql-js repeats on every request (collecting fields,
 * looking up resolvers and types). Apollo Server still parses, validates,
 * caches documents, runs every plugin hook, formats errors and builds ftv1
 * traces around it; a subgraph schema still turns off schema and usage
 * reporting, as without a gateway.
 */
export function compiledExecution(
  schema: GraphQLSchema,
  options: CompiledExecutionOptions,
): GatewayInterface {
  const executor = createCompiledExecutor(schema, options);
  return {
    onSchemaLoadOrUpdate(callback) {
      // Apollo Server subscribes before load(); the schema never changes.
      callback({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
      return () => {};
    },
    load: () => Promise.resolve({ executor }),
    stop: () => Promise.resolve(),
  };
}

function createCompiledExecutor(
  schema: GraphQLSchema,
  { compileAfter }: CompiledExecutionOptions,
): GatewayExecutor {
  // A document's compiled query, or how many times graphql-js has run it so far.
  const compiled = new LRUCache<string, CompiledQuery | typeof NOT_COMPILED | number>({
    max: COMPILED_DOCUMENTS,
  });
  const sentinel = resolverSentinel(schema);
  let compiledWith = sentinel.resolve;

  return async (requestContext) => {
    const { document, operationName, operation, request, context } = requestContext;
    // Unresolved (unknown name, several operations and none named): graphql-js's
    // errors, which Apollo Server answers 400.
    if ((operation as GatewayRequestContext['operation'] | undefined) === undefined) {
      return executeWithGraphqlJs(schema, requestContext);
    }
    // Apollo Server wraps every field resolver in place for its plugins'
    // willResolveField (the ftv1 trace) on the first request that needs it;
    // compiled queries hold the resolvers they saw, so they go with them.
    if (sentinel.resolve !== compiledWith) {
      compiled.clear();
      compiledWith = sentinel.resolve;
    }
    const key = `${operationName ?? ''}\u0000${requestContext.queryHash}`;
    let query = compiled.get(key) ?? 0;
    if (typeof query === 'number') {
      if (query < compileAfter) {
        compiled.set(key, query + 1);
        return executeWithGraphqlJs(schema, requestContext);
      }
      query = compileOperation(schema, document, operationName);
      compiled.set(key, query);
    }
    if (query === NOT_COMPILED) return executeWithGraphqlJs(schema, requestContext);

    const result = await query.query(undefined, context, request.variables ?? {});
    // No data: the variables did not coerce, before any resolver ran.
    // graphql-jit's errors carry no AST nodes and lose a custom scalar's own
    // message; graphql-js's let Apollo Server answer BAD_USER_INPUT with 400.
    if (!('data' in result)) return executeWithGraphqlJs(schema, requestContext);
    if (result.errors === undefined) return result;
    const source = document.loc?.source;
    return { ...result, errors: result.errors.map((error) => asGraphQLError(error, source)) };
  };
}

function compileOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null,
): CompiledQuery | typeof NOT_COMPILED {
  const compiled = compileQuery(schema, document, operationName ?? undefined);
  return isCompiledQuery(compiled) ? compiled : NOT_COMPILED;
}

function executeWithGraphqlJs(
  schema: GraphQLSchema,
  { document, request, context }: GatewayRequestContext,
): Promise<ExecutionResult> {
  return Promise.resolve(
    execute({
      schema,
      document,
      contextValue: context,
      variableValues: request.variables,
      // As asked: the context's operationName is the resolved operation's, null when none resolved.
      operationName: request.operationName,
    }),
  );
}

/**
 * A field whose resolver identity tells whether Apollo Server has wrapped the
 * schema's resolvers: it wraps every field of every object type at once,
 * resolver or not.
 */
function resolverSentinel(schema: GraphQLSchema): {
  resolve?: GraphQLFieldResolver<unknown, unknown>;
} {
  const field = Object.values(schema.getQueryType()?.getFields() ?? {})[0];
  if (field === undefined) throw new Error('compiled execution needs a schema with a Query field');
  return field;
}

/**
 * graphql-jit's field errors carry their locations but no source or
 * positions, and Apollo Server rebuilds every error from those when it
 * formats it, so the answer would lose the locations graphql-js gives. Built
 * as graphql-js builds them, with the original error (which the masking and
 * its log read) and, from it, the extensions.
 */
function asGraphQLError(error: GraphQLError, source: Source | undefined): GraphQLError {
  const positions =
    source === undefined
      ? undefined
      : error.locations?.map(({ line, column }) => offsetOf(source.body, line, column));
  return new GraphQLError(error.message, {
    ...(positions === undefined ? {} : { source, positions }),
    ...(error.path === undefined ? {} : { path: error.path }),
    ...(error.originalError === undefined ? {} : { originalError: error.originalError }),
  });
}

/** The character offset of a 1-based line and column, as graphql-js's getLocation reads it back. */
function offsetOf(body: string, line: number, column: number): number {
  const lineStarts = [0];
  for (const lineBreak of body.matchAll(/\r\n|[\n\r]/g)) {
    lineStarts.push(lineBreak.index + lineBreak[0].length);
  }
  return (lineStarts[line - 1] ?? 0) + column - 1;
}
