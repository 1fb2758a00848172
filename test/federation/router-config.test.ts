import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/process/config.js';
import { CORRELATION_HEADER } from '../../src/observability/correlation.js';
import { ROUTER_SECRET_HEADER } from '../../src/http/router-secret.js';
import { projectRoot } from '../../src/graphql/project-root.js';
import { PUBLISHED_SCHEMA_PATH } from '../../schema/supergraph/published-schema.js';
import { EXAMPLE_ROUTING_URLS, composeSubgraphs } from '../../schema/supergraph/supergraph.js';
import { PARTNER_CLAIM, PARTNER_HEADER } from './hive-gateway.js';

const folder = join(projectRoot(), 'schema', 'supergraph');
const read = (file: string) => readFileSync(join(folder, file), 'utf8');

/** `key: 30s` under a YAML block that starts with `block:`, in seconds. */
function secondsUnder(yaml: string, block: RegExp): number {
  const match = new RegExp(`${block.source}[\\s\\S]*?timeout: (\\d+)s`).exec(yaml);
  if (!match?.[1]) throw new Error(`no timeout under ${block.source}`);
  return Number(match[1]);
}

describe('schema/supergraph/supergraph.yaml (rover)', () => {
  const yaml = read('supergraph.yaml');
  const subgraphs = [
    ...yaml.matchAll(/^ {2}(\w+):\n {4}routing_url: (\S+)\n {4}schema:\n {6}file: (\S+)$/gm),
  ].map(([, name, url, file]) => ({ name, url, file: resolve(folder, file ?? '') }));

  it('routes to the subgraphs npm run compose composes, from files that exist', () => {
    expect(Object.fromEntries(subgraphs.map(({ name, url }) => [name, url]))).toEqual(
      EXAMPLE_ROUTING_URLS,
    );
    for (const { file } of subgraphs) expect(existsSync(file), file).toBe(true);
    expect(subgraphs.find(({ name }) => name === 'ordering')?.file).toBe(PUBLISHED_SCHEMA_PATH);
  });

  it('names files that compose, as rover would compose them, with no hints', () => {
    const composed = composeSubgraphs(
      subgraphs.map(({ name, url, file }) => ({
        name: name ?? '',
        url: url ?? '',
        typeDefs: parse(readFileSync(file, 'utf8')),
      })),
    );
    expect(composed.hints).toEqual([]);
  });

  it('asks rover for the composition version this project composes with', () => {
    const installed = (
      JSON.parse(
        readFileSync(join(projectRoot(), 'node_modules/@apollo/composition/package.json'), 'utf8'),
      ) as { version: string }
    ).version;
    expect(yaml).toContain(`federation_version: =${installed}\n`);
  });
});

describe('schema/supergraph/router.yaml (Apollo Router)', () => {
  const yaml = read('router.yaml');

  it('sends the ordering subgraph its secret and every subgraph the correlation id', () => {
    expect(yaml).toMatch(
      new RegExp(
        `subgraphs:\\n {4}ordering:\\n {6}request:\\n(?: *#.*\\n)* {8}- insert:\\n {12}name: ${ROUTER_SECRET_HEADER}\\n {12}value: \\$\\{env\\.ROUTER_SECRET\\}\\n`,
        'i',
      ),
    );
    expect(yaml).toMatch(
      new RegExp(
        `all:\\n {4}request:\\n(?: *#.*\\n)* {6}- propagate:\\n {10}named: ${CORRELATION_HEADER}\\n`,
      ),
    );
  });

  it('finds the ordering subgraph where the supergraph says, unless told otherwise', () => {
    expect(yaml).toContain(
      `ordering: \${env.ORDERING_SUBGRAPH_URL:-${EXAMPLE_ROUTING_URLS.ordering}}\n`,
    );
  });

  it("waits for the ordering subgraph longer than the subgraph's own deadline, and the client longer still", () => {
    const deadlineSeconds = loadConfig({}).requestDeadlineMs / 1000;
    const ordering = secondsUnder(yaml, /traffic_shaping:[\s\S]*?subgraphs:\n {4}ordering:/);
    const router = secondsUnder(yaml, /traffic_shaping:\n {2}router:/);
    expect(ordering).toBeGreaterThan(deadlineSeconds);
    expect(router).toBeGreaterThan(ordering);
  });
});

describe("the README's router settings (Compose it into a supergraph)", () => {
  const readme = readFileSync(join(projectRoot(), 'README.md'), 'utf8');
  const section = readme.slice(
    readme.indexOf('## Compose it into a supergraph'),
    readme.indexOf('## Performance'),
  );
  const blocks = (language: string) =>
    [...section.matchAll(new RegExp(`\`\`\`${language}\n([\\s\\S]*?)\`\`\``, 'g'))].map(
      (match) => match[1] ?? '',
    );
  const trimmedLines = (text: string) =>
    text
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);

  it('shows Hive Gateway settings that test/federation/hive-gateway.ts runs, line for line', () => {
    const shown = blocks('ts').flatMap(trimmedLines);
    expect(shown).toContain('responseCaching: {');
    const run = new Set(
      trimmedLines(readFileSync(join(projectRoot(), 'test/federation/hive-gateway.ts'), 'utf8')),
    );
    expect(shown.filter((line) => !run.has(line))).toEqual([]);
  });

  it("points Apollo Router at partner.rhai, which sets x-partner-id for the ordering subgraph from the token and the response cache's private_id from sub", () => {
    const yaml = blocks('yaml').find((block) => block.includes('response_cache:')) ?? '';
    const [, scripts] = /^ {2}scripts: (\S+)$/m.exec(yaml) ?? [];
    const [, main] = /^ {2}main: (\S+)$/m.exec(yaml) ?? [];
    const [, privateId] = /^ {8}private_id: (\w+)/m.exec(yaml) ?? [];
    expect(yaml).toMatch(/^ {4}subgraphs:\n {6}ordering:\n {8}enabled: true\n/m);
    const file = join(projectRoot(), scripts ?? '', main ?? '');
    expect(existsSync(file), file).toBe(true);
    const script = readFileSync(file, 'utf8');
    expect(script).toContain(`request.context["${privateId ?? ''}"] = claims["sub"];`);
    expect(script).toContain('if subgraph == "ordering" {');
    expect(script).toContain(`request.subgraph.headers.remove("${PARTNER_HEADER}");`);
    expect(script).toContain(
      `request.subgraph.headers["${PARTNER_HEADER}"] = claims["${PARTNER_CLAIM}"];`,
    );
    expect(Object.keys(EXAMPLE_ROUTING_URLS)).toContain('ordering');
  });
});
