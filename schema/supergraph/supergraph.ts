import { composeServices } from '@apollo/composition';
import { visit, type DocumentNode } from 'graphql';
import { loadTypeDefs } from '../../src/graphql/schema.js';
import { CATALOG_TYPE_DEFS } from './catalog-subgraph.js';
import { CUSTOMERS_TYPE_DEFS } from './customers-subgraph.js';

export type ExampleSubgraphName = 'ordering' | 'customers' | 'catalog';

/**
 * Where a router finds each subgraph when all three run on one machine
 * (`npm start`, `npm run subgraphs:examples`); schema/supergraph/supergraph.yaml
 * and router.yaml say the same.
 */
export const EXAMPLE_ROUTING_URLS: Record<ExampleSubgraphName, string> = {
  ordering: 'http://127.0.0.1:4001/graphql',
  customers: 'http://127.0.0.1:4002/graphql',
  catalog: 'http://127.0.0.1:4003/graphql',
};

const TYPE_DEFS: Record<ExampleSubgraphName, () => DocumentNode> = {
  ordering: loadTypeDefs,
  customers: () => CUSTOMERS_TYPE_DEFS,
  catalog: () => CATALOG_TYPE_DEFS,
};

export interface ComposedSupergraph {
  supergraphSdl: string;
  /** Composition hints, each as `CODE: message`. */
  hints: string[];
}

export class CompositionFailedError extends Error {
  override readonly name = 'CompositionFailedError';
  constructor(readonly errors: readonly string[]) {
    super(`composition failed with ${errors.length} error(s):\n${errors.join('\n')}`);
  }
}

export interface SubgraphDefinition {
  name: string;
  url: string;
  typeDefs: DocumentNode;
}

/** Composes subgraphs the way rover does: with @apollo/composition, satisfiability included. */
export function composeSubgraphs(subgraphs: SubgraphDefinition[]): ComposedSupergraph {
  const result = composeServices(subgraphs);
  if (result.errors) {
    throw new CompositionFailedError(
      result.errors.map((error) => {
        const code = error.extensions['code'];
        return `${typeof code === 'string' ? code : 'ERROR'}: ${error.message}`;
      }),
    );
  }
  return {
    supergraphSdl: result.supergraphSdl,
    hints: result.hints.map((hint) => `${hint.definition.code}: ${hint.message}`),
  };
}

/** This subgraph's SDL (schema/*.graphql, as it is served) and the example subgraphs'. */
export function exampleSubgraphs(): SubgraphDefinition[] {
  return Object.entries(EXAMPLE_ROUTING_URLS).map(([name, url]) => ({
    name,
    url,
    typeDefs: TYPE_DEFS[name as ExampleSubgraphName](),
  }));
}

export function composeExampleSupergraph(): ComposedSupergraph {
  return composeSubgraphs(exampleSubgraphs());
}

/**
 * The directives whose supergraph features are `for: SECURITY`: a router
 * that cannot enforce them must refuse the supergraph, and @apollo/gateway
 * does (UNSUPPORTED_LINKED_FEATURE). Apollo Router and Hive Gateway enforce them.
 */
export const AUTHORIZATION_DIRECTIVES = ['authenticated', 'requiresScopes'] as const;

/**
 * The example supergraph as @apollo/gateway can serve it: composed from the
 * same subgraphs without the authorization directives, which that gateway
 * cannot enforce. Query planning is the same; only enforcement is missing.
 */
export function composeForApolloGateway(): ComposedSupergraph {
  const authorization = new Set<string>(AUTHORIZATION_DIRECTIVES);
  return composeSubgraphs(
    exampleSubgraphs().map((subgraph) => ({
      ...subgraph,
      typeDefs: visit(subgraph.typeDefs, {
        Directive: (node) => (authorization.has(node.name.value) ? null : undefined),
      }),
    })),
  );
}
