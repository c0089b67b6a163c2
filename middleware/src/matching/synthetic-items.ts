/**
 * Synthetic Product2 rows and QBO items for one catalogue: SKUs retyped ("WID-1001" / "wid 1001"),
 * items without a SKU whose name is the product code, look-alike products ("Widget Pro" / "Widget Pro
 * Max", different SKUs), duplicates inside each system and existing id links.
 */
import { typo } from './synthetic-variants';
import { PRODUCT_QUALIFIERS, PRODUCT_WORDS, Random } from './synthetic-words';
import type { MatchItem, MatchProduct } from './types';

export interface SyntheticItems {
  products: MatchProduct[];
  items: MatchItem[];
}

interface Article {
  id: string;
  name: string;
  sku: string;
}

function articles(rng: Random, count: number): Article[] {
  const out: Article[] = [];
  const names = new Set<string>();
  const skus = new Set<string>();
  while (out.length < count) {
    const base = out.length > 5 && rng.chance(0.1) ? rng.pick(out).name : `${rng.pick(PRODUCT_WORDS)} ${rng.pick(PRODUCT_QUALIFIERS)}`;
    const name = names.has(base) ? `${base} ${rng.pick(PRODUCT_QUALIFIERS)}` : base;
    const sku = `${name.replace(/[^A-Za-z]/g, '').slice(0, 3).toUpperCase()}-${rng.int(1000, 9999)}`;
    if (names.has(name.toLowerCase()) || skus.has(sku)) continue;
    names.add(name.toLowerCase());
    skus.add(sku);
    out.push({ id: `P${String(out.length + 1).padStart(5, '0')}`, name, sku });
  }
  return out;
}

function retypeSku(sku: string, rng: Random): string {
  const roll = rng.next();
  if (roll < 0.5) return sku;
  if (roll < 0.7) return sku.toLowerCase();
  if (roll < 0.85) return sku.replace('-', '');
  return sku.replace('-', ' ');
}

export function generateItems(rng: Random, productCount: number, itemCount: number, truth: { product: Map<string, string>; item: Map<string, string> }): SyntheticItems {
  const both = Math.round(Math.min(productCount, itemCount) * 0.75);
  const catalogue = articles(rng, productCount + itemCount - both);
  const inSf = catalogue.slice(0, productCount);
  const inQbo = [...catalogue.slice(0, both), ...catalogue.slice(productCount)];
  const products: MatchProduct[] = inSf.map((article, i) => {
    const id = `01t${String(i + 1).padStart(12, '0')}AAA`;
    truth.product.set(id, article.id);
    return { Id: id, Name: article.name, ProductCode: rng.chance(0.92) ? article.sku : null, QuickBooks_Item_Id__c: null };
  });
  const dupes = Math.round(itemCount * 0.03);
  const qboArticles = [...inQbo.slice(0, itemCount - dupes)];
  for (let i = 0; i < dupes; i += 1) qboArticles.push(rng.pick(qboArticles));
  const itemNames = new Set<string>();
  const itemOf = new Map<string, string>();
  const items: MatchItem[] = qboArticles.map((article, i) => {
    const id = String(1000 + i);
    const roll = rng.next();
    let name = article.name;
    let sku: string | null = retypeSku(article.sku, rng);
    if (roll < 0.12) [name, sku] = [article.sku, null];
    else if (roll < 0.25) sku = null;
    else if (roll < 0.3) [name, sku] = [typo(article.name, rng), null];
    if (rng.chance(0.1)) name = name.toUpperCase();
    while (itemNames.has(name.toLowerCase())) name = `${name} (old)`;
    itemNames.add(name.toLowerCase());
    truth.item.set(id, article.id);
    if (!itemOf.has(article.id)) itemOf.set(article.id, id);
    return { Id: id, Name: name, Sku: sku, Active: !rng.chance(0.05) };
  });
  for (const product of products) {
    const itemId = itemOf.get(truth.product.get(product.Id) as string);
    if (itemId && rng.chance(0.1)) product.QuickBooks_Item_Id__c = itemId;
  }
  return { products, items };
}
