import './apollo-dev-mode.js';
import {
  ApolloClient,
  HttpLink,
  InMemoryCache,
  setLogVerbosity,
  type InMemoryCacheConfig,
} from '@apollo/client';
import { loadDevMessages, loadErrorMessages } from '@apollo/client/dev';
import { __DEV__ } from '@apollo/client/utilities/environment';
import { vi } from 'vitest';
import introspection from '../../schema/client/possible-types.js';
import { typePolicies } from '../../schema/client/type-policies.js';

loadDevMessages();
loadErrorMessages();
setLogVerbosity('debug');

/** Whether the Apollo Client build loaded here is the development one, which warns. */
export const apolloDevelopmentBuild = __DEV__;

/** A front end's Apollo Client: the generated possibleTypes and typePolicies, HttpLink over fetch. */
export function createApolloClient(
  graphqlUrl: string,
  cacheConfig: InMemoryCacheConfig = { possibleTypes: introspection.possibleTypes, typePolicies },
): ApolloClient {
  return new ApolloClient({
    link: new HttpLink({ uri: graphqlUrl, fetch }),
    cache: new InMemoryCache(cacheConfig),
  });
}

/** Everything Apollo Client logs (its warnings go through console), until restore(). */
export function captureConsole(): { take(): string[]; restore(): void } {
  const methods = ['debug', 'log', 'info', 'warn', 'error'] as const;
  const messages: string[] = [];
  const spies = methods.map((method) =>
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      messages.push(`console.${method}: ${args.map(String).join(' ')}`);
    }),
  );
  return {
    take: () => messages.splice(0),
    restore: () => {
      for (const spy of spies) spy.mockRestore();
    },
  };
}
