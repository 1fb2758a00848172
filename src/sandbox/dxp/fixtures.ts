import { DXP_SEED_RESPONSE_TEXT } from './seed-response.js';

/** Business units the sandbox serves; any other business id answers 403. */
export const DXP_BUSINESS_IDS = ['PR', 'JM', 'TT', 'BB', 'PA'] as const;
export type DxpBusinessId = (typeof DXP_BUSINESS_IDS)[number];

export function isDxpBusinessId(value: string): value is DxpBusinessId {
  return (DXP_BUSINESS_IDS as readonly string[]).includes(value);
}

// The TMF622 subset the seed shows. These types describe what the sandbox
// writes; the dxp-ux client keeps its own, so a fixture cannot hide a drift.
interface FixtureMoney {
  unit: string;
  value: number;
}

interface FixtureItemPrice {
  name: string;
  description: string;
  price: { dutyFreeAmount: FixtureMoney };
}

interface FixtureAddonItem {
  '@type': 'Addon';
  product: { id: string; name: string };
  itemPrice: FixtureItemPrice[];
}

interface FixturePlanItem {
  product: { id: string; name: string; '@type': 'Plan' };
  productOrderItem: FixtureAddonItem[];
}

interface FixtureProductOrder {
  '@type': 'getAddons';
  note?: { text: string }[];
  productOrderItem: FixturePlanItem[];
}

export interface DxpFixtureLine {
  businessId: DxpBusinessId;
  msisdn: string;
  /** What the line answers, for the README table and test names. */
  description: string;
  /** The JSON text served for the line. */
  responseBody: string;
}

/**
 * An msisdn suffix that makes any allowed business unit answer a status the
 * fixture lines cannot show, so clients can exercise their error handling.
 */
export type DxpTrigger =
  | {
      msisdnSuffix: string;
      kind: 'error';
      status: 429 | 500 | 502 | 503;
      /** `Retry-After` header value, in seconds, when the status carries one. */
      retryAfter?: string;
      description: string;
    }
  | { msisdnSuffix: string; kind: 'slow'; description: string };

export const DXP_TRIGGERS: readonly DxpTrigger[] = [
  {
    msisdnSuffix: '0429',
    kind: 'error',
    status: 429,
    retryAfter: '1',
    description: '429 Too Many Requests, `Retry-After: 1`',
  },
  { msisdnSuffix: '0500', kind: 'error', status: 500, description: '500 Internal Server Error' },
  { msisdnSuffix: '0502', kind: 'error', status: 502, description: '502 Bad Gateway' },
  {
    msisdnSuffix: '0503',
    kind: 'error',
    status: 503,
    retryAfter: '1',
    description: '503 Service Unavailable, `Retry-After: 1`',
  },
  {
    msisdnSuffix: '0999',
    kind: 'slow',
    description:
      "200 after the slow-line delay (10 s by default), with the body of the business unit's first line",
  },
];

type PriceRow = readonly [name: string, description: string, unit: string, value: number];

function addon(id: string, name: string, prices: readonly PriceRow[]): FixtureAddonItem {
  return {
    '@type': 'Addon',
    product: { id, name },
    itemPrice: prices.map(([priceName, description, unit, value]) => ({
      name: priceName,
      description,
      price: { dutyFreeAmount: { unit, value } },
    })),
  };
}

function order(
  planType: 'Postpaid' | 'Prepaid' | undefined,
  plan: { id: string; name: string },
  addons: FixtureAddonItem[],
): string {
  const body: FixtureProductOrder = {
    '@type': 'getAddons',
    ...(planType === undefined ? {} : { note: [{ text: `planType-${planType}` }] }),
    productOrderItem: [{ product: { ...plan, '@type': 'Plan' }, productOrderItem: addons }],
  };
  // Four-space indentation, like the seed, so every fixture reads the same on the wire.
  return JSON.stringify([body], null, 4);
}

const usd = 'USD';

