import DataLoader from 'dataloader';
import type { Services } from '../services.js';
import type { DisclosureRecord } from '../store/types.js';
import type { CallContext } from '../upstreams/call-context.js';
import type { PxRetrieveRccRequest } from '../upstreams/px/types.js';
import { fetchEach } from './fetch-each.js';

const PX_CONCURRENCY = 5;

/**
 * Disclosures retrieved from Px in this request: the same retrieval asked
 * twice (aliases, fragments) costs one call. Each one is journaled, which
 * gives the pair check, the expiry check and entity resolution their data.
 */
export function createRccByRequestLoader(
  services: Pick<Services, 'px' | 'journal'>,
  call: CallContext,
) {
  return new DataLoader<PxRetrieveRccRequest, DisclosureRecord, string>(
    (requests) =>
      fetchEach(
        requests,
        async (request) => {
          const rcc = await services.px.retrieveRcc(request, call);
          const record: DisclosureRecord = {
            key: {
              partnerId: request.partnerId,
              partnerOrderId: rcc.partnerOrderId,
              transactionId: rcc.transactionId,
            },
            rcc,
            retrievedAt: new Date().toISOString(),
          };
          await services.journal.saveDisclosure(record).catch((error: unknown) => {
            call.logger.warn({ err: error }, 'could not journal a disclosure; Px still has it');
          });
          return record;
        },
        PX_CONCURRENCY,
      ),
    {
      name: 'rccByRequest',
      cacheKeyFn: (r) =>
        JSON.stringify([
          r.partnerId,
          r.partnerOrderId,
          r.transactionId,
          r.salesCode,
          r.addressDetailId,
        ]),
    },
  );
}
