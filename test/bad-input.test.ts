import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { graphql, useTestStack, type GraphQLResponse } from './helpers/app.js';
import {
  COMPLETE_ORDER,
  RCC_ACCEPTANCE,
  RCC_DISCLOSURE,
  SEND_RCC,
  completeInput,
  disclosureInput,
  newOrderKey,
} from './helpers/px-operations.js';

/**
 * Property tests over what a client can put in a request. Whatever arrives,
 * the answer is a typed error of the field's union or a 4xx, never a 5xx nor
 * an INTERNAL_SERVER_ERROR; and input the subgraph can tell is invalid costs
 * no upstream call at all (not even a Px token grant). Valid-looking values
 * that are merely unknown legitimately reach the upstreams, so the invalid
 * classes are generated on purpose.
 */
const RUNS = { numRuns: 60 };
const MSISDN = /^\d{8,15}$/;
const BUSINESS_ID = /^[A-Z]{2}$/;

const LINE = `
  query Line($businessId: BusinessId!, $msisdn: Msisdn!) {
    mobileLine(businessId: $businessId, msisdn: $msisdn) {
      __typename
      ... on Error { code message }
    }
  }`;
const LINES = `
  query Lines($businessId: BusinessId!, $msisdns: [Msisdn!]!) {
    mobileLines(businessId: $businessId, msisdns: $msisdns) { __typename }
  }`;

/** Any text: full unicode (lone surrogates too), control characters, and long runs. */
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc
    .tuple(
      fc.constantFrom('7', 'x', 'é', '𝔘', '\u0000', '\u202e', ' '),
      fc.integer({ min: 1_000, max: 15_000 }),
    )
    .map(([unit, times]) => unit.repeat(times)),
);
const notAString = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
);
const invalidMsisdn = fc.oneof(
  anyText.filter((text) => !MSISDN.test(text)),
  fc.stringMatching(/^\d{1,7}$/),
  fc.stringMatching(/^\d{16,40}$/),
  fc.stringMatching(/^\+\d{8,15}$/),
  fc.stringMatching(/^ \d{8,15}|\d{8,15}\n$/),
  // Digits other than ASCII ones: Arabic-Indic, full-width.
  fc.stringMatching(/^[٠-٩０-９]{8,15}$/),
);
const invalidBusinessId = fc.oneof(
  anyText.filter((text) => !BUSINESS_ID.test(text)),
  fc.stringMatching(/^[a-z]{2}$/),
  fc.stringMatching(/^[A-Z]{3,5}$/),
  fc.constantFrom('', 'P', 'PR ', 'ＰＲ', 'P\u0000'),
);
/** What `trim()` takes for nothing: the ids and codes Px would refuse as missing. */
const blank = fc.stringMatching(/^[ \t\n\r\u00a0\u2028\u3000\ufeff]{0,12}$/);
const invalidSmsDestination = fc.oneof(
  anyText.filter((text) => !MSISDN.test(text)),
  fc.stringMatching(/^\d{1,7}$/),
  fc.stringMatching(/^\+?\d{16,30}$/),
  fc.stringMatching(/^\d{3}-\d{3}-\d{4}$/),
);
const invalidEmail = fc.oneof(
  anyText.filter((text) => !text.includes('@')),
  fc.stringMatching(/^[a-z]{1,10}@[a-z]{1,10}$/),
  fc.stringMatching(/^[a-z]{1,5} [a-z]{1,5}@example\.com$/),
  fc.stringMatching(/^@example\.com|[a-z]{1,8}@$/),
  fc.stringMatching(/^[a-z]{1,8}@@example\.com$/),
  fc.integer({ min: 250, max: 5_000 }).map((length) => `${'a'.repeat(length)}@example.com`),
);

type RootData = Record<string, { __typename: string; field?: string } | null | undefined>;

