// Stage: SOQL. Every query in the Apex classes and triggers, static and (when built from constant strings)
// dynamic, is checked against the field catalogue of the source folder plus the standard objects.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildCatalogue } from '../soql/catalogue.mjs';
import { blankCommentsAndStrings, findQueries, lineAt, stringConstants } from '../soql/apex-queries.mjs';
import { checkQuery } from '../soql/check.mjs';

const APEX = /\.(cls|trigger)$/;
const CLAUSE_KEYWORDS = {
  where: /\bWHERE\b/i,
  having: /\bHAVING\b/i,
  orderBy: /\bORDER\s+BY\b/i,
  groupBy: /\bGROUP\s+BY\b/i
};

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Line of `token` in a static query: its first use after the clause keyword, else its first use, else the start. */
function lineOf(src, blankSrc, query, token, clause) {
  const blank = blankSrc.slice(query.offset, query.offset + query.text.length);
  const pattern = new RegExp(`(?<![\\w.])${escape(token)}(?!\\w)`, 'ig');
  const from = CLAUSE_KEYWORDS[clause]?.exec(blank)?.index ?? 0;
  const hits = [...blank.matchAll(pattern)].map((m) => m.index);
  const at = hits.find((i) => i >= from) ?? hits[0];
  return at === undefined ? query.line : lineAt(src, query.offset + at);
}

export async function runSoql(ctx) {
  const apex = ctx.tree.kept.filter((f) => APEX.test(f));
  if (apex.length === 0) return { problems: [], notes: ['no Apex'] };
  const catalogue = buildCatalogue(ctx.tree.kept);
  const sources = new Map(apex.map((f) => [f, readFileSync(f, 'utf8')]));

  const constants = new Map();
  for (const [file, src] of sources) {
    constants.set(
      path.basename(file).replace(APEX, '').toLowerCase(),
      stringConstants(src, blankCommentsAndStrings(src))
    );
  }

  const problems = [];
  let checked = 0;
  let unresolved = 0;
  for (const [file, src] of sources) {
    const found = findQueries(src, path.basename(file).replace(APEX, ''), constants);
    const blankSrc = blankCommentsAndStrings(src);
    const queries = [
      ...found.static.map((q) => ({ ...q, dynamic: false })),
      ...found.dynamic.map((q) => ({ ...q, dynamic: true }))
    ];
    for (const query of queries) {
      checked += 1;
      const result = checkQuery(query.text, catalogue);
      const prefix = query.dynamic ? `dynamic SOQL (Database.${query.method})` : 'SOQL';
      if (result.parseError) {
        problems.push({ file, line: query.line, message: `${prefix} not understood: ${result.parseError}` });
      }
      for (const p of result.problems) {
        const line = query.dynamic ? query.line : lineOf(src, blankSrc, query, p.token, p.clause);
        problems.push({ file, line, message: `${prefix}: ${p.message}` });
      }
    }
    unresolved += found.unresolved.length;
    if (ctx.verbose) {
      for (const u of found.unresolved) {
        ctx.log(
          `  ${path.relative(process.cwd(), file)}:${u.line}: (not checked) Database.${u.method} with a query built at run time`
        );
      }
    }
  }
  const notes = [`${checked} queries in ${apex.length} Apex files, ${catalogue.objects.size} objects in the catalogue`];
  if (unresolved)
    notes.push(
      `${unresolved} dynamic queries built at run time not checked${ctx.verbose ? '' : ' (--verbose lists them)'}`
    );
  return { problems, notes };
}
