/**
 * `npm run cli -- rotate-key`: re-seals every stored QuickBooks token with the current encryption key.
 * Rotation: set the new key as LEDGERLINE_ENCRYPTION_KEY and the old one in LEDGERLINE_DECRYPTION_KEYS
 * (on every instance), run this once, then drop the old key from LEDGERLINE_DECRYPTION_KEYS.
 */
import { loadConfig } from '../config';
import { isAppError } from '../errors';
import { openStore } from '../store';

export const ROTATE_USAGE = `  rotate-key  Re-seal every stored QuickBooks token with LEDGERLINE_ENCRYPTION_KEY (tokens sealed with a
              key listed in LEDGERLINE_DECRYPTION_KEYS, or in the earlier format). Safe to run again, and
              while the middleware runs.`;

interface Io {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: NodeJS.ProcessEnv;
}

export async function runRotateKey(args: string[], io: Io): Promise<number> {
  if (args.length > 0) {
    io.stderr.write(`rotate-key takes no arguments (got "${args[0]}").\n\n${ROTATE_USAGE}\n`);
    return 2;
  }
  try {
    const config = loadConfig(io.env);
    const store = await openStore(config.DATABASE_URL, { encryptionKey: config.LEDGERLINE_ENCRYPTION_KEY, decryptionKeys: config.LEDGERLINE_DECRYPTION_KEYS });
    try {
      const { companies, resealed, keyId } = await store.connections.resealAll();
      io.stdout.write(`Re-sealed the tokens of ${resealed} of ${companies} QuickBooks companies with key id ${keyId}; the others already used it.\n`);
      io.stdout.write('Every token now opens with LEDGERLINE_ENCRYPTION_KEY alone: LEDGERLINE_DECRYPTION_KEYS can be emptied.\n');
      return 0;
    } finally {
      await store.close();
    }
  } catch (error) {
    const text = isAppError(error) ? `${error.message}${error.fix ? `\nFix: ${error.fix}` : ''}` : String((error as Error).message ?? error);
    io.stderr.write(`\nError: ${text}\n`);
    return 1;
  }
}
