import { describe, expect, it } from 'vitest';
import { MAX_LINES_PER_OPERATION } from '../src/loaders/line-by-key.js';
import { graphql, startTestStackForTest, useTestStack } from './helpers/app.js';
import { dxpCallsDuring, queryLine, queryLineCountingCalls, queryLines } from './helpers/lines.js';

/**
 * The seed's PR 16654555678, as the dxp-ux seed (004_308e5cedb786f1c9) shows
 * it, written out by hand so a drift in the mapping or the sandbox fails here.
 */
const SEED_LINE = {
  __typename: 'MobileLine',
  businessId: 'PR',
  msisdn: '16654555678',
  planType: 'POSTPAID',
  plan: { id: 'PR_B2C_ULT_Extra_MB_Line', name: 'Liberty U-Pick Mobile Plus' },
  addons: [
    {
      product: {
        id: 'PR_B2C_Liberty_Home_Roadside_Assistance',
        name: 'Liberty Home & Road Assistance',
      },
      prices: [
        {
          name: 'Liberty Home and Roadside Assistance $7.99',
          description: 'Liberty Home and Roadside Assistance',
          dutyFreeAmount: { amount: '7.99', currency: 'USD' },
        },
      ],
    },
    {
      product: { id: 'PR_B2C_Mobile_IntRmg_Voice', name: 'Liberty International Passport' },
      prices: [
        {
          name: 'Day Pass Roaming',
          description: 'Internation Day Pass $10/day',
          dutyFreeAmount: { amount: '0.00', currency: 'USD' },
        },
      ],
    },
    {
      product: {
        id: 'PR_B2C_Mobile_Pospaid_International_Calling_Voice',
        name: 'International Calling',
      },
      prices: [
        {
          name: 'Calling $15',
          description: 'International calling Add-ons $15',
          dutyFreeAmount: { amount: '15.00', currency: 'USD' },
        },
      ],
    },
  ],
};

const UNKNOWN_LINE = '17875559876';

