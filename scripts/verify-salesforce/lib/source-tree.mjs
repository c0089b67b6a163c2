// Reads a source-format directory once: every file on disk, what .forceignore excludes, and what
// source-deploy-retrieve (SDR) resolves into metadata components. The stages share this picture.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { requireFromRepo } from './paths.mjs';

/** All files under dir, recursively, as absolute paths (sorted, symlinks not followed). */
export function listFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) out.push(full);
    }
  };
  walk(dir);
  return out.sort();
}

/**
 * @returns {{ root, files, ignored: Set<string>, kept: string[], components, covered: Set<string>,
 *   xmlTypes: Map<string,string>, resolveError: Error|null, warnings: string[] }}
 *   kept = files not excluded by .forceignore; covered = files that belong to a component;
 *   xmlTypes = metadata xml file -> metadata type name SDR resolved it to.
 */
export function readSourceTree(root) {
  const sdr = requireFromRepo('@salesforce/source-deploy-retrieve');
  const files = listFiles(root);
  const forceIgnore = sdr.ForceIgnore.findAndCreate(root);
  const ignored = new Set(files.filter((f) => forceIgnore.denies(f)));
  const kept = files.filter((f) => !ignored.has(f));

  const warnings = collectSdrWarnings();
  const components = [];
  let resolveError = null;
  try {
    components.push(...sdr.ComponentSet.fromSource(root).getSourceComponents().toArray());
  } catch (err) {
    resolveError = err;
  }

  const covered = new Set();
  const xmlTypes = new Map();
  const add = (component) => {
    if (component.xml) {
      covered.add(component.xml);
      // A parent that shares its file with its children (CustomLabels and its CustomLabel entries) keeps its type.
      if (!xmlTypes.has(component.xml)) xmlTypes.set(component.xml, component.type.name);
    }
    for (const file of component.walkContent()) covered.add(file);
    for (const child of component.getChildren()) add(child);
  };
  try {
    components.forEach(add); // children and bundle content are resolved lazily, here
  } catch (err) {
    resolveError ??= err;
  }
  return { root, files, ignored, kept, components, covered, xmlTypes, resolveError, warnings };
}

let sdrWarnings;
/**
 * SDR reports some problems (e.g. a metadata-format file in a source folder) only as warnings through
 * @salesforce/core's Lifecycle, which prints them to stderr when nobody listens. Collect them instead.
 */
function collectSdrWarnings() {
  if (!sdrWarnings) {
    sdrWarnings = [];
    const { Lifecycle } = requireFromRepo('@salesforce/core');
    Lifecycle.getInstance().onWarning(async (warning) => {
      sdrWarnings.push(String(warning?.message ?? warning));
    });
  }
  sdrWarnings.length = 0;
  return sdrWarnings;
}
