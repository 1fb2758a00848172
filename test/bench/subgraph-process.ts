import type * as AppModule from '../../src/process/start.js';
import type * as ConfigModule from '../../src/process/config.js';
import { existsSync } from 'node:fs';
import { serveCommands } from './ipc.js';

/**
 * The subject: the subgraph as `npm start` runs it, compiled by tsc (the
 * driver builds it into BENCH_BUILD_DIR) rather than through tsx's loader,
 * configured by the environment the driver gives this process.
 */
const buildDir = process.env['BENCH_BUILD_DIR'];
if (buildDir === undefined) throw new Error('BENCH_BUILD_DIR is required');
const compiled = (path: string) => new URL(path, `file://${buildDir}/`).href;
// A BENCH_B build of a commit before src/ had its folders keeps these at src/'s root.
const layout = existsSync(new URL(compiled('src/process/start.js')))
  ? { start: 'src/process/start.js', config: 'src/process/config.js' }
  : { start: 'src/app.js', config: 'src/config.js' };
const { startApp } = (await import(compiled(layout.start))) as typeof AppModule;
const { loadConfig } = (await import(compiled(layout.config))) as typeof ConfigModule;

const app = await startApp(loadConfig(process.env));
serveCommands(`${app.url}/graphql`, {}, () => app.close());
