import { describe, expect, it } from 'vitest';
import {
  PUBLISH_COMMAND,
  breakingChanges,
  currentSubgraphSdl,
  readPublishedSdl,
} from '../schema/supergraph/published-schema.js';
import { answerOf, startTestStackForTest } from './helpers/app.js';

/** The SDL with one part replaced; throws when the part is gone, so no case passes vacuously. */
function edit(sdl: string, part: string | RegExp, replacement: string): string {
  const edited = sdl.replace(part, replacement);
  if (edited === sdl) throw new Error(`the SDL has no ${String(part)}`);
  return edited;
}

describe('the published subgraph schema (schema/published/ordering-subgraph.graphql)', () => {
  it('has no breaking change against it', async () => {
    const breaking = await breakingChanges(readPublishedSdl(), currentSubgraphSdl());
    expect(
      breaking,
      `Breaking changes against the published schema. If they are deliberate, run ${PUBLISH_COMMAND} and commit the result with a note for the routers and clients that depend on it.`,
    ).toEqual([]);
  });

  it('is what the subgraph serves routers on _service { sdl }', async () => {
    const stack = await startTestStackForTest();
    const { sdl } = await answerOf<{ sdl: string }>(stack, '{ _service { sdl } }');
    const served = `${sdl}\n`;
    expect(served).toBe(currentSubgraphSdl());
    expect(
      readPublishedSdl() === served,
      `The published schema is stale: run ${PUBLISH_COMMAND} and commit schema/published/.`,
    ).toBe(true);
  });
});

describe('the schema check', () => {
  const current = currentSubgraphSdl();
  const orderReturns = '  ): Order @requiresScopes(scopes: [["orders:read"]])\n';
  const orderArguments = `    partnerOrderId: ID!\n${orderReturns}`;

  it.each([
    {
      change: 'a removed field',
      after: edit(current, /\n *"""\n[^"]*"""\n {2}planType: PlanType\n/, '\n'),
      expected: /FIELD_REMOVED at MobileLine\.planType/,
    },
    {
      change: 'a retyped field',
      after: edit(current, '  orderNumber: String!\n', '  orderNumber: Int!\n'),
      expected: /FIELD_TYPE_CHANGED at Order\.orderNumber/,
    },
    {
      change: 'an output that may now be null (clients relied on a value)',
      after: edit(current, '  plan: Product!\n', '  plan: Product\n'),
      expected: /FIELD_TYPE_CHANGED at MobileLine\.plan/,
    },
    {
      change: 'an input that is now required',
      after: edit(current, '  paymentToken: String\n', '  paymentToken: String!\n'),
      expected: /INPUT_FIELD_TYPE_CHANGED at CompleteOrderInput\.paymentToken/,
    },
    {
      change: 'a new required argument',
      after: edit(
        current,
        orderArguments,
        `    partnerOrderId: ID!\n    channel: String!\n${orderReturns}`,
      ),
      expected: /FIELD_ARGUMENT_ADDED at Query\.order\.channel/,
    },
  ])('fails on $change', async ({ after, expected }) => {
    const breaking = await breakingChanges(current, after);
    expect(breaking).toHaveLength(1);
    expect(breaking[0]).toMatch(expected);
  });

  it.each([
    {
      change: 'a new type, a new field and a new optional argument',
      after: `${edit(
        edit(
          current,
          orderArguments,
          `    partnerOrderId: ID!\n    channel: String\n${orderReturns}`,
        ),
        'type RccSection {\n',
        'type RccSection {\n  """A note on the section."""\n  note: Note\n\n',
      )}\n"""A note."""\ntype Note {\n  """Its text."""\n  text: String!\n}\n`,
    },
    {
      change: 'an output that can no longer be null',
      after: edit(current, '  taxEstimate: Money\n', '  taxEstimate: Money!\n'),
    },
  ])('passes on $change', async ({ after }) => {
    expect(after).not.toBe(current);
    expect(await breakingChanges(current, after)).toEqual([]);
  });
});
