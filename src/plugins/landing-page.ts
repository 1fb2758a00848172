import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';

/** What Apollo Sandbox opens with: the seed line, ready to run. */
export const SANDBOX_EXAMPLE_DOCUMENT = `# The plan on a mobile line and the add-ons it can take (dxp-ux sandbox fixture).
query MobileLineAddons {
  mobileLine(businessId: "PR", msisdn: "16654555678") {
    __typename
    ... on MobileLine {
      planType
      plan { id name }
      addons { id name prices { name dutyFreeAmount { amount currency } } }
    }
    ... on Error { code message }
  }
}
`;

/** Apollo Sandbox in development, nothing in production. */
export function landingPagePlugin(isProduction: boolean): ApolloServerPlugin {
  if (isProduction) return ApolloServerPluginLandingPageDisabled();
  return ApolloServerPluginLandingPageLocalDefault({
    embed: { endpointIsEditable: false, initialState: { pollForSchemaUpdates: false } },
    document: SANDBOX_EXAMPLE_DOCUMENT,
    footer: false,
  });
}
