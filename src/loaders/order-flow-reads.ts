import DataLoader from 'dataloader';
import type { Domains } from './domains.js';
import type { CallContext } from '../upstreams/call-context.js';
import type { PxOrderKey, PxRetrieveRccRequest } from '../upstreams/px/types.js';
import { fetchEach } from './fetch-each.js';

const PX_CONCURRENCY = 5;

const orderKeyId = (key: PxOrderKey) =>
  JSON.stringify([key.partnerId, key.partnerOrderId, key.transactionId]);

/**
 * Disclosures asked for in this request, through the order flow: the same
 * retrieval asked twice (aliases, fragments) costs one Px call. A typed error
 * is an answer like any other, kept for the request.
 */
export function createRccByRequestLoader(domains: Pick<Domains, 'ordering'>, call: CallContext) {
  return new DataLoader(
    (requests: readonly PxRetrieveRccRequest[]) =>
      fetchEach(requests, (request) => domains.ordering.disclosure(request, call), PX_CONCURRENCY),
    {
      name: 'rccByRequest',
      cacheKeyFn: (request) =>
        JSON.stringify([orderKeyId(request), request.salesCode, request.addressDetailId]),
    },
  );
}

/** RCC acceptances, through the order flow: one Px call per distinct order key in an operation. */
export function createAcceptanceByOrderKeyLoader(
  domains: Pick<Domains, 'ordering'>,
  call: CallContext,
) {
  return new DataLoader(
    (keys: readonly PxOrderKey[]) =>
      fetchEach(keys, (key) => domains.ordering.acceptance(key, call), PX_CONCURRENCY),
    { name: 'acceptanceByOrderKey', cacheKeyFn: orderKeyId },
  );
}
