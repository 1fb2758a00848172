import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { exampleOperationDocument } from '../example-operations.js';

/**
 * What Apollo Sandbox opens with: the seed line's plan and add-ons, ready to
 * run. It is one of the example operations the test suite validates, so the
 * first thing a visitor runs cannot drift from the schema.
 */
export const SANDBOX_EXAMPLE_OPERATION = 'mobile-line-addons';

/** The example operation with the shared fragments it spreads, a document Sandbox can run as is. */
export function sandboxExampleDocument(): string {
  return exampleOperationDocument(SANDBOX_EXAMPLE_OPERATION);
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
