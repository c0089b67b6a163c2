import type { Server } from 'node:http';
import type { Config } from './config';
import { ALL_GROUPS, loadSettingsFor } from './config-groups';
import { createLedgerline } from './container';
import { isAppError } from './errors';
import { createLogger } from './logger';
import { lowerWorkerPriority } from './worker-priority';

/** Production entry point: settings from the environment, no emulators. */
async function main(): Promise<void> {
  const logger = createLogger();
  let config: Config;
  try {
    // Every setting the middleware uses, Salesforce's included, is checked now: all problems in one message.
    config = loadSettingsFor(process.env, ALL_GROUPS, 'The middleware');
  } catch (error) {
    logger.fatal(isAppError(error) ? { code: error.code, fix: error.fix } : {}, (error as Error).message);
    process.exit(1);
  }
  // Before anything runs: a worker yields the CPU to a web role sharing its host (WORKER_NICE).
  lowerWorkerPriority(config, logger);
  const ledgerline = await createLedgerline(config, { logger }).catch((error: unknown) => {
    // The cause's message too (e.g. the database's answer to a failed migration), which the fix may point to.
    const cause = isAppError(error) && error.cause !== undefined ? { cause: error.cause instanceof Error ? error.cause.message : String(error.cause) } : {};
    logger.fatal(isAppError(error) ? { code: error.code, fix: error.fix, ...cause } : { err: error }, (error as Error).message);
    process.exit(1);
  });
  // A worker answers only the operators' probes and metrics: Salesforce and Intuit are routed to web processes.
  const role = config.LEDGERLINE_ROLE;
  const server: Server = (role === 'worker' ? ledgerline.opsApp : ledgerline.app).listen(config.PORT, () => {
    logger.info({ port: config.PORT, role, store: ledgerline.store.description }, 'ledgerline middleware listening');
  });
  ledgerline.start();
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: answering requests in flight, finishing or releasing claimed jobs');
    // Requests in flight are answered (their events and jobs stored) before the database closes: up to 10 s.
    const answered = new Promise<void>((resolve) => {
      server.close(() => resolve());
      setTimeout(resolve, 10_000).unref();
    });
    answered
      .then(() => ledgerline.stop(10_000))
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

void main();
