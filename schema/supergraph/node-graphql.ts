import { createRequire } from 'node:module';

/**
 * graphql as Node loads it for @apollo/subgraph and @graphql-inspector (its
 * CommonJS build). Vitest hands test files its ESM build instead, and graphql
 * refuses to mix schemas and types of the two, so tests that pass schemas to
 * or from those libraries use this one.
 */
export const nodeGraphql = createRequire(import.meta.url)('graphql') as typeof import('graphql');
