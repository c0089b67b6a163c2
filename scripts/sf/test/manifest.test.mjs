// The package.xml that SDR generates from force-app must name every component in the source tree, and
// nothing else. The expected list is built independently, from file names and folders alone.
// Run: node --test scripts/sf/test/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { XMLParser } from 'fast-xml-parser';
import { spawnSync } from 'node:child_process';

const require = createRequire(import.meta.url);
const { ComponentSet } = require('@salesforce/source-deploy-retrieve');
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Folder under main/default → [metadata type, file suffix]. A folder missing here fails the test. */
const FLAT = {
  applications: ['CustomApplication', '.app-meta.xml'],
  classes: ['ApexClass', '.cls'],
  customPermissions: ['CustomPermission', '.customPermission-meta.xml'],
  externalCredentials: ['ExternalCredential', '.externalCredential-meta.xml'],
  flexipages: ['FlexiPage', '.flexipage-meta.xml'],
  globalValueSets: ['GlobalValueSet', '.globalValueSet-meta.xml'],
  layouts: ['Layout', '.layout-meta.xml'],
  namedCredentials: ['NamedCredential', '.namedCredential-meta.xml'],
  permissionsets: ['PermissionSet', '.permissionset-meta.xml'],
  reportTypes: ['ReportType', '.reportType-meta.xml'],
  tabs: ['CustomTab', '.tab-meta.xml'],
  triggers: ['ApexTrigger', '.trigger']
};
const OBJECT_CHILDREN = {
  fields: ['CustomField', '.field-meta.xml'],
  validationRules: ['ValidationRule', '.validationRule-meta.xml'],
  listViews: ['ListView', '.listView-meta.xml'],
  compactLayouts: ['CompactLayout', '.compactLayout-meta.xml'],
  recordTypes: ['RecordType', '.recordType-meta.xml'],
  fieldSets: ['FieldSet', '.fieldSet-meta.xml'],
  webLinks: ['WebLink', '.webLink-meta.xml']
};
/** Folders whose items live in named sub-folders: reports/<Folder>/<Name>.report-meta.xml. */
const FOLDERED = {
  reports: ['Report', '.report-meta.xml', '.reportFolder-meta.xml'],
  dashboards: ['Dashboard', '.dashboard-meta.xml', '.dashboardFolder-meta.xml']
};

function add(map, type, member) {
  if (!map.has(type)) map.set(type, new Set());
  map.get(type).add(member);
}

function namesWithSuffix(dir, suffix) {
  return readdirSync(dir)
    .filter((f) => f.endsWith(suffix))
    .map((f) => f.slice(0, -suffix.length));
}

/** Expected components, from the source tree's folders and file names only. */
export function listSourceComponents(sourceDir) {
  const root = path.join(sourceDir, 'main', 'default');
  const expected = new Map();
  for (const folder of readdirSync(root)) {
    const dir = path.join(root, folder);
    if (FLAT[folder]) {
      const [type, suffix] = FLAT[folder];
      for (const name of namesWithSuffix(dir, suffix)) add(expected, type, name);
    } else if (folder === 'lwc') {
      for (const bundle of readdirSync(dir)) {
        if (existsSync(path.join(dir, bundle, `${bundle}.js-meta.xml`)))
          add(expected, 'LightningComponentBundle', bundle);
      }
    } else if (folder === 'labels') {
      // One file holds many labels; SDR lists each as a CustomLabel, and the file itself as CustomLabels.
      for (const file of readdirSync(dir).filter((f) => f.endsWith('.labels-meta.xml'))) {
        add(expected, 'CustomLabels', file.slice(0, -'.labels-meta.xml'.length));
        const parsed = new XMLParser({ isArray: (name) => name === 'labels' }).parse(
          readFileSync(path.join(dir, file), 'utf8')
        );
        for (const label of parsed.CustomLabels?.labels ?? []) add(expected, 'CustomLabel', String(label.fullName));
      }
    } else if (folder === 'objects') {
      for (const object of readdirSync(dir)) {
        if (existsSync(path.join(dir, object, `${object}.object-meta.xml`))) add(expected, 'CustomObject', object);
        for (const child of readdirSync(path.join(dir, object))) {
          const childDir = path.join(dir, object, child);
          if (!statSync(childDir).isDirectory()) continue;
          if (!OBJECT_CHILDREN[child]) throw new Error(`no mapping for objects/${object}/${child}`);
          const [type, suffix] = OBJECT_CHILDREN[child];
          for (const name of namesWithSuffix(childDir, suffix)) add(expected, type, `${object}.${name}`);
        }
      }
    } else if (FOLDERED[folder]) {
      const [type, suffix, folderSuffix] = FOLDERED[folder];
      for (const name of namesWithSuffix(dir, folderSuffix)) {
        add(expected, type, `${name}/`); // SDR lists a report or dashboard folder with a trailing slash
        for (const item of namesWithSuffix(path.join(dir, name), suffix)) add(expected, type, `${name}/${item}`);
      }
    } else {
      throw new Error(`no mapping for folder ${folder}: teach scripts/sf/test/manifest.test.mjs its metadata type`);
    }
  }
  return expected;
}

