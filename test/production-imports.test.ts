import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../src/graphql/project-root.js';

interface ImportEdge {
  path: string;
  kind: string;
  external?: boolean;
}

/**
 * The production import graph of `npm start`: every module reached from the
 * entry point by static imports (what Node loads before a line runs), and the
 * dynamic imports met on the way (loaded only when the code takes them).
 */
async function startGraph() {
  const result = await build({
    entryPoints: [join(projectRoot(), 'src/process/main.ts')],
    absWorkingDir: projectRoot(),
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'silent',
  });
  const inputs = result.metafile.inputs as Record<string, { imports: ImportEdge[] }>;
  const loaded = new Set<string>();
  const packages = new Set<string>();
  const dynamic: { from: string; to: string }[] = [];
  const visit = (file: string) => {
    if (loaded.has(file)) return;
    loaded.add(file);
    for (const edge of inputs[file]?.imports ?? []) {
      if (edge.kind === 'dynamic-import') dynamic.push({ from: file, to: edge.path });
      else if (edge.external) packages.add(edge.path);
      else visit(edge.path);
    }
  };
  visit('src/process/main.ts');
  return { loaded: [...loaded], packages: [...packages], dynamic };
}

describe('what a production start loads', () => {
  it('loads no sandbox module and not Fastify: the sandboxes come in by one dynamic import, taken only for an upstream without a URL', async () => {
    const graph = await startGraph();
    expect(graph.loaded).toContain('src/process/start.ts');
    expect(graph.loaded.filter((file) => file.startsWith('src/sandbox/'))).toEqual([]);
    expect(
      graph.packages.filter((name) => name === 'fastify' || name.startsWith('fastify/')),
    ).toEqual([]);
    expect(graph.dynamic.filter(({ to }) => to.startsWith('src/sandbox/'))).toEqual([
      { from: 'src/process/start.ts', to: 'src/sandbox/embedded.ts' },
    ]);
  });
});
