import { readExampleTypeDefs, serveSubgraph, type RunningSubgraph } from './subgraph-server.js';

export const CATALOG_TYPE_DEFS = readExampleTypeDefs('catalog.graphql');

interface CatalogEntry {
  id: string;
  name: string;
  description: string;
}

/** What the example catalog knows: the seed line's plan and add-ons, and the Px sandbox's order items. */
export const CATALOG: readonly CatalogEntry[] = [
  {
    id: 'PR_B2C_ULT_Extra_MB_Line',
    name: 'Liberty U-Pick Mobile Plus',
    description: 'Postpaid plan with extra mobile data.',
  },
  {
    id: 'PR_B2C_Liberty_Home_Roadside_Assistance',
    name: 'Liberty Home & Road Assistance',
    description: 'Home and roadside assistance, billed monthly.',
  },
  {
    id: 'PR_B2C_Mobile_IntRmg_Voice',
    name: 'Liberty International Passport',
    description: 'Roaming abroad by the day.',
  },
  {
    id: 'PR_B2C_Mobile_Pospaid_International_Calling_Voice',
    name: 'International Calling',
    description: 'Calls to international numbers from a postpaid line.',
  },
  {
    id: 'PRD-FIBER-940',
    name: 'Fiber Internet 940 Mbps',
    description: 'Home fiber internet.',
  },
  {
    id: 'PRD-INTERNET-100',
    name: 'Internet 100 Mbps',
    description: 'Home internet.',
  },
  {
    id: 'PRD-MODEM-C4000',
    name: 'Modem C4000 lease',
    description: 'The modem, leased monthly.',
  },
  {
    id: 'PRD-INSTALL-PRO',
    name: 'Professional installation',
    description: 'A technician installs the service.',
  },
];

/** An example catalog subgraph: it owns Product; the ordering subgraph only references it. */
export function startCatalogSubgraph(port = 0): Promise<RunningSubgraph> {
  const byId = new Map(CATALOG.map((entry) => [entry.id, entry]));
  const lookUp = ({ id }: { id: string }) => byId.get(id) ?? null;
  return serveSubgraph(
    CATALOG_TYPE_DEFS,
    {
      Query: { product: (_root: unknown, args: { id: string }) => lookUp(args) },
      Product: { __resolveReference: lookUp },
    },
    port,
  );
}
