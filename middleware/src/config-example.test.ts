import { readFileSync } from 'node:fs';
import path from 'node:path';
import { configSchema } from './config';

/** The example file documents every setting the schema reads, and nothing it doesn't. */
describe('.env.example', () => {
  it('lists exactly the configuration schema’s variables', () => {
    const text = readFileSync(path.join(__dirname, '..', '.env.example'), 'utf8');
    const documented = [...text.matchAll(/^([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]).sort();
    const schemaKeys = Object.keys(configSchema.shape).sort();
    expect(documented).toEqual(schemaKeys);
  });
});
