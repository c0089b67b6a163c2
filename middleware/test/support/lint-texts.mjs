// Lints injected file texts with the middleware's ESLint config, through ESLint's Node API, in a process of its
// own (jest's module sandbox cannot load the ESM config). Reads [{ file, text }] as JSON on stdin, where `file`
// is a path relative to middleware/ (it need not exist); writes one list of { ruleId, message } per input.
import path from 'node:path';
import { ESLint } from 'eslint';

const middleware = path.resolve(import.meta.dirname, '..', '..');
let input = '';
for await (const chunk of process.stdin) input += chunk;
const eslint = new ESLint({ cwd: middleware });
const out = [];
for (const { file, text } of JSON.parse(input)) {
  const [result] = await eslint.lintText(text, { filePath: path.join(middleware, file) });
  out.push(result.messages.map((m) => ({ ruleId: m.ruleId, message: m.message })));
}
process.stdout.write(JSON.stringify(out));