describe('Query.mobileLine over HTTP: the fixture lines mapped', () => {
  const stack = useTestStack();

  it("answers the seed line exactly as the seed's response describes it", async () => {
    const { line, response } = await queryLine(stack, 'PR', '16654555678');
    expect(response.status).toBe(200);
    expect(response.body.errors).toBeUndefined();
    expect(line).toEqual(SEED_LINE);
  });

  it('answers a prepaid line as PREPAID with its plan and add-ons', async () => {
    const { line } = await queryLine(stack, 'PR', '17875550101');
    expect(line).toEqual({
      __typename: 'MobileLine',
      businessId: 'PR',
      msisdn: '17875550101',
      planType: 'PREPAID',
      plan: { id: 'PR_B2C_PRE_Unlimited', name: 'Liberty Prepago Ilimitado' },
      addons: [
        {
          product: { id: 'PR_B2C_PRE_Data_Pass_5GB', name: 'Liberty Data Pass 5GB' },
          prices: [
            {
              name: 'Data Pass 5GB $10',
              description: 'Additional 5GB of high speed data for 30 days',
              dutyFreeAmount: { amount: '10.00', currency: 'USD' },
            },
          ],
        },
        {
          product: { id: 'PR_B2C_PRE_Intl_Calling_Voice', name: 'International Calling Prepaid' },
          prices: [
            {
              name: 'Calling $5',
              description: 'International calling Add-ons $5',
              dutyFreeAmount: { amount: '5.00', currency: 'USD' },
            },
          ],
        },
      ],
    });
  });

  it('answers several prices of one add-on in order, keeping cents', async () => {
    const { line } = await queryLine(stack, 'PR', '17875550102');
    const addons = line['addons'] as {
      product: { id: string };
      prices: { dutyFreeAmount: unknown }[];
    }[];
    expect(addons.map((addon) => addon.product.id)).toEqual([
      'PR_B2C_Mobile_IntRmg_Voice',
      'PR_B2C_Mobile_Device_Protection',
    ]);
    expect(addons[1]?.prices.map((price) => price.dutyFreeAmount)).toEqual([
      { amount: '9.99', currency: 'USD' },
      { amount: '14.99', currency: 'USD' },
      { amount: '99.00', currency: 'USD' },
    ]);
  });

  it('answers a line without add-ons with an empty list', async () => {
    const { line } = await queryLine(stack, 'PR', '17875550103');
    expect(line).toMatchObject({
      __typename: 'MobileLine',
      planType: 'POSTPAID',
      plan: { id: 'PR_B2C_ULT_Basic_Line', name: 'Liberty U-Pick Basic' },
      addons: [],
    });
  });

  it('answers planType null when dxp-ux gives no plan-type note', async () => {
    const { line } = await queryLine(stack, 'PR', '17875550104');
    expect(line).toMatchObject({
      __typename: 'MobileLine',
      planType: null,
      plan: { id: 'PR_B2B_Business_Line', name: 'Liberty Business Mobile' },
      addons: [{ product: { id: 'PR_B2B_Mobile_Hotspot' } }],
    });
  });

  it.each([
    {
      businessId: 'JM',
      msisdn: '18765550101',
      planType: 'POSTPAID',
      plan: 'JM_B2C_Flow_Postpaid_Plus',
      amounts: [
        { amount: '1500.00', currency: 'JMD' },
        { amount: '2500.00', currency: 'JMD' },
      ],
    },
    {
      businessId: 'JM',
      msisdn: '18765550102',
      planType: 'PREPAID',
      plan: 'JM_B2C_Flow_Prepaid_Data',
      amounts: [{ amount: '500.00', currency: 'JMD' }],
    },
    {
      businessId: 'TT',
      msisdn: '18685550101',
      planType: 'POSTPAID',
      plan: 'TT_B2C_Flow_Mobile_Max',
      amounts: [
        { amount: '99.00', currency: 'TTD' },
        { amount: '75.00', currency: 'TTD' },
      ],
    },
    {
      businessId: 'BB',
      msisdn: '12465550101',
      planType: 'POSTPAID',
      plan: 'BB_B2C_Flow_Postpaid_Unlimited',
      amounts: [{ amount: '20.00', currency: 'BBD' }],
    },
  ])(
    'answers $businessId $msisdn in its own currency',
    async ({ businessId, msisdn, planType, plan, amounts }) => {
      const { line } = await queryLine(stack, businessId, msisdn);
      expect(line).toMatchObject({ __typename: 'MobileLine', businessId, msisdn, planType });
      expect(line['plan']).toMatchObject({ id: plan });
      const addons = line['addons'] as { prices: { dutyFreeAmount: unknown }[] }[];
      expect(addons.flatMap((addon) => addon.prices.map((price) => price.dutyFreeAmount))).toEqual(
        amounts,
      );
    },
  );
});

