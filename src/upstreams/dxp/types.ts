import Type from 'typebox';
import type { PlanType } from '../../generated/resolvers-types.js';
import type { CallContext } from '../call-context.js';

/**
 * The dxp-ux productOrder (getAddons) answer, as the seed documents it. Every
 * field the seed marks optional stays optional here: the mapping decides what
 * a missing one means, the schema only rejects what has the wrong shape.
 */
const Amount = Type.Object({
  unit: Type.String(),
  // Decimal holds at most 15 integer digits: a larger amount cannot be
  // answered as a price, so it is a wrong-shaped answer like any other.
  value: Type.Number({ exclusiveMinimum: -1e15, exclusiveMaximum: 1e15 }),
});

export const DxpItemPriceSchema = Type.Object({
  name: Type.Optional(Type.String()),
  description: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  price: Type.Object({ dutyFreeAmount: Amount }),
});

export const DxpProductSchema = Type.Object({
  id: Type.String(),
  name: Type.Optional(Type.String()),
  '@type': Type.Optional(Type.String()),
});

export const DxpAddonItemSchema = Type.Object({
  '@type': Type.Optional(Type.String()),
  product: DxpProductSchema,
  itemPrice: Type.Optional(Type.Array(DxpItemPriceSchema)),
});

export const DxpPlanItemSchema = Type.Object({
  product: DxpProductSchema,
  productOrderItem: Type.Optional(Type.Array(DxpAddonItemSchema)),
});

export const DxpProductOrderSchema = Type.Object({
  '@type': Type.Optional(Type.String()),
  note: Type.Optional(Type.Array(Type.Object({ text: Type.Optional(Type.String()) }))),
  productOrderItem: Type.Optional(Type.Array(DxpPlanItemSchema)),
});

export const DxpProductOrderResponseSchema = Type.Array(DxpProductOrderSchema);

export type DxpItemPrice = Type.Static<typeof DxpItemPriceSchema>;
export type DxpProduct = Type.Static<typeof DxpProductSchema>;
export type DxpAddonItem = Type.Static<typeof DxpAddonItemSchema>;
export type DxpPlanItem = Type.Static<typeof DxpPlanItemSchema>;
export type DxpProductOrderResponse = Type.Static<typeof DxpProductOrderResponseSchema>;

/** One line as dxp-ux described it: the key it was asked by, and its plan item. */
export interface MobileLineRecord {
  businessId: string;
  msisdn: string;
  /** `planType-Postpaid` → POSTPAID; null when dxp-ux gave no plan-type note. */
  planType: PlanType | null;
  plan: DxpProduct;
  addons: DxpAddonItem[];
}

/** Where to find one line: the loader and cache key. */
export interface LineKey {
  businessId: string;
  msisdn: string;
}

/**
 * dxp-ux as this subgraph uses it. Failures are `TypedError`s from the
 * status table (LineNotFound, InvalidField, RateLimited, UpstreamUnavailable).
 */
export interface DxpClient {
  getLine(key: LineKey, call: CallContext): Promise<MobileLineRecord>;
  close(): Promise<void>;
}
