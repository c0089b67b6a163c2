import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../src/cli/main';
import { startStack, type Stack } from './support/stack';
import { seedCatalog, type Catalog } from './support/deals';

// JSON answers and emulator records are read field by field.
type Rec = Record<string, any>;

/** `npm run cli -- catalog [--apply]` in this process against the emulators (jsforce, node-quickbooks). */
describe('catalog CLI (real clients, emulators)', () => {
  let stack: Stack;
  let catalog: Catalog;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const seeded: Record<string, string> = {};
  let newItem: Rec;
  let unmapped = 0;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ledgerline-catalog-cli-'));
    stack = await startStack({ env: { DATABASE_URL: `sqlite:${path.join(dir, 'ledgerline.db')}` } });
    await stack.connectQbo();
    catalog = seedCatalog(stack.sf);
    env = Object.fromEntries(Object.entries(stack.ledgerline.config).filter(([, v]) => v !== undefined).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v)]));
    env.LOG_LEVEL = 'silent';
    const template = (stack.qbo.control.list(stack.realmId, 'Item') as Rec[]).find((i) => i.Type === 'Service' && i.IncomeAccountRef)!;
    newItem = stack.qbo.control.create(stack.realmId, 'Item', { Name: 'Rooftop inspection', Sku: 'ROOF-INSP', Type: 'Service', IncomeAccountRef: template.IncomeAccountRef, UnitPrice: 90 }) as Rec;
    const { Product2: ids = [] } = stack.sf.control.seed({
      Product2: [
        { Name: 'Orphan product', ProductCode: 'ORPHAN-1', IsActive: true, Billable__c: true },
        { Name: 'Internal time', ProductCode: null, IsActive: true, Billable__c: false },
        { Name: 'Retired kit', ProductCode: 'RETIRED-1', IsActive: false, Billable__c: true },
        { Name: 'Stale link', ProductCode: 'STALE-1', IsActive: true, Billable__c: true, QuickBooks_Item_Id__c: '999999' },
      ],
    });
    [seeded.orphan, seeded.internal, seeded.retired, seeded.stale] = ids;
  });
  afterAll(async () => {
    await stack?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const cli = async (...argv: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await runCli(argv, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, env, cwd: dir });
    return { code, stdout, stderr };
  };
  const productsNamed = (name: string) => (stack.sf.control.records('Product2') as Rec[]).filter((p) => p.Name === name);

  it('lists items with no product and billable products with no item, with the command that fixes them, and writes nothing', async () => {
    const { code, stdout, stderr } = await cli('catalog');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain(`item ${newItem.Id}  Rooftop inspection  SKU ROOF-INSP`);
    expect(stdout).toContain(`${seeded.orphan}  Orphan product  code ORPHAN-1: no active QuickBooks item has the SKU or name "ORPHAN-1"`);
    expect(stdout).toContain(`${seeded.stale}  Stale link  code STALE-1: its QuickBooks item 999999 is inactive or gone`);
    expect(stdout).not.toContain(seeded.internal);
    expect(stdout).not.toContain(seeded.retired);
    // The seeded catalogue matches QuickBooks by SKU: none of it is listed.
    for (const { productId } of Object.values(catalog.products)) expect(stdout).not.toContain(productId);
    expect(stdout).toContain('npm run cli -- catalog --apply');
    expect(productsNamed('Rooftop inspection')).toEqual([]);

    const json = JSON.parse((await cli('catalog', '--json')).stdout) as Rec;
    // The QuickBooks emulator's own seeded items (e.g. "Services") have no product either.
    expect(json.itemsWithoutProduct).toContainEqual({ id: newItem.Id, name: 'Rooftop inspection', sku: 'ROOF-INSP', productCode: 'ROOF-INSP' });
    unmapped = json.itemsWithoutProduct.length;
    const seededSkus = new Set(Object.keys(catalog.products));
    expect(json.itemsWithoutProduct.filter((i: Rec) => seededSkus.has(i.sku))).toEqual([]);
    expect(json.productsWithoutItem.map((p: Rec) => p.id).sort()).toEqual([seeded.orphan, seeded.stale].sort());
  });

  it('the ops page lists items with no product (GET /api/v1/catalog, admin only)', async () => {
    const admin = `Basic ${Buffer.from(`ops:${stack.adminKey}`).toString('base64')}`;
    expect((await fetch(`${stack.url}/api/v1/catalog`)).status).toBe(401);
    const body = (await (await fetch(`${stack.url}/api/v1/catalog`, { headers: { authorization: admin } })).json()) as Rec;
    expect(body.itemsWithoutProduct).toContainEqual(expect.objectContaining({ id: newItem.Id, name: 'Rooftop inspection' }));
    const page = await (await fetch(`${stack.url}/ops`, { headers: { authorization: admin } })).text();
    expect(page).toContain('<tbody id="catalog">');
    const script = await (await fetch(`${stack.url}/ops/ops.js`, { headers: { authorization: admin } })).text();
    expect(script).toContain('/api/v1/catalog');
  });

  it('--apply creates the missing product as the integration user, with the item id, audited; the next run lists the item no more', async () => {
    const { code, stdout } = await cli('catalog', '--apply');
    expect(code).toBe(0);
    expect(stdout).toContain(`Created ${unmapped} products`);
    expect((stack.sf.control.records('Product2') as Rec[]).filter((p) => p.QuickBooks_Item_Id__c && p.Id !== seeded.stale)).toHaveLength(unmapped);
    const [created] = productsNamed('Rooftop inspection');
    expect(created).toMatchObject({ ProductCode: 'ROOF-INSP', IsActive: true, QuickBooks_Item_Id__c: newItem.Id });
    const audit = await stack.ledgerline.store.audit.query({ salesforceId: created!.Id });
    expect(audit.map((a) => [a.action, a.actor, a.qboId])).toEqual([['product.created', 'cli', newItem.Id]]);

    const again = await cli('catalog');
    expect(again.stdout).toContain('QuickBooks items with no product (0)');
    expect(again.stdout).not.toContain('--apply');
  });

  it('--apply refuses a duplicate SKU: an item whose SKU an active billable product holds gets no second product, and the refusal names that product', async () => {
    const template = (stack.qbo.control.list(stack.realmId, 'Item') as Rec[]).find((i) => i.Type === 'Service' && i.IncomeAccountRef)!;
    const item = (Name: string, Sku: string) => stack.qbo.control.create(stack.realmId, 'Item', { Name, Sku, Type: 'Service', IncomeAccountRef: template.IncomeAccountRef, UnitPrice: 90 }) as Rec;
    // Same SKU as the product created by the previous --apply (which holds newItem's id), in another case.
    const twin = item('Rooftop inspection (copy)', 'roof-insp');
    // Two new items sharing one SKU that no product holds yet: the first gets a product, the second does not.
    const first = item('Gutter check', 'GUTTER-1');
    const second = item('Gutter check, again', 'GUTTER-1');
    const [holder] = productsNamed('Rooftop inspection');

    const { code, stdout } = await cli('catalog', '--apply');

    expect(code).toBe(1);
    expect(stdout).toContain(`! item ${twin.Id} Rooftop inspection (copy): Product Code "roof-insp" is already used by the active billable product "Rooftop inspection" (${holder!.Id})`);
    expect(stdout).toContain(`! item ${second.Id} Gutter check, again: Product Code "GUTTER-1" is already used by the product this run creates for item "Gutter check"`);
    const codes = (stack.sf.control.records('Product2') as Rec[]).map((p) => String(p.ProductCode ?? '').toUpperCase());
    expect(codes.filter((c) => c === 'ROOF-INSP')).toHaveLength(1);
    expect(codes.filter((c) => c === 'GUTTER-1')).toHaveLength(1);
    expect(productsNamed('Gutter check')[0]).toMatchObject({ QuickBooks_Item_Id__c: first.Id });
  });
});
