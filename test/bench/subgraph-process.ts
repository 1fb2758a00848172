import type * as AppModule from '../../src/process/start.js';
import type * as ConfigModule from '../../src/process/config.js';
import { serveCommands } from './ipc.js';

/**
 * The subject: the subgraph as `npm start` runs it, compiled by tsc (the
 * driver builds it into BENCH_BUILD_DIR) rather than through tsx's loader,
 * configured by the environment the driver gives this process.
 */
const buildDir = process.env['BENCH_BUILD_DIR'];
if (buildDir === undefined) throw new Error('BENCH_BUILD_DIR is required');
const compiled = (path: string) => new URL(path, `file://${buildDir}/`).href;
const { startApp } = (await import(compiled('src/process/start.js'))) as typeof AppModule;
const { loadConfig } = (await import(compiled('src/process/config.js'))) as typeof ConfigModule;

const app = await startApp(loadConfig(process.env));
serveCommands(`${app.url}/graphql`, {}, () => app.close());
