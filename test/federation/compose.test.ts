import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse, print } from 'graphql';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/graphql/project-root.js';
import { CUSTOMERS_TYPE_DEFS } from '../../schema/supergraph/customers-subgraph.js';
import {
  CompositionFailedError,
  EXAMPLE_ROUTING_URLS,
  composeSubgraphs,
  exampleSubgraphs,
} from '../../schema/supergraph/supergraph.js';
import { thrownBy } from '../helpers/thrown.js';

const run = promisify(execFile);

describe('composition of this subgraph with the example subgraphs', () => {
  it('npm run compose writes the supergraph and says where, with no hints', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'compose-'));
    try {
      const output = join(folder, 'supergraph.graphql');
      const { stdout } = await run(
        process.execPath,
        ['--import', 'tsx', 'schema/supergraph/compose.ts', output],
        { cwd: projectRoot(), timeout: 60_000 },
      );
      expect(stdout).toContain(`with 0 hint(s): ${output}`);
      const supergraph = await readFile(output, 'utf8');
      for (const [name, url] of Object.entries(EXAMPLE_ROUTING_URLS)) {
        expect(supergraph).toContain(`@join__graph(name: "${name}", url: "${url}")`);
      }
      // The router plans MobileLine and Order fetches to ordering, Product to catalog.
      expect(supergraph).toContain('@join__type(graph: ORDERING, key: "businessId msisdn")');
      expect(supergraph).toContain('@join__type(graph: CATALOG, key: "id")');
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }, 60_000);

  it('fails with the composition errors when a subgraph disagrees on a key type', () => {
    const broken = print(CUSTOMERS_TYPE_DEFS).replace('msisdn: Msisdn!', 'msisdn: Int!');
    const subgraphs = exampleSubgraphs().map((subgraph) =>
      subgraph.name === 'customers' ? { ...subgraph, typeDefs: parse(broken) } : subgraph,
    );
    const failure = thrownBy(() => composeSubgraphs(subgraphs));
    expect(failure).toBeInstanceOf(CompositionFailedError);
    expect((failure as CompositionFailedError).errors.join('\n')).toMatch(
      /FIELD_TYPE_MISMATCH: .*MobileLine\.msisdn/,
    );
  });
});
