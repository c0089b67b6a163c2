import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { preProcessFile } from 'typescript';

/**
 * The emulators' files import each other without cycles, type-only imports included (ESLint's
 * import/no-cycle, also on for this folder, skips `import type`), and nothing outside this package by path.
 */
const root = __dirname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) return entry === 'node_modules' ? [] : sourceFiles(full);
    return full.endsWith('.ts') ? [full] : [];
  });
}

/** Relative imports of a file, resolved to the .ts files they name. */
function relativeImports(file: string): string[] {
  return preProcessFile(readFileSync(file, 'utf8'), true, true)
    .importedFiles.filter((ref) => ref.fileName.startsWith('.'))
    .map((ref) => {
      const base = resolve(dirname(file), ref.fileName);
      return [`${base}.ts`, join(base, 'index.ts'), base].find((candidate) => existsSync(candidate) && statSync(candidate).isFile()) ?? base;
    });
}

/** Groups of files that reach each other through imports (Tarjan's strongly connected components). */
function importCycles(graph: Map<string, string[]>): string[][] {
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (file: string): void => {
    order.set(file, order.size);
    low.set(file, order.get(file)!);
    stack.push(file);
    onStack.add(file);
    for (const next of graph.get(file) ?? []) {
      if (!graph.has(next)) continue;
      if (!order.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(file, Math.min(low.get(file)!, order.get(next)!));
    }
    if (low.get(file) !== order.get(file)) return;
    const group: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      group.push(relative(root, member));
    } while (member !== file);
    if (group.length > 1) groups.push(group.sort());
  };
  for (const file of graph.keys()) if (!order.has(file)) visit(file);
  return groups;
}

describe('the emulator package imports', () => {
  const graph = new Map(sourceFiles(root).map((file) => [file, relativeImports(file)]));

  it('form no cycle, type-only imports included', () => {
    expect(importCycles(graph)).toEqual([]);
  });

  it('reach no file outside the package by a relative path', () => {
    const outside = [...graph].flatMap(([file, targets]) =>
      targets.filter((target) => relative(root, target).startsWith('..')).map((target) => `${relative(root, file)} -> ${relative(root, target)}`),
    );
    expect(outside).toEqual([]);
  });
});
