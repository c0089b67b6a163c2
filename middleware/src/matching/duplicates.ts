/**
 * Duplicates inside one system: records filed under a shared block key are scored against each other;
 * pairs at or above DUPLICATE_POINTS, plus pairs the cross-system run found (two Accounts matching one
 * customer exactly), are joined into groups. Groups are only reported, never merged.
 */
import { BlockIndex } from './blocking';
import type { DuplicateGroup } from './types';

/** Same threshold family as "probable": a person should look. */
export const DUPLICATE_POINTS = 6;

export interface DuplicateLink {
  x: number;
  y: number;
  points: number;
  score: number;
  reasons: string[];
}

export interface DuplicateSearch {
  count: number;
  keysOf: (i: number) => string[];
  score: (x: number, y: number) => DuplicateLink;
  maxBlock: number;
}

/** Scores every within-system pair that shares a block key; keeps those at or above the threshold. */
export function findDuplicateLinks(search: DuplicateSearch, threshold = DUPLICATE_POINTS): DuplicateLink[] {
  const index = new BlockIndex(search.maxBlock);
  const keys: string[][] = [];
  for (let i = 0; i < search.count; i += 1) {
    keys.push(search.keysOf(i));
    index.add(i, keys[i] as string[]);
  }
  const links: DuplicateLink[] = [];
  for (let x = 0; x < search.count; x += 1) {
    for (const y of index.candidates(keys[x] as string[])) {
      if (y <= x) continue;
      const link = search.score(x, y);
      if (link.points >= threshold) links.push(link);
    }
  }
  return links;
}

/** Joins linked records into groups (union-find), each group's ids in input order. */
export function groupLinks(links: DuplicateLink[], idOf: (i: number) => string): DuplicateGroup[] {
  const parent = new Map<number, number>();
  const find = (i: number): number => {
    let root = i;
    while ((parent.get(root) ?? root) !== root) root = parent.get(root) as number;
    let node = i;
    while (node !== root) {
      const next = parent.get(node) as number;
      parent.set(node, root);
      node = next;
    }
    return root;
  };
  for (const link of links) {
    const rx = find(link.x);
    const ry = find(link.y);
    if (!parent.has(rx)) parent.set(rx, rx);
    if (!parent.has(ry)) parent.set(ry, ry);
    if (rx !== ry) parent.set(Math.max(rx, ry), Math.min(rx, ry));
  }
  const groups = new Map<number, { members: Set<number>; links: DuplicateLink[] }>();
  for (const link of links) {
    const root = find(link.x);
    const group = groups.get(root) ?? { members: new Set<number>(), links: [] };
    group.members.add(link.x).add(link.y);
    group.links.push(link);
    groups.set(root, group);
  }
  return [...groups.entries()]
    .sort((p, q) => p[0] - q[0])
    .map(([, group]) => ({
      ids: [...group.members].sort((p, q) => p - q).map(idOf),
      links: group.links.map((l) => ({ a: idOf(l.x), b: idOf(l.y), score: l.score, reasons: l.reasons })),
    }));
}
