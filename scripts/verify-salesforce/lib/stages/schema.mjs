// Stage 2: every metadata XML file validates against the Metadata API schema (WSDL v66 wrapper XSD).
// In source format the root element is the metadata type (<CustomField>, <ApexClass>, ...), which is a
// complexType of the WSDL, so each file is validated as it is on disk and errors carry its own line numbers.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { requireFromRepo } from '../paths.mjs';
import { loadWrapperSchema } from '../schema.mjs';
import { xmlFiles } from './structure.mjs';

const MD_NS = 'http://soap.sforce.com/2006/04/metadata';
const NS_PREFIX = new RegExp(`\\{${MD_NS.replace(/[.\\/]/g, '\\$&')}\\}`, 'g');

/** Metadata xml files: what SDR took as a component's xml, plus any other *-meta.xml file. */
export function metadataXmlFiles(tree) {
  return xmlFiles(tree).filter((f) => tree.xmlTypes.has(f) || f.endsWith('-meta.xml'));
}

export async function runSchema({ tree }) {
  const targets = metadataXmlFiles(tree).filter((f) => !tree.malformed.has(f));
  if (targets.length === 0) return { problems: [], notes: ['no metadata XML files'] };

  const problems = [];
  const base = path.dirname(tree.root);
  const byName = new Map();
  const inputs = targets.map((file) => {
    const contents = readFileSync(file, 'utf8');
    problems.push(...rootElementProblems(file, contents, tree.xmlTypes.get(file)));
    const fileName = path.relative(base, file);
    byName.set(fileName, file);
    return { fileName, contents };
  });

  const { validateXML } = requireFromRepo('xmllint-wasm');
  const schema = loadWrapperSchema();
  const result = await validateXML({
    xml: inputs,
    schema: [{ fileName: 'metadata.xsd', contents: schema.text }],
    initialMemoryPages: 4096,
    maxMemoryPages: 65536
  });
  // Every file must get a verdict: "<file> validates" or at least one located error.
  const answered = new Set(result.errors.map((e) => e.loc?.fileName));
  for (const line of result.rawOutput.split('\n')) {
    const m = /^(.+) validates$/.exec(line);
    if (m) answered.add(m[1]);
  }
  for (const [fileName, file] of byName) {
    if (!answered.has(fileName)) problems.push({ file, message: 'xmllint gave no verdict for this file' });
  }
  for (const error of result.errors) {
    if (!error.loc) {
      if (/fails to validate$/.test(error.rawMessage)) continue; // summary line after the real errors
      problems.push({ file: tree.root, message: `xmllint: ${error.rawMessage}` });
      continue;
    }
    const file = byName.get(error.loc.fileName) ?? path.join(base, error.loc.fileName);
    const message = error.message.replace(NS_PREFIX, '').replace(/^Schemas validity error : /, 'schema: ');
    problems.push({ file, line: error.loc.lineNumber, message });
  }
  return { problems, notes: [`${targets.length} files validated`] };
}

/** The root element must be the metadata type SDR resolved the file to, in the metadata namespace. */
function rootElementProblems(file, contents, expectedType) {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', ignoreDeclaration: true });
  const doc = parser.parse(contents);
  const rootName = Object.keys(doc).find((k) => !k.startsWith('?') && !k.startsWith('#'));
  if (!rootName) return [{ file, line: 1, message: 'no root element' }];
  const problems = [];
  const ns = doc[rootName]?.['@xmlns'];
  if (ns !== MD_NS) problems.push({ file, line: 1, message: `root <${rootName}> must declare xmlns="${MD_NS}"` });
  if (expectedType && rootName !== expectedType) {
    problems.push({
      file,
      line: 1,
      message: `root element <${rootName}> does not match the metadata type ${expectedType} of this file name`
    });
  }
  return problems;
}
