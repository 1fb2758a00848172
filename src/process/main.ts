import { startApp } from './start.js';
import { ConfigError, loadConfig } from './config.js';

/**
 * After SIGTERM, in-flight requests get as long as a request may take
 * (REQUEST_DEADLINE_MS) and this margin to finish: a completeOrder that Px is
 * still answering must be journaled, not cut off between Px taking the order
 * and the journal recording it.
 */
const SHUTDOWN_MARGIN_MS = 2_000;

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }

  const app = await startApp(config);
  app.logger.info(
    { url: `${app.url}/graphql`, nodeEnv: config.nodeEnv },
    'ordering subgraph ready',
  );

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    // A second signal is someone who will not wait (Ctrl-C twice).
    if (stopping) {
      app.logger.warn({ signal }, 'second signal while shutting down; exiting now');
      process.exit(1);
    }
    stopping = true;
    app.logger.info({ signal }, 'shutting down: no new requests, finishing in-flight ones');
    const graceMs = config.requestDeadlineMs + SHUTDOWN_MARGIN_MS;
    const forced = setTimeout(() => {
      app.logger.error({ graceMs }, 'in-flight requests did not finish within the grace period');
      process.exit(1);
    }, graceMs);
    forced.unref();
    app.close().then(
      () => {
        app.logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        app.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `Start-up failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
