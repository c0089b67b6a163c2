import { execFile } from 'node:child_process';
import path from 'node:path';

// The import directions of ARCHITECTURE.md, as ESLint enforces them (eslint.directions.mjs): each case lints an
// injected file text as if it lived at `file`, with the middleware's own config (ESLint's Node API, run by
// test/support/lint-texts.mjs in a child process).
const middleware = path.resolve(__dirname, '..');
type Case = [name: string, file: string, text: string, message?: RegExp];

function lintTexts(inputs: Array<{ file: string; text: string }>): Promise<Array<Array<{ ruleId: string | null; message: string }>>> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [path.join(__dirname, 'support', 'lint-texts.mjs')], { cwd: middleware, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${error.message}\n${stderr}`));
      else resolve(JSON.parse(stdout));
    });
    child.stdin?.end(JSON.stringify(inputs));
  });
}

const DIRECTION_RULES = new Set(['import/no-restricted-paths', '@typescript-eslint/no-restricted-imports']);

const refused: Case[] = [
  ['a service importing a route', 'src/services/invoicing/injected.ts', "import { syncRoutes } from '../../http/sync-routes';\nexport const x = syncRoutes;\n", /Services never import routes/],
  ['a service importing the container', 'src/services/payments/injected.ts', "import { INVOICE_JOB } from '../../container';\nexport const x = INVOICE_JOB;\n", /Services never import routes or the composition root/],
  ['a route importing the QuickBooks adapter', 'src/http/injected.ts', "import { QboApi } from '../quickbooks/api';\nexport const x = QboApi;\n", /Routes never import adapters/],
  ['a route importing the store', 'src/http/injected.ts', "import { openStore } from '../store';\nexport const x = openStore;\n", /Routes never import adapters/],
  ['an adapter importing a service', 'src/quickbooks/injected.ts', "import { InvoiceSync } from '../services/invoicing';\nexport const x = InvoiceSync;\n", /Adapters and jobs never import services/],
  ['the store importing a route', 'src/store/injected.ts', "import { syncRoutes } from '../http/sync-routes';\nexport const x = syncRoutes;\n", /Adapters and jobs never import services or routes/],
  ['sync/ importing the store', 'src/sync/injected.ts', "import { openStore } from '../store';\nexport const x = openStore;\n", /sync\/ and matching\/ are pure/],
  ['matching/ importing the Salesforce adapter', 'src/matching/injected.ts', "import { connectSalesforce } from '../salesforce/auth';\nexport const x = connectSalesforce;\n", /sync\/ and matching\/ are pure/],
  ['sync/ reading a file', 'src/sync/injected.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n", /do no I\/O/],
  ['matching/ opening a socket', 'src/matching/injected.ts', "import net from 'net';\nexport const x = net;\n", /do no I\/O/],
];

const allowed: Case[] = [
  ['a route importing a service port', 'src/http/injected.ts', "import type { SyncRequests } from '../services/invoicing';\nexport type X = SyncRequests;\n"],
  ['a route using the Salesforce id checksum', 'src/http/injected.ts', "import { idChecksum } from '../salesforce/ids';\nexport const x = idChecksum;\n"],
  ['a route checking the webhook signature', 'src/http/injected.ts', "import { verifyIntuitSignature } from '../quickbooks/webhook-signature';\nexport const x = verifyIntuitSignature;\n"],
  ['a service using adapters and pure code', 'src/services/invoicing/injected.ts', "import { QboApi } from '../../quickbooks/api';\nimport { buildInvoiceDraft } from '../../sync/invoice-draft';\nexport const x = [QboApi, buildInvoiceDraft];\n"],
  ['sync/ reading the Salesforce API names', 'src/sync/injected.ts', "import { INVOICE_FIELDS } from '../salesforce/fields';\nexport const x = INVOICE_FIELDS;\n"],
  ['a test reaching across layers', 'src/sync/injected.test.ts', "import { openStore } from '../store';\nexport const x = openStore;\n"],
];

describe('import directions between the layers', () => {
  jest.setTimeout(180_000);
  const errors = new Map<string, string[]>();

  beforeAll(async () => {
    const cases = [...refused, ...allowed];
    const results = await lintTexts(cases.map(([, file, text]) => ({ file, text })));
    cases.forEach(([name], i) => errors.set(name, results[i].filter((m) => m.ruleId !== null && DIRECTION_RULES.has(m.ruleId)).map((m) => m.message)));
  });

  it.each(refused)('refuses %s', (name, _file, _text, message) => {
    expect(errors.get(name)).toHaveLength(1);
    expect(errors.get(name)?.[0]).toMatch(message as RegExp);
  });

  it.each(allowed)('allows %s', (name) => {
    expect(errors.get(name)).toEqual([]);
  });
});
