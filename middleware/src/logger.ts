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
    // A `msg` inside the logged object would be written beside the line's own message: two `msg` keys in
    // one JSON line, of which most readers keep only one. It is kept as `detail` instead.
    formatters: { log: (object) => ('msg' in object ? renameMsg(object) : object) },
    ...options,
  };
  return destination ? pino(base, destination) : pino(base);
}

function renameMsg(object: Record<string, unknown>): Record<string, unknown> {
  const { msg, ...rest } = object;
  return { ...rest, detail: msg };
}

export type { Logger };
