/**
 * Structural comparison used by the conformance tests: every key the reference sample has must be
 * present in the actual value with the same JSON type, recursively. Arrays: each element of the
 * sample must match some element of the actual array (lines of different kinds sit side by side).
 */
export type ShapeMismatch = string;

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

export function compareShape(sample: unknown, actual: unknown, path = '$'): ShapeMismatch[] {
  const st = jsonType(sample);
  const at = jsonType(actual);
  if (st !== at) return [`${path}: expected ${st}, got ${at}`];
  if (st === 'array') {
    const s = sample as unknown[];
    const a = actual as unknown[];
    if (s.length > 0 && a.length === 0) return [`${path}: expected a non-empty array`];
    const problems: ShapeMismatch[] = [];
    s.forEach((element, i) => {
      const attempts = a.map((candidate) => compareShape(element, candidate, `${path}[${i}]`));
      if (!attempts.some((m) => m.length === 0)) {
        problems.push(...(attempts.sort((x, y) => x.length - y.length)[0] ?? [`${path}[${i}]: no element matches`]));
      }
    });
    return problems;
  }
  if (st === 'object') {
    const s = sample as Record<string, unknown>;
    const a = actual as Record<string, unknown>;
    const problems: ShapeMismatch[] = [];
    for (const key of Object.keys(s)) {
      if (!(key in a)) problems.push(`${path}.${key}: missing`);
      else problems.push(...compareShape(s[key], a[key], `${path}.${key}`));
    }
    return problems;
  }
  return [];
}