export const DXP_FIXTURE_LINES: readonly DxpFixtureLine[] = [
  {
    businessId: 'PR',
    msisdn: '16654555678',
    description:
      "The seed's response, verbatim: postpaid, plan `PR_B2C_ULT_Extra_MB_Line`, three add-ons (USD 7.99, 0.00, 15.00)",
    responseBody: DXP_SEED_RESPONSE_TEXT,
  },
  {
    businessId: 'PR',
    msisdn: '17875550101',
    description: 'Prepaid (`planType-Prepaid`), plan `PR_B2C_PRE_Unlimited`, two add-ons',
    responseBody: order(
      'Prepaid',
      { id: 'PR_B2C_PRE_Unlimited', name: 'Liberty Prepago Ilimitado' },
      [
        addon('PR_B2C_PRE_Data_Pass_5GB', 'Liberty Data Pass 5GB', [
          ['Data Pass 5GB $10', 'Additional 5GB of high speed data for 30 days', usd, 10],
        ]),
        addon('PR_B2C_PRE_Intl_Calling_Voice', 'International Calling Prepaid', [
          ['Calling $5', 'International calling Add-ons $5', usd, 5],
        ]),
      ],
    ),
  },
  {
    businessId: 'PR',
    msisdn: '17875550102',
    description:
      'Postpaid, plan `PR_B2C_ULT_Unlimited_Line`, add-ons with several prices each (USD)',
    responseBody: order(
      'Postpaid',
      { id: 'PR_B2C_ULT_Unlimited_Line', name: 'Liberty U-Pick Unlimited' },
      [
        addon('PR_B2C_Mobile_IntRmg_Voice', 'Liberty International Passport', [
          ['Day Pass Roaming', 'Internation Day Pass $10/day', usd, 10],
          ['Week Pass Roaming', 'Internation Week Pass $40/week', usd, 40],
        ]),
        addon('PR_B2C_Mobile_Device_Protection', 'Liberty Device Protection', [
          ['Device Protection Basic $9.99', 'Device protection for phones up to $800', usd, 9.99],
          ['Device Protection Plus $14.99', 'Device protection for phones over $800', usd, 14.99],
          ['Device Protection Deductible', 'Deductible per claim', usd, 99],
        ]),
      ],
    ),
  },
  {
    businessId: 'PR',
    msisdn: '17875550103',
    description:
      'Postpaid, plan `PR_B2C_ULT_Basic_Line`, no add-ons (empty nested `productOrderItem`)',
    responseBody: order(
      'Postpaid',
      { id: 'PR_B2C_ULT_Basic_Line', name: 'Liberty U-Pick Basic' },
      [],
    ),
  },
  {
    businessId: 'PR',
    msisdn: '17875550104',
    description: 'No `note` at all (plan type unknown), plan `PR_B2B_Business_Line`, one add-on',
    responseBody: order(
      undefined,
      { id: 'PR_B2B_Business_Line', name: 'Liberty Business Mobile' },
      [
        addon('PR_B2B_Mobile_Hotspot', 'Business Mobile Hotspot', [
          ['Hotspot 20GB $20', 'Mobile hotspot 20GB add-on', usd, 20],
        ]),
      ],
    ),
  },
  {
    businessId: 'JM',
    msisdn: '18765550101',
    description: 'Postpaid, plan `JM_B2C_Flow_Postpaid_Plus`, two add-ons in JMD (1500, 2500)',
    responseBody: order(
      'Postpaid',
      { id: 'JM_B2C_Flow_Postpaid_Plus', name: 'Flow Postpaid Plus' },
      [
        addon('JM_B2C_Mobile_Roaming_Pass', 'Flow Roaming Pass', [
          ['Roaming Day Pass $1500', 'Caribbean and USA roaming day pass', 'JMD', 1500],
        ]),
        addon('JM_B2C_Mobile_Data_Boost_10GB', 'Flow Data Boost 10GB', [
          ['Data Boost 10GB $2500', 'Additional 10GB of data for the bill cycle', 'JMD', 2500],
        ]),
      ],
    ),
  },
  {
    businessId: 'JM',
    msisdn: '18765550102',
    description: 'Prepaid (`planType-Prepaid`), plan `JM_B2C_Flow_Prepaid_Data`, one add-on in JMD',
    responseBody: order(
      'Prepaid',
      { id: 'JM_B2C_Flow_Prepaid_Data', name: 'Flow Prepaid Data Plan' },
      [
        addon('JM_B2C_PRE_Social_Bundle', 'Flow Social Bundle', [
          ['Social Bundle $500', 'Unlimited social media for 7 days', 'JMD', 500],
        ]),
      ],
    ),
  },
  {
    businessId: 'TT',
    msisdn: '18685550101',
    description: 'Postpaid, plan `TT_B2C_Flow_Mobile_Max`, two add-ons in TTD',
    responseBody: order('Postpaid', { id: 'TT_B2C_Flow_Mobile_Max', name: 'Flow Mobile Max' }, [
      addon('TT_B2C_Mobile_Intl_Calling', 'Flow International Calling', [
        ['International Minutes $99', '200 international minutes to USA and Canada', 'TTD', 99],
      ]),
      addon('TT_B2C_Mobile_Roaming_Pass', 'Flow Roaming Pass', [
        ['Roaming Day Pass $75', 'Caribbean and USA roaming day pass', 'TTD', 75],
      ]),
    ]),
  },
  {
    businessId: 'BB',
    msisdn: '12465550101',
    description: 'Postpaid, plan `BB_B2C_Flow_Postpaid_Unlimited`, one add-on in BBD',
    responseBody: order(
      'Postpaid',
      { id: 'BB_B2C_Flow_Postpaid_Unlimited', name: 'Flow Postpaid Unlimited' },
      [
        addon('BB_B2C_Mobile_Roaming_Pass', 'Flow Roaming Pass', [
          ['Roaming Day Pass $20', 'Caribbean and USA roaming day pass', 'BBD', 20],
        ]),
      ],
    ),
  },
  {
    businessId: 'PA',
    msisdn: '50761234567',
    description: 'Prepaid (`planType-Prepaid`), plan `PA_B2C_Mas_Movil_Prepago`, one add-on in USD',
    responseBody: order('Prepaid', { id: 'PA_B2C_Mas_Movil_Prepago', name: '+Móvil Prepago' }, [
      addon('PA_B2C_PRE_Paquete_Datos', 'Paquete de Datos 3GB', [
        ['Paquete 3GB $5', 'Paquete de datos 3GB por 7 días', usd, 5],
      ]),
    ]),
  },
];

const linesByKey = new Map(
  DXP_FIXTURE_LINES.map((line) => [`${line.businessId}:${line.msisdn}`, line]),
);

/** The fixture line for a business unit and msisdn, or `undefined` (the sandbox answers 404). */
export function findFixtureLine(
  businessId: DxpBusinessId,
  msisdn: string,
): DxpFixtureLine | undefined {
  return linesByKey.get(`${businessId}:${msisdn}`);
}

/** The slow line answers like its business unit's first listed line. */
export function slowLineResponseBody(businessId: DxpBusinessId): string {
  const line = DXP_FIXTURE_LINES.find((candidate) => candidate.businessId === businessId);
  if (!line) throw new Error(`no dxp fixture line for business id ${businessId}`);
  return line.responseBody;
}

/** The trigger whose suffix ends `msisdn`, if any; triggers win over fixture lines. */
export function findTrigger(msisdn: string): DxpTrigger | undefined {
  return DXP_TRIGGERS.find((trigger) => msisdn.endsWith(trigger.msisdnSuffix));
}
