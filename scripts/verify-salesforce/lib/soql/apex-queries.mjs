// Finds the SOQL in Apex source: static queries `[SELECT ...]` and the text given to Database.query and its
// siblings when that text is built from string literals and `static final String` constants. A small lexer
// (comments, strings, brackets) is enough here: `select` is reserved in Apex, so `[` followed by SELECT is
// always a query, and the apex-syntax stage has already checked that the file parses.

const DYNAMIC = /^(query|queryWithBinds|countQuery|countQueryWithBinds|getQueryLocator|getQueryLocatorWithBinds)$/i;

/** Apex source with comments and string contents blanked (same length, same line breaks). */
export function blankCommentsAndStrings(src, { keepStrings = false } = {}) {
  let out = '';
  let i = 0;
  const keepBreaks = (s) => s.replace(/[^\n]/g, ' ');
  while (i < src.length) {
    const c = src[i];
    const next = src[i + 1];
    if (c === '/' && next === '/') {
      const end = src.indexOf('\n', i);
      const stop = end < 0 ? src.length : end;
      out += keepBreaks(src.slice(i, stop));
      i = stop;
    } else if (c === '/' && next === '*') {
      const end = src.indexOf('*/', i + 2);
      const stop = end < 0 ? src.length : end + 2;
      out += keepBreaks(src.slice(i, stop));
      i = stop;
    } else if (c === "'") {
      const stop = stringEnd(src, i);
      out += keepStrings ? src.slice(i, stop) : `'${keepBreaks(src.slice(i + 1, stop - 1))}'`;
      i = stop;
    } else {
      out += c;
      i += 1;
    }
  }
  return out;
}

/** Index just past the string literal that starts at `start` (a quote). */
function stringEnd(src, start) {
  let i = start + 1;
  while (i < src.length && src[i] !== "'") i += src[i] === '\\' ? 2 : 1;
  return Math.min(i + 1, src.length);
}

/** Index of the bracket closing the one at `open` in blanked source, or -1. */
function closing(blank, open) {
  const pairs = { '[': ']', '(': ')', '{': '}' };
  const stack = [];
  for (let i = open; i < blank.length; i++) {
    const c = blank[i];
    if (c === "'") {
      i = stringEnd(blank, i) - 1;
    } else if (pairs[c]) {
      stack.push(pairs[c]);
    } else if (c === ']' || c === ')' || c === '}') {
      if (stack.pop() !== c) return -1;
      if (stack.length === 0) return i;
    }
  }
  return -1;
}

export const lineAt = (src, index) => {
  let line = 1;
  for (let i = 0; i < index; i++) if (src.charCodeAt(i) === 10) line += 1;
  return line;
};

/** Apex string literal → its value. */
function unquote(literal) {
  const escapes = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' };
  return literal.slice(1, -1).replace(/\\(.)/g, (_, ch) => escapes[ch] ?? ch);
}

/**
 * Evaluates a string expression made of literals, `+` and names of known constants; undefined otherwise.
 * @param {(name: string) => string|undefined} constant
 */
function evaluate(src, constant) {
  const tokens = src.match(/'(?:\\.|[^'\\])*'|[A-Za-z_][\w.]*|\+|\(|\)|\S/g) ?? [];
  let value = '';
  let expectOperand = true;
  for (const token of tokens) {
    if (token === '(' || token === ')') continue; // grouping of a pure concatenation changes nothing
    if (expectOperand) {
      let part;
      if (token.startsWith("'")) part = unquote(token);
      else if (/^[A-Za-z_]/.test(token)) part = constant(token);
      if (part === undefined) return undefined;
      value += part;
    } else if (token !== '+') {
      return undefined;
    }
    expectOperand = !expectOperand;
  }
  return expectOperand || tokens.length === 0 ? undefined : value;
}

/** `static final String NAME = <expr>;` declarations of one class body: NAME → expression source. */
export function stringConstants(src, blank) {
  const found = new Map();
  const decl = /\b(?:(?:public|private|protected|global|static|final)\s+)*String\s+([A-Za-z_]\w*)\s*=/g;
  for (const match of blank.matchAll(decl)) {
    const modifiers = match[0];
    if (!/\bstatic\b/.test(modifiers) || !/\bfinal\b/.test(modifiers)) continue;
    const start = match.index + match[0].length;
    const end = blank.indexOf(';', start);
    if (end > 0) found.set(match[1], src.slice(start, end));
  }
  return found;
}

/**
 * @param {string} className the file's class name (for `ClassName.CONST` references)
 * @param {Map<string, Map<string, string>>} projectConstants class name (lower case) → its constants
 * @returns {{ static: Array<{ text: string, offset: number, line: number }>,
 *   dynamic: Array<{ text: string, line: number, method: string }>, unresolved: Array<{ line: number, method: string }> }}
 */
export function findQueries(src, className, projectConstants = new Map()) {
  const blank = blankCommentsAndStrings(src);
  const withoutComments = blankCommentsAndStrings(src, { keepStrings: true });
  const result = { static: [], dynamic: [], unresolved: [] };

  for (const match of blank.matchAll(/\[\s*(select)\b/gi)) {
    const open = match.index;
    const close = closing(blank, open);
    if (close < 0) continue;
    const offset = match.index + match[0].length - match[1].length;
    result.static.push({ text: withoutComments.slice(offset, close), offset, line: lineAt(src, offset) });
  }

  const own = projectConstants.get(className.toLowerCase()) ?? new Map();
  const resolving = new Set();
  const constant = (name) => {
    const [owner, member] = name.includes('.') ? name.split('.', 2) : [className, name];
    const table = owner.toLowerCase() === className.toLowerCase() ? own : projectConstants.get(owner.toLowerCase());
    const expr = table && [...table].find(([k]) => k.toLowerCase() === member.toLowerCase())?.[1];
    if (expr === undefined || resolving.has(name)) return undefined;
    resolving.add(name);
    const value = evaluate(expr, constant);
    resolving.delete(name);
    return value;
  };

  for (const match of blank.matchAll(/\bDatabase\s*\.\s*(\w+)\s*\(/g)) {
    if (!DYNAMIC.test(match[1])) continue;
    const open = match.index + match[0].length - 1;
    const close = closing(blank, open);
    if (close < 0) continue;
    // The first argument: up to the first comma at depth 0.
    let end = open + 1;
    for (let depth = 0; end < close; end++) {
      const c = blank[end];
      if (c === "'") end = stringEnd(blank, end) - 1;
      else if ('([{'.includes(c)) depth += 1;
      else if (')]}'.includes(c)) depth -= 1;
      else if (c === ',' && depth === 0) break;
    }
    const line = lineAt(src, match.index);
    const text = evaluate(src.slice(open + 1, end), constant);
    if (text === undefined) result.unresolved.push({ line, method: match[1] });
    else result.dynamic.push({ text, line, method: match[1] });
  }
  return result;
}
