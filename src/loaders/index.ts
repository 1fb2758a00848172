import type { Services } from '../process/services.js';
import type { CallContext } from '../upstreams/call-context.js';
import { createDisclosureByKeyLoader, createOrderByRefLoader } from './journal-loaders.js';
import { createLineByKeyLoader } from './line-by-key.js';
import { createAcceptanceByOrderKeyLoader, createRccByRequestLoader } from './order-flow-reads.js';

/** The request's DataLoaders: created per request, never shared between users. */
export function createLoaders(services: Services, call: CallContext) {
  return {
    lineByKey: createLineByKeyLoader(services, call),
    rccByRequest: createRccByRequestLoader(services, call),
    acceptanceByOrderKey: createAcceptanceByOrderKeyLoader(services, call),
    orderByRef: createOrderByRefLoader(services),
    disclosureByKey: createDisclosureByKeyLoader(services),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
