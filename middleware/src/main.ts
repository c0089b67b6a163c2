import { loadConfig } from './config';
import { createLogger } from './logger';
import { createApp } from './http/app';
import { isAppError } from './errors';

/** Production entry point: settings from the environment, no emulators. */
async function main(): Promise<void> {
  const logger = createLogger();
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    logger.fatal(isAppError(error) ? { code: error.code, fix: error.fix } : {}, (error as Error).message);
    process.exit(1);
  }
  const app = createApp({ logger, bodyLimit: config.BODY_LIMIT });
  const server = app.listen(config.PORT, () => {
    logger.info({ port: config.PORT }, 'ledgerline middleware listening');
  });
  const stop = (signal: string): void => {
    logger.info({ signal }, 'shutting down');
    server.close(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

void main();
