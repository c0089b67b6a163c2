// The middleware's import directions (ARCHITECTURE.md, "Folder rules"), enforced by ESLint on the product code
// under src/ (tests and src/demo may reach across layers to set a scene):
//
//   http/ (routes)  →  services/  →  jobs/, store/, quickbooks/, salesforce/ (adapters)  →  sync/, matching/ (pure)
//
// - Routes never import adapters. They talk to a service through a port the service declares (e.g.
//   services/invoicing/ports.ts). Two pure format helpers are allowed, no types or I/O besides:
//   salesforce/ids.ts (the 18-character id checksum the request validation checks) and
//   quickbooks/webhook-signature.ts (Intuit's HMAC, checked on the raw body before anything is parsed).
// - Services never import routes, nor the composition root (container.ts, governance.ts, main.ts, cli/).
// - Adapters and jobs/ never import services/ or routes.
// - sync/ and matching/ do no I/O: no routes, services, jobs, store or adapters, and no node:fs, net, http
//   or database/API client. They may read the Salesforce API names (salesforce/fields.ts), which are data.
//
// test/lint-directions.test.ts runs these rules on injected file texts: an upward import fails.
import importPlugin from 'eslint-plugin-import';

const base = import.meta.dirname;
const ADAPTERS = ['./src/quickbooks', './src/salesforce', './src/store'];
const COMPOSITION = ['./src/container.ts', './src/governance.ts', './src/main.ts', './src/cli'];
const IO_MODULES = ['fs', 'fs/promises', 'net', 'http', 'https', 'http2', 'child_process', 'dgram', 'tls'].flatMap((m) => [m, `node:${m}`]);
const IO_PACKAGES = ['pg', 'better-sqlite3', 'jsforce', 'jsforce/lib/core', 'node-quickbooks', 'intuit-oauth', 'express'];

const ROUTES = 'Routes never import adapters: declare a port in the service (services/<capability>/ports.ts) and import that.';
const SERVICES = 'Services never import routes or the composition root: a route depends on a service, not the other way.';
const ADAPTER = 'Adapters and jobs never import services or routes: pass what they need in.';
const PURE = 'sync/ and matching/ are pure: no routes, services, jobs, store or adapters. Pass the data in.';

// import/no-restricted-paths takes one `except` list per zone, so each allowed helper has a zone of its own.
export const directionZones = [
  { target: './src/http', from: './src/quickbooks', except: ['./webhook-signature.ts'], message: ROUTES },
  { target: './src/http', from: './src/salesforce', except: ['./ids.ts'], message: ROUTES },
  { target: './src/http', from: './src/store', message: ROUTES },
  { target: './src/services', from: ['./src/http', ...COMPOSITION], message: SERVICES },
  { target: [...ADAPTERS, './src/jobs'], from: ['./src/services', './src/http', ...COMPOSITION], message: ADAPTER },
  { target: ['./src/sync', './src/matching'], from: './src/salesforce', except: ['./fields.ts'], message: PURE },
  { target: ['./src/sync', './src/matching'], from: ['./src/http', './src/services', './src/jobs', './src/store', './src/quickbooks', ...COMPOSITION], message: PURE },
];

export const directions = [
  {
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.test.ts', 'src/demo/**'],
    plugins: { import: importPlugin },
    settings: {
      'import/resolver': { node: { extensions: ['.ts', '.js', '.json'] } },
    },
    rules: {
      'import/no-restricted-paths': ['error', { basePath: base, zones: directionZones }],
    },
  },
  {
    // typescript-eslint's copy of no-restricted-imports, so that this does not replace (or get replaced by) other
    // no-restricted-imports settings for the same files: flat config keeps one setting per rule name.
    files: ['src/sync/**/*.ts', 'src/matching/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [...IO_MODULES, ...IO_PACKAGES].map((name) => ({ name, message: 'sync/ and matching/ do no I/O: the caller reads and writes, these compute.' })),
        },
      ],
    },
  },
];
