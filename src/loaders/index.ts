import type { Services } from '../services.js';
import type { CallContext } from '../upstreams/call-context.js';
import { createAcceptanceByOrderKeyLoader } from './acceptance-by-order-key.js';
import {
  createDisclosureByPairLoader,
  createOrderByPartnerOrderIdLoader,
} from './journal-loaders.js';
import { createLineByKeyLoader } from './line-by-key.js';
import { createRccByRequestLoader } from './rcc-by-request.js';

/** The request's DataLoaders: created per request, never shared between users. */
export function createLoaders(services: Services, call: CallContext) {
  return {
    lineByKey: createLineByKeyLoader(services, call),
    rccByRequest: createRccByRequestLoader(services, call),
    acceptanceByOrderKey: createAcceptanceByOrderKeyLoader(services, call),
    orderByPartnerOrderId: createOrderByPartnerOrderIdLoader(services),
    disclosureByPair: createDisclosureByPairLoader(services),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
