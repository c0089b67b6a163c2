/**
 * Structural comparison of JSON documents: same keys at every level and the same JSON types.
 * Used to check emulator responses against real samples. Array elements of the actual document
 * must each match the shape of at least one element of the expected array.
 */

export interface ShapeOptions {
  /** Extra keys the actual document may carry, by path ("$" is the root, "$.records[]" an element). */
  allowExtraKeys?: Record<string, string[]>;
  /** Keys to compare under another name (sample field names that do not exist in our schema). */
  renameKeys?: Record<string, string>;
}

type JsonType = 'null' | 'string' | 'number' | 'boolean' | 'array' | 'object';

function typeOf(v: unknown): JsonType {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v as JsonType;
}

/** Differences between the two shapes; empty when they match. */
export function compareShape(actual: unknown, expected: unknown, options: ShapeOptions = {}, path = '$'): string[] {
  const ta = typeOf(actual);
  const te = typeOf(expected);
  if (ta !== te) return [`${path}: expected ${te}, got ${ta}`];
  if (ta === 'array') {
    const exp = expected as unknown[];
    const act = actual as unknown[];
    if (!exp.length) return act.length ? [`${path}: expected an empty array`] : [];
    const out: string[] = [];
    act.forEach((el, i) => {
      const attempts = exp.map((e) => compareShape(el, e, options, `${path}[]`));
      if (!attempts.some((a) => a.length === 0)) out.push(...(attempts.sort((a, b) => a.length - b.length)[0] ?? []).map((d) => d.replace(`${path}[]`, `${path}[${i}]`)));
    });
    return out;
  }
  if (ta !== 'object') return [];
  const a = rename(actual as Record<string, unknown>, options.renameKeys);
  const e = rename(expected as Record<string, unknown>, options.renameKeys);
  const allowed = new Set(options.allowExtraKeys?.[path] ?? []);
  const out: string[] = [];
  for (const k of Object.keys(e)) if (!(k in a)) out.push(`${path}.${k}: missing`);
  for (const k of Object.keys(a)) if (!(k in e) && !allowed.has(k)) out.push(`${path}.${k}: unexpected key`);
  for (const k of Object.keys(e)) if (k in a) out.push(...compareShape(a[k], e[k], options, `${path}.${k}`));
  return out;
}

function rename(obj: Record<string, unknown>, map: Record<string, string> | undefined): Record<string, unknown> {
  if (!map) return obj;
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [map[k] ?? k, v]));
}
