import pino, { type Logger, type LoggerOptions } from 'pino';

/**
 * Paths that may carry secrets anywhere in a log object. pino replaces them before serialising,
 * so a token or key never reaches a log line even when a whole request or error is logged.
 */
export const REDACT_PATHS = [
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers["intuit-signature"]',
  'access_token',
  'refresh_token',
  '*.access_token',
  '*.refresh_token',
  '*.accessToken',
  '*.refreshToken',
  'accessToken',
  'refreshToken',
  'token',
  '*.token',
  'password',
  '*.password',
  'clientSecret',
  '*.clientSecret',
  'client_secret',
  '*.client_secret',
  'apiKey',
  '*.apiKey',
  'privateKey',
  '*.privateKey',
  'encryptionKey',
  '*.encryptionKey',
];

export function createLogger(options: LoggerOptions = {}, destination?: pino.DestinationStream): Logger {
  const base: LoggerOptions = {
    level: process.env.LOG_LEVEL ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { service: 'ledgerline' },
    ...options,
  };
  return destination ? pino(base, destination) : pino(base);
}

export type { Logger };
