import DataLoader from 'dataloader';
import type { Services } from '../services.js';
import type { CallContext } from '../upstreams/call-context.js';
import type { PxAcceptance, PxOrderKey } from '../upstreams/px/types.js';
import { fetchEach } from './fetch-each.js';

const PX_CONCURRENCY = 5;

/** RCC acceptances from Px: one call per distinct order key in an operation. */
export function createAcceptanceByOrderKeyLoader(
  services: Pick<Services, 'px'>,
  call: CallContext,
) {
  return new DataLoader<PxOrderKey, PxAcceptance, string>(
    (keys) => fetchEach(keys, (key) => services.px.getRccAcceptance(key, call), PX_CONCURRENCY),
    {
      name: 'acceptanceByOrderKey',
      cacheKeyFn: (key) => JSON.stringify([key.partnerId, key.partnerOrderId, key.transactionId]),
    },
  );
}
