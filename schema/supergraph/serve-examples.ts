// npm run subgraphs:examples: the example customers and catalog subgraphs on
// the ports the composed supergraph routes to, for trying a router locally
// beside `npm start`. Ctrl-C stops them.
import { startCatalogSubgraph } from './catalog-subgraph.js';
import { startCustomersSubgraph } from './customers-subgraph.js';
import { EXAMPLE_ROUTING_URLS } from './supergraph.js';

const portOf = (url: string) => Number(new URL(url).port);

const customers = await startCustomersSubgraph(undefined, portOf(EXAMPLE_ROUTING_URLS.customers));
const catalog = await startCatalogSubgraph(portOf(EXAMPLE_ROUTING_URLS.catalog));
console.log(`customers subgraph: ${customers.url}`);
console.log(`catalog subgraph:   ${catalog.url}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void Promise.all([customers.close(), catalog.close()]).then(() => process.exit(0));
  });
}
