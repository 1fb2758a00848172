import type { Domains } from './domains.js';
import type { CallContext } from '../upstreams/call-context.js';
import { createDisclosureByKeyLoader, createOrderByRefLoader } from './journal-loaders.js';
import { createLineByKeyLoader } from './line-by-key.js';
import { createAcceptanceByOrderKeyLoader, createRccByRequestLoader } from './order-flow-reads.js';

/** The request's DataLoaders: created per request, never shared between users. */
export function createLoaders(domains: Domains, call: CallContext) {
  return {
    lineByKey: createLineByKeyLoader(domains, call),
    rccByRequest: createRccByRequestLoader(domains, call),
    acceptanceByOrderKey: createAcceptanceByOrderKeyLoader(domains, call),
    orderByRef: createOrderByRefLoader(domains),
    disclosureByKey: createDisclosureByKeyLoader(domains),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
