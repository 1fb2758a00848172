import { lineNotFound } from './errors.js';
import type { DxpPlanItem, DxpProductOrderResponse, LineKey, MobileLineRecord } from './types.js';

/**
 * From dxp-ux's getAddons answer to the line this subgraph serves: the plan
 * item, its nested add-ons and the plan type from the notes.
 *
 * An answer without any plan item (an empty array, or orders without items)
 * is answered as LineNotFoundError: dxp-ux knows no plan for the line, the
 * schema cannot show a line without one, and calling it "unavailable" would
 * send the agent into retries that cannot help and trip the breaker.
 * `upstreamCode` '200' tells support it was not a 404.
 */
export function toMobileLineRecord(
  key: LineKey,
  response: DxpProductOrderResponse,
): MobileLineRecord {
  const items = response.flatMap((order) => order.productOrderItem ?? []);
  const plan = items.find(isPlanItem) ?? items[0];
  if (!plan) throw lineNotFound(key.msisdn, '200');
  return {
    businessId: key.businessId,
    msisdn: key.msisdn,
    planType: planTypeOf(response),
    plan: plan.product,
    addons: plan.productOrderItem ?? [],
  };
}

function isPlanItem(item: DxpPlanItem): boolean {
  return item.product['@type']?.toLowerCase() === 'plan';
}

const PLAN_TYPE_NOTE = /^plantype-(postpaid|prepaid)$/i;

function planTypeOf(response: DxpProductOrderResponse): MobileLineRecord['planType'] {
  for (const order of response) {
    for (const note of order.note ?? []) {
      const match = PLAN_TYPE_NOTE.exec(note.text?.trim() ?? '');
      if (match?.[1]) return match[1].toLowerCase() === 'postpaid' ? 'POSTPAID' : 'PREPAID';
    }
  }
  return null;
}
