// Builds the local preview: the real Ledgerline Lightning Web Components (force-app/main/default/lwc) compiled
// with the LWC compiler, real lightning-base-components and SLDS, and stub modules for the platform imports
// (@salesforce/apex/*, @salesforce/label/c.*, lightning/platformShowToastEvent, lightning/empApi,
// lightning/uiRecordApi) whose data comes from
// fixtures or from an API the page is pointed at (see README.md).
//
//   node preview/build.mjs [--out <dir>]      (default preview/dist)
import { copyFileSync, mkdirSync, readdirSync, readFileSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { rollup } from 'rollup';
import lwc from '@lwc/rollup-plugin';
import { XMLParser } from 'fast-xml-parser';

const require = createRequire(import.meta.url);
export const PREVIEW_DIR = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(PREVIEW_DIR, '..');
export const DEFAULT_OUT_DIR = path.join(PREVIEW_DIR, 'dist');
const LWC_DIR = path.join(REPO_ROOT, 'force-app/main/default/lwc');
const LABELS_FILE = path.join(REPO_ROOT, 'force-app/main/default/labels/CustomLabels.labels-meta.xml');
const SLDS_CSS = require.resolve(
  '@salesforce-ux/design-system/assets/styles/salesforce-lightning-design-system.min.css'
);
const APEX_RUNTIME = path.join(PREVIEW_DIR, 'src/apex-runtime.js');
const TOAST_STUB = path.join(PREVIEW_DIR, 'src/toast-event.js');
/** Platform modules that are not in lightning-base-components: the preview's own stand-ins. */
const PLATFORM_MODULES = {
  'lightning/platformShowToastEvent': TOAST_STUB,
  'lightning/empApi': path.join(PREVIEW_DIR, 'src/emp-api.js'),
  'lightning/uiRecordApi': path.join(PREVIEW_DIR, 'src/ui-record-api.js')
};

/** Apex methods the components import; cacheable ones are also wire adapters. */
const APEX_METHODS = {
  'OpportunityBillingController.getBillingSummary': { cacheable: true },
  'OpportunityBillingController.retrySync': { cacheable: false },
  'OpportunityBillingController.previewInvoice': { cacheable: false },
  'OpportunityBillingController.getInvoicePdf': { cacheable: false },
  'OpportunityBillingController.sendInvoice': { cacheable: false },
  'AccountReceivablesController.getReceivables': { cacheable: true }
};

/** Custom label name -> value, read from the labels file the org gets. */
export function readLabels(file = LABELS_FILE) {
  const parser = new XMLParser({ isArray: (name) => name === 'labels', parseTagValue: false });
  const labels = parser.parse(readFileSync(file, 'utf8')).CustomLabels?.labels ?? [];
  return new Map(labels.map((label) => [String(label.fullName), String(label.value)]));
}

/** One module record per component folder, so that `c/<name>` resolves to force-app. */
function componentModules() {
  return readdirSync(LWC_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(LWC_DIR, entry.name, `${entry.name}.js`)))
    .map((entry) => ({ name: `c/${entry.name}`, path: path.join(LWC_DIR, entry.name, `${entry.name}.js`) }));
}

/** Resolves the platform's scoped imports to generated stub modules. */
function platformStubs(labels) {
  const PREFIX = '\0ledgerline-stub:';
  return {
    name: 'ledgerline-platform-stubs',
    resolveId(id) {
      if (id === '@salesforce/apex' || id.startsWith('@salesforce/apex/') || id.startsWith('@salesforce/label/c.')) {
        return PREFIX + id;
      }
      if (PLATFORM_MODULES[id]) return PLATFORM_MODULES[id];
      // The preview's user is Finance: every custom permission is granted.
      if (id.startsWith('@salesforce/customPermission/')) return PREFIX + id;
      return null;
    },
    load(id) {
      if (!id.startsWith(PREFIX)) return null;
      const source = id.slice(PREFIX.length);
      if (source === '@salesforce/apex') {
        return `export { refreshApex } from ${JSON.stringify(APEX_RUNTIME)};`;
      }
      if (source.startsWith('@salesforce/apex/')) {
        const method = source.slice('@salesforce/apex/'.length);
        const spec = APEX_METHODS[method];
        if (!spec) this.error(`preview: no stub for Apex method ${method}; add it to APEX_METHODS in preview/build.mjs`);
        return `import { apexMethod } from ${JSON.stringify(APEX_RUNTIME)};\nexport default apexMethod(${JSON.stringify(method)}, ${spec.cacheable});`;
      }
      if (source.startsWith('@salesforce/customPermission/')) return 'export default true;';
      const name = source.slice('@salesforce/label/c.'.length);
      if (!labels.has(name)) this.error(`preview: custom label ${name} is not defined in ${LABELS_FILE}`);
      return `export default ${JSON.stringify(labels.get(name))};`;
    }
  };
}

/** JSON fixtures as ES modules, and the build-time flags (SSR, NODE_ENV) the engine and base components read. */
function jsonAndEnv() {
  return {
    name: 'ledgerline-json-env',
    transform(code, id) {
      if (id.endsWith('.json')) return { code: `export default ${code};`, map: null };
      if (code.includes('import.meta.env') || code.includes('process.env.NODE_ENV')) {
        const replaced = code
          .replace(/import\.meta\.env\.SSR/g, 'false')
          .replace(/import\.meta\.env\.DEV/g, 'false')
          .replace(/process\.env\.NODE_ENV/g, JSON.stringify('production'));
        return { code: replaced, map: null };
      }
      return null;
    }
  };
}

/**
 * Builds the preview into outDir (index.html, app.js, assets/slds.min.css).
 * @returns {Promise<{ outDir: string, files: string[] }>}
 */
export async function buildPreview({ outDir = DEFAULT_OUT_DIR } = {}) {
  const labels = readLabels();
  const bundle = await rollup({
    input: path.join(PREVIEW_DIR, 'src/main.js'),
    plugins: [
      platformStubs(labels),
      jsonAndEnv(),
      lwc({
        exclude: ['**/*.json'],
        modules: [...componentModules(), { npm: 'lightning-base-components' }],
        enableStaticContentOptimization: false
      })
    ],
    onwarn(warning, warn) {
      if (warning.code === 'CIRCULAR_DEPENDENCY' || warning.code === 'THIS_IS_UNDEFINED') return;
      // lightning-base-components' own templates trip a few compiler warnings; ours must not.
      if (String(warning.id ?? warning.loc?.file ?? '').includes('lightning-base-components')) return;
      warn(warning);
    }
  });
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(path.join(outDir, 'assets'), { recursive: true });
  await bundle.write({ file: path.join(outDir, 'app.js'), format: 'esm', inlineDynamicImports: true });
  await bundle.close();
  copyFileSync(SLDS_CSS, path.join(outDir, 'assets/slds.min.css'));
  copyFileSync(path.join(PREVIEW_DIR, 'src/index.html'), path.join(outDir, 'index.html'));
  writeFileSync(path.join(outDir, 'build.json'), JSON.stringify({ builtAt: new Date().toISOString() }, null, 2));
  return { outDir, files: ['index.html', 'app.js', 'assets/slds.min.css', 'build.json'] };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  const started = Date.now();
  buildPreview({ outDir: values.out ? path.resolve(values.out) : DEFAULT_OUT_DIR })
    .then(({ outDir }) => console.log(`preview built in ${Date.now() - started} ms: ${path.relative(process.cwd(), outDir) || '.'}`))
    .catch((error) => {
      console.error(`preview build failed: ${error.message}`);
      process.exit(1);
    });
}
