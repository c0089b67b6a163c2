/**
 * Which settings each entry point needs. The middleware (`npm start`) needs them all; a CLI command only
 * those of what it touches (`jobs` only the store). Every missing variable is named in one message, with
 * any invalid one, so a person fixes the environment once instead of one group per try.
 */
import { randomBytes } from 'node:crypto';
import { loadConfig, type Config } from './config';
import { AppError, isAppError } from './errors';

export type SettingGroup = 'api' | 'store' | 'quickbooks' | 'salesforce';
export const ALL_GROUPS: readonly SettingGroup[] = ['api', 'store', 'quickbooks', 'salesforce'];

const has = (env: NodeJS.ProcessEnv, name: string): boolean => Boolean(env[name]?.trim());

/** The variables a group needs that `env` does not set. */
export function missingSettings(env: NodeJS.ProcessEnv, groups: readonly SettingGroup[]): string[] {
  const missing: string[] = [];
  const need = (name: string) => {
    if (!has(env, name)) missing.push(name);
  };
  if (groups.includes('api')) ['LEDGERLINE_API_KEYS', 'LEDGERLINE_ADMIN_KEYS'].forEach(need);
  if (groups.includes('store')) need('LEDGERLINE_ENCRYPTION_KEY');
  if (groups.includes('quickbooks')) ['QBO_CLIENT_ID', 'QBO_CLIENT_SECRET', 'QBO_REDIRECT_URI'].forEach(need);
  if (groups.includes('salesforce')) {
    need('SALESFORCE_CLIENT_ID');
    if (!has(env, 'SALESFORCE_CLIENT_SECRET') && !has(env, 'SALESFORCE_PRIVATE_KEY')) {
      missing.push('SALESFORCE_CLIENT_SECRET (client credentials) or SALESFORCE_PRIVATE_KEY with SALESFORCE_USERNAME (JWT bearer)');
    }
  }
  return missing;
}

/**
 * Stand-ins for settings a command does not use, so the one validated schema loads: the API and admin keys guard an
 * HTTP server a CLI command never starts, and the QuickBooks app is only needed to talk to QuickBooks.
 */
function standIns(env: NodeJS.ProcessEnv, groups: readonly SettingGroup[]): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  if (!groups.includes('api') && !has(env, 'LEDGERLINE_API_KEYS')) out.LEDGERLINE_API_KEYS = randomBytes(32).toString('base64url');
  if (!groups.includes('api') && !has(env, 'LEDGERLINE_ADMIN_KEYS')) out.LEDGERLINE_ADMIN_KEYS = randomBytes(32).toString('base64url');
  if (!groups.includes('quickbooks') && !['QBO_CLIENT_ID', 'QBO_CLIENT_SECRET', 'QBO_REDIRECT_URI'].some((n) => has(env, n))) {
    Object.assign(out, { QBO_CLIENT_ID: 'not-used-by-this-command', QBO_CLIENT_SECRET: 'not-used-by-this-command', QBO_REDIRECT_URI: 'http://127.0.0.1/not-used' });
  }
  return out;
}

/** Validates what `who` needs; the error names every missing and every invalid variable at once. */
export function loadSettingsFor(env: NodeJS.ProcessEnv, groups: readonly SettingGroup[], who: string): Config {
  const missing = missingSettings(env, groups);
  let config: Config | undefined;
  let invalid: string[] = [];
  try {
    config = loadConfig({ ...env, ...standIns(env, groups) });
  } catch (error) {
    if (!isAppError(error)) throw error;
    // A problem about a variable already named as missing is not repeated.
    const problems = error.message.replace(/^Invalid configuration: /, '').split('; ');
    invalid = problems.filter((p) => !missing.some((m) => p.startsWith(`${m.split(' ')[0]}:`)));
  }
  if (missing.length === 0 && invalid.length === 0 && config) return config;
  const parts = [
    ...(missing.length > 0 ? [`${who} needs settings that are not set: ${missing.join(', ')}.`] : []),
    ...(invalid.length > 0 ? [`Invalid: ${invalid.join('; ')}.`] : []),
  ];
  throw new AppError('CONFIG_INVALID', parts.join(' '), {
    fix: 'Set the named environment variables (each is described in middleware/.env.example) and start again.',
    details: { missing, invalid },
  });
}
