import { matchItems } from './item-matcher';
import type { MatchItem, MatchProduct } from './types';

const product = (Id: string, Name: string, ProductCode: string | null, QuickBooks_Item_Id__c: string | null = null): MatchProduct => ({ Id, Name, ProductCode, QuickBooks_Item_Id__c });
const item = (Id: string, Name: string, Sku: string | null, Active = true): MatchItem => ({ Id, Name, Sku, Active });

describe('matchItems', () => {
  it('links by SKU written differently, exact', () => {
    const r = matchItems([product('p1', 'Widget Pro', 'WID-1001')], [item('10', 'Widget Pro', 'wid 1001')]);
    expect(r.exact).toEqual([expect.objectContaining({ productId: 'p1', itemId: '10', tier: 'exact' })]);
    expect(r.exact[0]!.reasons).toContain('same SKU WID1001');
  });

  it('links an item whose name is the product code (the invoice engine maps it so)', () => {
    const r = matchItems([product('p1', 'Widget Pro', 'WID-1001')], [item('10', 'WID-1001', null)]);
    expect(r.exact.map((p) => p.itemId)).toEqual(['10']);
  });

  it('same SKU but unrelated names is probable, not exact', () => {
    const r = matchItems([product('p1', 'Widget Pro', 'X-1')], [item('10', 'Annual Support Plan', 'X1')]);
    expect(r.exact).toEqual([]);
    expect(r.probable.map((p) => p.itemId)).toEqual(['10']);
  });

  it('a look-alike with another SKU is not proposed; the right one is', () => {
    const r = matchItems([product('p1', 'Widget Pro', 'WID-1001')], [item('10', 'Widget Pro Max', 'WID-2002'), item('11', 'Widget Pro', null)]);
    expect([...r.exact, ...r.probable].map((p) => p.itemId)).toEqual(['11']);
    expect(r.unmatchedItems.map((u) => u.id)).toEqual(['10']);
  });

  it('existing id link wins; inactive items are never exact', () => {
    expect(matchItems([product('p1', 'Gasket', null, '10')], [item('10', 'Seal ring', null)]).exact.map((p) => p.itemId)).toEqual(['10']);
    const inactive = matchItems([product('p1', 'Gasket', 'GAS-1')], [item('10', 'Gasket', 'GAS-1', false)]);
    expect(inactive.exact).toEqual([]);
    expect(inactive.probable[0]!.reasons).toContain('but the QuickBooks item is inactive');
  });

  it('reports two QBO items with one SKU as duplicates', () => {
    const r = matchItems([], [item('10', 'Toner Black', 'TON-1'), item('11', 'Toner Black (old)', 'ton1'), item('12', 'Toner Blue', 'TON-2')]);
    expect(r.duplicateItems.map((g) => g.ids)).toEqual([['10', '11']]);
  });
});
