// Stage 1: the source tree converts with SDR, XML is well-formed, and nothing is silently dropped.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { requireFromRepo } from '../paths.mjs';

const APEX_BODY = /\.(cls|trigger)$/;

/** Files whose text must be well-formed XML: *.xml plus metadata-format files SDR took as metadata xml. */
export function xmlFiles(tree) {
  return tree.kept.filter((f) => f.endsWith('.xml') || tree.xmlTypes.has(f));
}

/** Returns a Map file -> { line, message } of malformed XML files. */
export function findMalformedXml(tree) {
  const bad = new Map();
  for (const file of xmlFiles(tree)) {
    const result = XMLValidator.validate(readFileSync(file, 'utf8'));
    if (result !== true) bad.set(file, { line: result.err.line, message: `malformed XML: ${result.err.msg}` });
  }
  return bad;
}

export async function runStructure({ tree }) {
  const problems = [];
  for (const [file, { line, message }] of tree.malformed) problems.push({ file, line, message });

  if (tree.resolveError) {
    // SDR stops at the first file it cannot place and names it at the start of the message.
    const named = tree.files.find((f) => tree.resolveError.message.startsWith(`${f}:`));
    problems.push({
      file: named ?? tree.root,
      message: `source-deploy-retrieve cannot resolve the tree (fix this first; stray-file checks need it): ${tree.resolveError.message.replace(`${named}: `, '')}`
    });
  }
  if (!tree.resolveError) {
    for (const file of tree.kept) {
      if (tree.covered.has(file)) continue;
      if (APEX_BODY.test(file)) {
        problems.push({
          file,
          message: `orphan Apex source: ${path.basename(file)}-meta.xml is missing, so it would never deploy`
        });
      } else {
        problems.push({
          file,
          message: 'stray file: not part of any metadata component (move it, delete it, or list it in .forceignore)'
        });
      }
    }
    problems.push(...(await convert(tree)));
  }
  // Read after converting: SDR emits some of its warnings while it converts.
  for (const warning of tree.warnings) {
    // SDR names the file relative to its type folder, e.g. "(namedCredentials/X.namedCredential)".
    const named = /\(([^)]+)\)/.exec(warning)?.[1];
    const file = (named && tree.files.find((f) => f.endsWith(`${path.sep}${named}`))) || tree.root;
    problems.push({ file, message: `source-deploy-retrieve: ${warning}` });
  }
  return { problems, notes: [`${tree.components.length} components, ${tree.kept.length} files`] };
}

/** Converts to metadata format in a temp dir, as a deploy would; reports what SDR throws. */
async function convert(tree) {
  const sdr = requireFromRepo('@salesforce/source-deploy-retrieve');
  const out = mkdtempSync(path.join(tmpdir(), 'verify-salesforce-convert-'));
  try {
    const set = new sdr.ComponentSet(tree.components);
    const converter = new sdr.MetadataConverter();
    await converter.convert(set, 'metadata', { type: 'directory', outputDirectory: out, genUniqueDir: false });
    return [];
  } catch (err) {
    return [{ file: tree.root, message: `conversion to metadata format failed: ${err.message}` }];
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
