// Apex bind expressions inside SOQL, turned into what a plain SOQL parser accepts.

/**
 * Apex binds → plain placeholders the parser understands. `:expr` becomes `:bind` (in LIMIT/OFFSET a number),
 * whatever the Apex expression (`:byId.keySet()`, `:ids[0]`, `:new Set<Id>{ x }`). Apex-only `ALL ROWS` goes.
 */
export function withPlainBinds(soql) {
  let out = '';
  let i = 0;
  while (i < soql.length) {
    const c = soql[i];
    if (c === "'") {
      let j = i + 1;
      while (j < soql.length && soql[j] !== "'") j += soql[j] === '\\' ? 2 : 1;
      out += soql.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (c === ':' && !/\w/.test(soql[i - 1] ?? '')) {
      const end = bindEnd(soql, i + 1);
      if (end > i + 1) {
        const before = out.trimEnd();
        out += /\b(LIMIT|OFFSET)$/i.test(before) ? '1' : ':bind';
        i = end;
        continue;
      }
    }
    out += c;
    i += 1;
  }
  return out.replace(/\bALL\s+ROWS\s*$/i, '');
}

function balanced(s, i) {
  const pairs = { '(': ')', '[': ']', '{': '}', '<': '>' };
  const want = [pairs[s[i]]];
  let j = i + 1;
  while (j < s.length && want.length) {
    if (s[j] === "'") {
      j += 1;
      while (j < s.length && s[j] !== "'") j += s[j] === '\\' ? 2 : 1;
    } else if (pairs[s[j]] && (s[j] !== '<' || want.at(-1) === '>')) want.push(pairs[s[j]]);
    else if (s[j] === want.at(-1)) want.pop();
    j += 1;
  }
  return j;
}

/** End of the Apex expression of a bind that starts at i (after the colon); i when there is none. */
function bindEnd(s, i) {
  let j = i;
  while (/\s/.test(s[j] ?? '')) j += 1;
  const word = /^[A-Za-z_][\w]*/.exec(s.slice(j));
  if (!word) return i;
  j += word[0].length;
  if (word[0].toLowerCase() === 'new') {
    while (/\s/.test(s[j] ?? '')) j += 1;
    const type = /^[A-Za-z_][\w.]*/.exec(s.slice(j));
    if (type) j += type[0].length;
    while (/\s/.test(s[j] ?? '')) j += 1;
    if (s[j] === '<') j = balanced(s, j);
  }
  for (;;) {
    const rest = s.slice(j);
    const member = /^\s*\.\s*[A-Za-z_]\w*/.exec(rest);
    if (member) j += member[0].length;
    else if (/^\s*[([{]/.test(rest)) j = balanced(s, j + rest.search(/[([{]/));
    else break;
  }
  return j;
}