/** Components named by the package.xml that SDR generates for the source tree. */
export async function manifestComponents(sourceDir) {
  const xml = await ComponentSet.fromSource(sourceDir).getPackageXml();
  const parsed = new XMLParser({ isArray: (name) => name === 'types' || name === 'members' }).parse(xml);
  const listed = new Map();
  for (const t of parsed.Package.types ?? []) for (const m of t.members) add(listed, t.name, String(m));
  return listed;
}

/** The same, from the real `sf project generate manifest` (the CLI admins use), run offline. */
export function cliManifestComponents(sourceDir) {
  const out = mkdtempSync(path.join(tmpdir(), 'ledgerline-sf-manifest-'));
  try {
    const sf = path.join(REPO, 'node_modules', '.bin', 'sf');
    const run = spawnSync(
      sf,
      ['project', 'generate', 'manifest', '--source-dir', sourceDir, '--output-dir', out, '--name', 'package.xml'],
      {
        cwd: path.dirname(sourceDir),
        encoding: 'utf8',
        env: {
          ...process.env,
          SF_DISABLE_TELEMETRY: 'true',
          SF_DISABLE_AUTOUPDATE: 'true',
          SF_HIDE_RELEASE_NOTES: 'true',
          SF_SKIP_NEW_VERSION_CHECK: 'true'
        },
        timeout: 120_000
      }
    );
    assert.equal(run.status, 0, `sf project generate manifest failed: ${run.stderr}`);
    const parsed = new XMLParser({ isArray: (name) => name === 'types' || name === 'members' }).parse(
      readFileSync(path.join(out, 'package.xml'), 'utf8')
    );
    const listed = new Map();
    for (const t of parsed.Package.types ?? []) for (const m of t.members) add(listed, t.name, String(m));
    return listed;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

function differences(expected, listed) {
  const problems = [];
  for (const [type, members] of expected) {
    for (const m of members) if (!listed.get(type)?.has(m)) problems.push(`missing from package.xml: ${type} ${m}`);
  }
  for (const [type, members] of listed) {
    for (const m of members) if (!expected.get(type)?.has(m)) problems.push(`not in the source tree: ${type} ${m}`);
  }
  return problems.sort();
}

test('package.xml generated from force-app covers every source component', async () => {
  const source = path.join(REPO, 'force-app');
  const expected = listSourceComponents(source);
  assert.ok((expected.get('CustomField')?.size ?? 0) > 40, 'the listing found the field files');
  assert.ok(expected.get('ApexClass')?.has('MiddlewareSyncQueueable'));
  assert.deepEqual(differences(expected, await manifestComponents(source)), []);
});

test('sf project generate manifest (the CLI) covers every source component too', () => {
  const source = path.join(REPO, 'force-app');
  assert.deepEqual(differences(listSourceComponents(source), cliManifestComponents(source)), []);
});

test('the comparison fails when a component is silently dropped (a class without its -meta.xml)', async () => {
  const copy = mkdtempSync(path.join(tmpdir(), 'ledgerline-manifest-'));
  try {
    cpSync(path.join(REPO, 'force-app'), path.join(copy, 'force-app'), { recursive: true });
    cpSync(path.join(REPO, 'sfdx-project.json'), path.join(copy, 'sfdx-project.json'));
    rmSync(path.join(copy, 'force-app/main/default/classes/MiddlewareClient.cls-meta.xml'));
    const source = path.join(copy, 'force-app');
    const problems = differences(listSourceComponents(source), await manifestComponents(source));
    assert.deepEqual(problems, ['missing from package.xml: ApexClass MiddlewareClient']);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
});
