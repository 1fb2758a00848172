import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../project-root.js';

/**
 * What Apollo Sandbox opens with: the seed line's plan and add-ons, ready to
 * run. It is one of the example operations the test suite validates, so the
 * first thing a visitor runs cannot drift from the schema.
 */
export const SANDBOX_EXAMPLE_OPERATION = join('schema', 'operations', 'mobile-line-addons.graphql');

export function sandboxExampleDocument(): string {
  return readFileSync(join(projectRoot(), SANDBOX_EXAMPLE_OPERATION), 'utf8');
}

/** Apollo Sandbox in development, with this endpoint as its endpoint; nothing in production. */
export function landingPagePlugin(isProduction: boolean): ApolloServerPlugin {
  if (isProduction) return ApolloServerPluginLandingPageDisabled();
  return ApolloServerPluginLandingPageLocalDefault({
    embed: { endpointIsEditable: false, initialState: { pollForSchemaUpdates: false } },
    document: sandboxExampleDocument(),
    footer: false,
  });
}