describe('bad input, generated', () => {
  const stack = useTestStack();

  /** The answer is a 4xx or a typed error, never a 5xx or a masked internal error. */
  function expectNoServerError(response: GraphQLResponse<RootData>): void {
    expect(response.status).toBeLessThan(500);
    const codes = (response.body.errors ?? []).map((error) => error.extensions?.['code']);
    expect(codes).not.toContain('INTERNAL_SERVER_ERROR');
  }

  /**
   * Runs `query` and asserts it was refused without an upstream call: with a
   * 4xx, or (when `typename` is given) with that typed error on `root`.
   */
  async function expectRefusedLocally(
    query: string,
    variables: Record<string, unknown>,
    expected: { root: string; typename: string; field?: string } | 'request error',
  ): Promise<void> {
    const before = stack.upstreamCalls();
    const response = await graphql<RootData>(stack.graphqlUrl, query, variables);
    expectNoServerError(response);
    expect(stack.upstreamCalls() - before).toBe(0);
    if (expected === 'request error') {
      // A 4xx, or a 200 whose only errors are the client's.
      if (response.status >= 400) return;
      expect(response.body.errors?.length).toBeGreaterThan(0);
      for (const error of response.body.errors ?? []) {
        expect(error.extensions?.['code']).toBe('BAD_USER_INPUT');
      }
      return;
    }
    if (response.status !== 200) {
      throw new Error(`expected ${expected.typename}, but got HTTP ${response.status}`);
    }
    const result = response.body.data?.[expected.root];
    expect(result?.__typename).toBe(expected.typename);
    if (expected.field !== undefined) expect(result?.field).toBe(expected.field);
  }

  describe('lines', () => {
    it('refuses a malformed msisdn, as a variable or a literal, without calling dxp-ux', async () => {
      await fc.assert(
        fc.asyncProperty(invalidMsisdn, async (msisdn) => {
          await expectRefusedLocally(LINE, { businessId: 'PR', msisdn }, 'request error');
          const literal = `{ mobileLine(businessId: "PR", msisdn: ${JSON.stringify(msisdn)}) { __typename } }`;
          await expectRefusedLocally(literal, {}, 'request error');
        }),
        RUNS,
      );
    });

    it('refuses a malformed business id without calling dxp-ux', async () => {
      await fc.assert(
        fc.asyncProperty(invalidBusinessId, async (businessId) => {
          await expectRefusedLocally(LINE, { businessId, msisdn: '16654555678' }, 'request error');
        }),
        RUNS,
      );
    });

    it('refuses values that are not strings where a scalar wants one', async () => {
      await fc.assert(
        fc.asyncProperty(notAString, fc.boolean(), async (value, asMsisdn) => {
          const variables = asMsisdn
            ? { businessId: 'PR', msisdn: value }
            : { businessId: value, msisdn: '16654555678' };
          await expectRefusedLocally(LINE, variables, 'request error');
        }),
        RUNS,
      );
    });

    it('refuses a list with one bad msisdn, or more than 50, whole', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.stringMatching(MSISDN), { maxLength: 20 }),
          invalidMsisdn,
          fc.nat(),
          async (good, bad, at) => {
            const msisdns = [...good];
            msisdns.splice(at % (good.length + 1), 0, bad);
            await expectRefusedLocally(LINES, { businessId: 'PR', msisdns }, 'request error');
          },
        ),
        { numRuns: 30 },
      );
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.stringMatching(MSISDN), { minLength: 51, maxLength: 200 }),
          async (msisdns) => {
            await expectRefusedLocally(LINES, { businessId: 'PR', msisdns }, 'request error');
          },
        ),
        { numRuns: 20 },
      );
    });

    it('answers any well-formed but unknown line with a typed error or the line, never a 5xx', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.stringMatching(BUSINESS_ID),
          fc.stringMatching(MSISDN),
          async (businessId, msisdn) => {
            const response = await graphql<RootData>(stack.graphqlUrl, LINE, {
              businessId,
              msisdn,
            });
            expectNoServerError(response);
            expect(response.body.errors).toBeUndefined();
            expect([
              'MobileLine',
              'LineNotFoundError',
              'InvalidFieldError',
              'RateLimitedError',
              'UpstreamUnavailableError',
            ]).toContain(response.body.data?.['mobileLine']?.__typename);
          },
        ),
        // Trigger suffixes (0429, 0503, 0999) make some of these slow on purpose.
        { numRuns: 25, examples: [['PR', '16654555678']] },
      );
    }, 120_000);
  });

  describe('entity representations (a router, or anyone who can reach _entities)', () => {
    const ENTITIES = `query($representations: [_Any!]!) {
      _entities(representations: $representations) {
        __typename
        ... on MobileLine { msisdn }
        ... on Order { orderNumber }
        ... on RccDisclosure { text }
      } }`;
    const anyJson = fc.oneof(anyText, notAString, fc.constant(undefined));

    it('refuses MobileLine representations with malformed keys without calling dxp-ux', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.record({ businessId: invalidBusinessId, msisdn: fc.constant('16654555678') }),
            fc.record({ businessId: fc.constant('PR'), msisdn: invalidMsisdn }),
            fc.record({ businessId: anyJson, msisdn: notAString }),
          ),
          async (key) => {
            const before = stack.upstreamCalls();
            const response = await graphql<RootData>(stack.graphqlUrl, ENTITIES, {
              representations: [{ __typename: 'MobileLine', ...key }],
            });
            expectNoServerError(response);
            expect(stack.upstreamCalls() - before).toBe(0);
            const codes = (response.body.errors ?? []).map((error) => error.extensions?.['code']);
            expect(codes.length).toBeGreaterThan(0);
          },
        ),
        RUNS,
      );
    });

    it('answers any other representation with null, an entity or a client error, never a 5xx', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.record({
              __typename: fc.oneof(
                fc.constantFrom('MobileLine', 'Order', 'RccDisclosure', 'Product', 'Query'),
                anyText,
              ),
              partnerOrderId: anyJson,
              transactionId: anyJson,
              businessId: anyJson,
              msisdn: anyJson,
            }),
            { minLength: 1, maxLength: 5 },
          ),
          async (representations) => {
            const response = await graphql<RootData>(stack.graphqlUrl, ENTITIES, {
              representations,
            });
            expectNoServerError(response);
          },
        ),
        RUNS,
      );
    });
  });

  describe('order flow', () => {
    const keyField = fc.constantFrom('partnerId', 'partnerOrderId', 'transactionId');

    it('refuses a blank partner, partner order or transaction id on every Px operation, without a call', async () => {
      await fc.assert(
        fc.asyncProperty(keyField, blank, async (field, value) => {
          const order = { ...newOrderKey(), [field]: value };
          const expected = (root: string) => ({
            root,
            typename: 'InvalidFieldError',
            field: `order.${field}`,
          });
          await expectRefusedLocally(
            RCC_DISCLOSURE,
            disclosureInput(order),
            expected('rccDisclosure'),
          );
          await expectRefusedLocally(RCC_ACCEPTANCE, { order }, expected('rccAcceptance'));
          await expectRefusedLocally(
            SEND_RCC,
            { input: { order, method: 'SMS', destination: '17875550123' } },
            expected('sendRcc'),
          );
          await expectRefusedLocally(
            COMPLETE_ORDER,
            completeInput(order),
            expected('completeOrder'),
          );
        }),
        RUNS,
      );
    });

    it('refuses a blank sales code or address on disclosure and completion, without a call', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('salesCode', 'addressDetailId'),
          blank,
          async (field, value) => {
            const order = newOrderKey();
            const expected = (root: string) => ({ root, typename: 'InvalidFieldError', field });
            await expectRefusedLocally(
              RCC_DISCLOSURE,
              disclosureInput(order, { [field]: value }),
              expected('rccDisclosure'),
            );
            await expectRefusedLocally(
              COMPLETE_ORDER,
              completeInput(order, { [field]: value }),
              expected('completeOrder'),
            );
          },
        ),
        RUNS,
      );
    });

    const destinations: [method: string, address: string, invalid: fc.Arbitrary<string>][] = [
      ['SMS', 'a mobile number', invalidSmsDestination],
      ['EMAIL', 'an email address', invalidEmail],
    ];
    it.each(destinations)(
      'refuses an %s destination that is not %s, without a call',
      async (method, _address, invalid) => {
        await fc.assert(
          fc.asyncProperty(invalid, async (destination) => {
            await expectRefusedLocally(
              SEND_RCC,
              { input: { order: newOrderKey(), method, destination } },
              { root: 'sendRcc', typename: 'InvalidFieldError', field: 'destination' },
            );
          }),
          RUNS,
        );
      },
    );

    it('refuses more than one gift card, and an unaccepted RCC, without a call', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.string({ minLength: 1, maxLength: 20 }), { minLength: 2, maxLength: 30 }),
          async (giftCardIds) => {
            await expectRefusedLocally(
              COMPLETE_ORDER,
              completeInput(newOrderKey(), { giftCardIds }),
              { root: 'completeOrder', typename: 'TooManyGiftCardsError' },
            );
          },
        ),
        { numRuns: 30 },
      );
      await expectRefusedLocally(
        COMPLETE_ORDER,
        completeInput(newOrderKey(), { rccAccepted: false }),
        { root: 'completeOrder', typename: 'RccNotAcceptedError' },
      );
    });

    it('refuses inputs of the wrong shape: unknown enum values, missing fields, wrong types, extra keys', async () => {
      const shapes = fc.oneof(
        anyText.map((method) => ({
          input: { order: newOrderKey(), method, destination: '17875550123' },
        })),
        notAString.map((destination) => ({
          input: { order: newOrderKey(), method: 'SMS', destination },
        })),
        fc.constant({ input: { order: newOrderKey(), method: 'SMS' } }),
        fc.constant({ input: { method: 'SMS', destination: '17875550123' } }),
        fc.constant({ input: null }),
        fc.constant(JSON.parse('{"input": {"__proto__": {"x": 1}, "method": "SMS"}}') as unknown),
        // An integer is a valid ID (GraphQL coerces it to a string); these are not.
        fc
          .oneof(
            fc.boolean(),
            fc.double().filter((value) => !Number.isInteger(value)),
            fc.dictionary(fc.string({ maxLength: 3 }), fc.nat()),
          )
          .map((id) => ({
            input: {
              order: { ...newOrderKey(), partnerOrderId: id },
              method: 'SMS',
              destination: '17875550123',
            },
          })),
      );
      await fc.assert(
        fc.asyncProperty(shapes, async (variables) => {
          await expectRefusedLocally(
            SEND_RCC,
            variables as Record<string, unknown>,
            'request error',
          );
        }),
        RUNS,
      );
    });

    it('answers any other id, code or token (unicode, huge, odd) with a union member, never a 5xx', async () => {
      const text = fc.oneof(anyText, fc.string({ minLength: 1, maxLength: 30 }));
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            partnerId: fc.oneof(text, fc.constant('P-1001')),
            partnerOrderId: text,
            transactionId: text,
          }),
          text,
          text,
          fc.option(text, { nil: undefined }),
          async (order, salesCode, addressDetailId, paymentToken) => {
            for (const [query, variables, root] of [
              [RCC_DISCLOSURE, { input: { order, salesCode, addressDetailId } }, 'rccDisclosure'],
              [RCC_ACCEPTANCE, { order }, 'rccAcceptance'],
              [
                COMPLETE_ORDER,
                completeInput(order, { salesCode, addressDetailId, paymentToken }),
                'completeOrder',
              ],
            ] as const) {
              const response = await graphql<RootData>(stack.graphqlUrl, query, variables);
              expectNoServerError(response);
              if (response.status === 200) {
                expect(response.body.errors).toBeUndefined();
                expect(response.body.data?.[root]?.__typename).toBeDefined();
              }
            }
          },
        ),
        { numRuns: 40 },
      );
    }, 120_000);
  });
});
