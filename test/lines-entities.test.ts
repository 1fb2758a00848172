import { describe, expect, it } from 'vitest';
import { graphql, type TestStack, useTestStack } from './helpers/app.js';
import { MOBILE_LINE_ENTITIES, dxpCallsDuring, queryLine, queryLines } from './helpers/lines.js';

interface EntityLine {
  businessId: string;
  msisdn: string;
  plan: { id: string };
  addons: { product: { id: string } }[];
}

const SEED = { businessId: 'PR', msisdn: '16654555678' };
const PREPAID = { businessId: 'PR', msisdn: '17875550101' };
const TT_LINE = { businessId: 'TT', msisdn: '18685550101' };
const UNKNOWN = { businessId: 'PR', msisdn: '17875559876' };

const SEED_ENTITY: EntityLine = {
  ...SEED,
  plan: { id: 'PR_B2C_ULT_Extra_MB_Line' },
  addons: [
    { product: { id: 'PR_B2C_Liberty_Home_Roadside_Assistance' } },
    { product: { id: 'PR_B2C_Mobile_IntRmg_Voice' } },
    { product: { id: 'PR_B2C_Mobile_Pospaid_International_Calling_Voice' } },
  ],
};

const PREPAID_ENTITY: EntityLine = {
  ...PREPAID,
  plan: { id: 'PR_B2C_PRE_Unlimited' },
  addons: [
    { product: { id: 'PR_B2C_PRE_Data_Pass_5GB' } },
    { product: { id: 'PR_B2C_PRE_Intl_Calling_Voice' } },
  ],
};

const TT_ENTITY: EntityLine = {
  ...TT_LINE,
  plan: { id: 'TT_B2C_Flow_Mobile_Max' },
  addons: [
    { product: { id: 'TT_B2C_Mobile_Intl_Calling' } },
    { product: { id: 'TT_B2C_Mobile_Roaming_Pass' } },
  ],
};

/** What a router sends to resolve MobileLine references: one `_entities` fetch. */
function fetchEntities(stack: TestStack, keys: Record<string, unknown>[]) {
  return graphql<{ _entities: (EntityLine | null)[] }>(stack.graphqlUrl, MOBILE_LINE_ENTITIES, {
    r: keys.map((key) => ({ __typename: 'MobileLine', ...key })),
  });
}

describe('_entities for MobileLine over HTTP, as a router fetches them', () => {
  // No cross-request cache, so each test counts what its own fetch cost.
  const stack = useTestStack({ ADDONS_CACHE_TTL_S: '0', BREAKER_MIN_CALLS: '1000' });

  it('resolves references in order, one dxp-ux call per distinct line', async () => {
    const { result, calls } = await dxpCallsDuring(stack, () =>
      fetchEntities(stack, [SEED, PREPAID, SEED, TT_LINE, PREPAID, SEED]),
    );
    expect(result.status).toBe(200);
    expect(result.body.errors).toBeUndefined();
    expect(result.body.data?._entities).toEqual([
      SEED_ENTITY,
      PREPAID_ENTITY,
      SEED_ENTITY,
      TT_ENTITY,
      PREPAID_ENTITY,
      SEED_ENTITY,
    ]);
    expect(calls).toBe(3);
  });

  it('answers null in the slot of an unknown line without failing the others', async () => {
    const { result, calls } = await dxpCallsDuring(stack, () =>
      fetchEntities(stack, [SEED, UNKNOWN, PREPAID, UNKNOWN]),
    );
    expect(result.body.errors).toBeUndefined();
    expect(result.body.data?._entities).toEqual([SEED_ENTITY, null, PREPAID_ENTITY, null]);
    expect(calls).toBe(3);
  });

  it('answers an unavailable upstream as an error on its own slot, coded, the others resolved', async () => {
    const failing = { businessId: 'PR', msisdn: '17875550502' };
    const { result, calls } = await dxpCallsDuring(stack, () =>
      fetchEntities(stack, [SEED, failing, PREPAID]),
    );
    expect(result.body.data?._entities).toEqual([SEED_ENTITY, null, PREPAID_ENTITY]);
    expect(result.body.errors).toHaveLength(1);
    expect(result.body.errors?.[0]).toMatchObject({
      message: 'dxp-ux is unavailable; try again later.',
      path: ['_entities', 1],
      extensions: { code: 'UPSTREAM_UNAVAILABLE', upstream: 'DXP', upstreamCode: '502' },
    });
    // Two good lines once each, the 502 line three attempts.
    expect(calls).toBe(5);
  });
});

describe('_entities for MobileLine with malformed keys', () => {
  const stack = useTestStack({ ADDONS_CACHE_TTL_S: '0' });

  // Representations are `_Any`: no scalar has checked their key fields, so
  // the representation guard must, before a malformed key costs a call.
  it('answers a malformed key as a bad input in its own slot, without a dxp-ux call', async () => {
    const keys: Record<string, unknown>[] = [
      SEED,
      { businessId: 'PR', msisdn: 'abc/../16654555678' },
      { businessId: 'pr', msisdn: '16654555678' },
      { businessId: 'PR', msisdn: 16654555678 },
      { businessId: 'PR' },
    ];
    const { result, calls } = await dxpCallsDuring(stack, () => fetchEntities(stack, keys));
    expect(calls).toBe(1);
    expect(result.body.data?._entities).toEqual([SEED_ENTITY, null, null, null, null]);
    const errors = result.body.errors ?? [];
    expect(errors.map((error) => error.path)).toEqual([
      ['_entities', 1],
      ['_entities', 2],
      ['_entities', 3],
      ['_entities', 4],
    ]);
    for (const error of errors) expect(error.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(errors.map((error) => error.message)).toEqual([
      expect.stringContaining('Msisdn must be 8 to 15 digits'),
      expect.stringContaining('BusinessId must be two upper-case letters'),
      expect.stringContaining('Msisdn must be 8 to 15 digits'),
      expect.stringContaining('Msisdn must be 8 to 15 digits'),
    ]);
  });
});

describe('_entities beside the other line fields, with the cross-request cache on', () => {
  const stack = useTestStack({ ADDONS_CACHE_TTL_S: '60' });

  // @apollo/subgraph marks the object a reference resolver returns with its
  // __typename; the loader's and the cache's record must not be that object.
  it('leaves the cached line readable by mobileLine and mobileLines after resolving it as an entity', async () => {
    const entities = await fetchEntities(stack, [SEED]);
    expect(entities.body.data?._entities).toEqual([SEED_ENTITY]);

    const { result, calls } = await dxpCallsDuring(stack, async () => ({
      line: await queryLine(stack, SEED.businessId, SEED.msisdn),
      lines: await queryLines(stack, SEED.businessId, [SEED.msisdn]),
      again: await fetchEntities(stack, [SEED, SEED]),
    }));
    expect(calls).toBe(0);
    expect(result.line.response.body.errors).toBeUndefined();
    expect(result.line.line).toMatchObject({
      __typename: 'MobileLine',
      plan: { id: 'PR_B2C_ULT_Extra_MB_Line' },
    });
    expect(result.lines.body.errors).toBeUndefined();
    expect(result.lines.body.data?.mobileLines).toEqual([result.line.line]);
    expect(result.again.body.errors).toBeUndefined();
    expect(result.again.body.data?._entities).toEqual([SEED_ENTITY, SEED_ENTITY]);
  });
});