describe('Query.mobileLines over HTTP', () => {
  // No cross-request cache, so every test counts what its own query cost.
  const stack = useTestStack({ ADDONS_CACHE_TTL_S: '0', BREAKER_MIN_CALLS: '1000' });

  it('calls dxp-ux once per distinct line and answers in the order asked, duplicates included', async () => {
    const asked = ['17875550101', '16654555678', '17875550101', UNKNOWN_LINE, '16654555678'];
    const { result, calls } = await dxpCallsDuring(stack, () => queryLines(stack, 'PR', asked));
    expect(calls).toBe(3);
    expect(result.status).toBe(200);
    expect(result.body.errors).toBeUndefined();
    const lines = result.body.data?.mobileLines ?? [];
    expect(lines.map((line) => [line.__typename, line['msisdn']])).toEqual([
      ['MobileLine', '17875550101'],
      ['MobileLine', '16654555678'],
      ['MobileLine', '17875550101'],
      ['LineNotFoundError', UNKNOWN_LINE],
      ['MobileLine', '16654555678'],
    ]);
    expect(lines[1]).toEqual(SEED_LINE);
    expect(lines[4]).toEqual(SEED_LINE);
    expect(lines[0]).toEqual(lines[2]);
  });

  it('answers an add-on product two lines share with each line its own prices, and no add-on id', async () => {
    const shared = 'PR_B2C_Mobile_IntRmg_Voice';
    const result = await queryLines(stack, 'PR', ['16654555678', '17875550102']);
    expect(result.body.errors).toBeUndefined();
    const amountsOfShared = (result.body.data?.mobileLines ?? []).map((line) =>
      (
        line['addons'] as {
          product: { id: string };
          prices: { dutyFreeAmount: { amount: string } }[];
        }[]
      )
        .filter((addon) => addon.product.id === shared)
        .flatMap((addon) => addon.prices.map((price) => price.dutyFreeAmount.amount)),
    );
    expect(amountsOfShared).toEqual([['0.00'], ['10.00', '40.00']]);

    // An id on Addon is what let a normalized client cache merge the two: it is gone.
    const withId = await graphql(
      stack.graphqlUrl,
      '{ mobileLine(businessId: "PR", msisdn: "16654555678") { ... on MobileLine { addons { id } } } }',
    );
    expect(withId.status).toBe(400);
    expect(withId.body.errors?.[0]?.message).toBe('Cannot query field "id" on type "Addon".');
  });

  it('answers a failing line its own error without failing the good ones', async () => {
    const { result, calls } = await dxpCallsDuring(stack, () =>
      queryLines(stack, 'PR', ['16654555678', '17875550500', '17875550103']),
    );
    const lines = result.body.data?.mobileLines ?? [];
    expect(result.body.errors).toBeUndefined();
    expect(lines.map((line) => line.__typename)).toEqual([
      'MobileLine',
      'UpstreamUnavailableError',
      'MobileLine',
    ]);
    expect(lines[1]).toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      upstream: 'DXP',
      upstreamCode: '500',
    });
    // Two good lines once each, the 500 line three attempts.
    expect(calls).toBe(5);
  });

  it('answers an empty list with an empty list, without a call', async () => {
    const { result, calls } = await dxpCallsDuring(stack, () => queryLines(stack, 'PR', []));
    expect(calls).toBe(0);
    expect(result.body.errors).toBeUndefined();
    expect(result.body.data?.mobileLines).toEqual([]);
  });

  it(`answers ${MAX_LINES_PER_OPERATION} distinct lines with one call each`, async () => {
    const asked = Array.from(
      { length: MAX_LINES_PER_OPERATION },
      (_, index) => `1787556${String(index).padStart(4, '0')}`,
    );
    const { result, calls } = await dxpCallsDuring(stack, () => queryLines(stack, 'PR', asked));
    expect(result.body.errors).toBeUndefined();
    const lines = result.body.data?.mobileLines ?? [];
    expect(lines.map((line) => line['msisdn'])).toEqual(asked);
    expect(new Set(lines.map((line) => line.__typename))).toEqual(new Set(['LineNotFoundError']));
    expect(calls).toBe(MAX_LINES_PER_OPERATION);
  });

  it(`refuses ${MAX_LINES_PER_OPERATION + 1} lines as a whole, before any upstream call`, async () => {
    const asked = Array.from({ length: MAX_LINES_PER_OPERATION + 1 }, () => '16654555678');
    const { result, calls } = await dxpCallsDuring(stack, () => queryLines(stack, 'PR', asked));
    expect(calls).toBe(0);
    expect(result.status).toBe(400);
    expect(result.body.data).toBeUndefined();
    expect(result.body.errors).toHaveLength(1);
    expect(result.body.errors?.[0]).toMatchObject({
      extensions: { code: 'TOO_MANY_LINES' },
    });
    expect(result.body.errors?.[0]?.message).toContain(
      `At most ${MAX_LINES_PER_OPERATION} lines per operation`,
    );
  });
});

describe('the cross-request line cache over HTTP', () => {
  it.each([
    ['answers a repeat within ADDONS_CACHE_TTL_S without a second dxp-ux call', '60', 0],
    ['calls dxp-ux again for a repeat when ADDONS_CACHE_TTL_S=0', '0', 1],
  ])('%s', async (_name, ttlSeconds, callsAgain) => {
    const stack = await startTestStackForTest({ ADDONS_CACHE_TTL_S: ttlSeconds });
    const first = await queryLineCountingCalls(stack, 'PR', '16654555678');
    const again = await queryLineCountingCalls(stack, 'PR', '16654555678');
    expect(first.calls).toBe(1);
    expect(again.calls).toBe(callsAgain);
    expect(again.result.line).toEqual(SEED_LINE);
  });
});
