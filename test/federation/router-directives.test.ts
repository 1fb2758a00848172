import { ApolloGateway } from '@apollo/gateway';
import { Kind, parse, print, type ConstDirectiveNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { MAX_LINES_PER_OPERATION } from '../../src/loaders/line-by-key.js';
import { readPublishedSdl } from '../../schema/supergraph/published-schema.js';
import {
  composeExampleSupergraph,
  composeForApolloGateway,
} from '../../schema/supergraph/supergraph.js';

const ROUTER_DIRECTIVES = new Set(['authenticated', 'requiresScopes', 'cost', 'listSize']);
const READ = '@requiresScopes(scopes: [["orders:read"]])';
const WRITE = '@requiresScopes(scopes: [["orders:write"]])';
/** One upstream call (dxp-ux or Px); plain fields weigh Apollo's defaults (0 for a leaf, 1 for an object). */
const UPSTREAM_CALL = '@cost(weight: 10)';
/** A journal read (memory or Redis): cheaper than an upstream call, dearer than a plain field. */
const JOURNAL_READ = '@cost(weight: 2)';

/**
 * What the subgraph declares for a router to enforce, by schema coordinate:
 * the authorization scopes, and demand-control weights that say which
 * fields cost an upstream call or a journal read.
 */
const EXPECTED: Record<string, string[]> = {
  MobileLine: ['@authenticated', UPSTREAM_CALL],
  'Query.mobileLine': ['@authenticated', UPSTREAM_CALL],
  'Query.mobileLines': [
    '@authenticated',
    UPSTREAM_CALL,
    `@listSize(assumedSize: ${MAX_LINES_PER_OPERATION})`,
  ],
  'Query.rccDisclosure': [READ, UPSTREAM_CALL],
  'Query.rccAcceptance': [READ, UPSTREAM_CALL],
  'Query.order': [READ],
  Order: [READ, JOURNAL_READ],
  RccDisclosure: [READ, JOURNAL_READ],
  'RccDisclosure.acceptance': [UPSTREAM_CALL],
  'Mutation.sendRcc': [WRITE, UPSTREAM_CALL],
  // Px complete order, after reading Px's acceptance for EMAIL and SMS.
  'Mutation.completeOrder': [WRITE, '@cost(weight: 20)'],
};

/** Every authorization and demand-control directive applied in an SDL, by type or field coordinate. */
function routerDirectivesIn(sdl: string): Record<string, string[]> {
  const found: Record<string, string[]> = {};
  const record = (coordinate: string, directives: readonly ConstDirectiveNode[] = []) => {
    const printed = directives
      .filter((directive) => ROUTER_DIRECTIVES.has(directive.name.value))
      .map((directive) => print(directive));
    if (printed.length > 0) (found[coordinate] ??= []).push(...printed);
  };
  for (const definition of parse(sdl).definitions) {
    if (
      definition.kind !== Kind.OBJECT_TYPE_DEFINITION &&
      definition.kind !== Kind.OBJECT_TYPE_EXTENSION
    )
      continue;
    record(definition.name.value, definition.directives);
    for (const field of definition.fields ?? []) {
      record(`${definition.name.value}.${field.name.value}`, field.directives);
    }
  }
  return found;
}

describe('what the subgraph declares for a router to enforce', () => {
  it('serves the authorization scopes and demand-control weights on _service { sdl }', () => {
    // schema-check.test.ts holds the published SDL equal to what /graphql serves.
    expect(routerDirectivesIn(readPublishedSdl())).toEqual(EXPECTED);
  });

  it('links the newest Federation 2 version composition supports, with the directives it needs', () => {
    expect(readPublishedSdl()).toMatch(
      /@link\(url: "https:\/\/specs\.apollo\.dev\/federation\/v2\.14", import: \[[^\]]*"@authenticated", "@requiresScopes", "@cost", "@listSize"/,
    );
  });

  it('keeps every one of them in the composed supergraph, with no hints', () => {
    const { supergraphSdl, hints } = composeExampleSupergraph();
    expect(hints).toEqual([]);
    expect(routerDirectivesIn(supergraphSdl)).toEqual(EXPECTED);
    expect(supergraphSdl).toContain(
      '@link(url: "https://specs.apollo.dev/requiresScopes/v0.1", for: SECURITY)',
    );
    expect(supergraphSdl).toContain(
      '@link(url: "https://specs.apollo.dev/authenticated/v0.1", for: SECURITY)',
    );
  });

  it('is refused by @apollo/gateway, which cannot enforce authorization, and planned without it', async () => {
    const refusing = new ApolloGateway({ supergraphSdl: composeExampleSupergraph().supergraphSdl });
    await expect(refusing.load()).rejects.toThrow(
      /authenticated\/v0\.1 is for: SECURITY but is unsupported/,
    );
    const { supergraphSdl } = composeForApolloGateway();
    expect(supergraphSdl).not.toMatch(/@authenticated|@requiresScopes/);
    expect(supergraphSdl).toContain('@cost(weight: 10)');
    const serving = new ApolloGateway({ supergraphSdl });
    await serving.load();
    await serving.stop();
  });
});
