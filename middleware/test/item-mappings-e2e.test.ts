import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../src/cli/main';
import { billingSettled, closeWon, invoicesOf, seedAccount, seedOpportunity, type Catalog } from './support/deals';
import { startStack, waitFor, type Stack } from './support/stack';
import type { QboInv } from './support/qbo-invoice';

// Emulator records and JSON answers are read field by field.
type Rec = Record<string, any>;

const EMEA_REALM = '9341453000000002';

/**
 * A product's QuickBooks item per billing entity, with two companies: "Default" (the default entity, whose
 * item id stays on Product2.QuickBooks_Item_Id__c) and "EMEA" (whose item ids live on
 * QuickBooks_Item_Mapping__c, one row per product). Real clients throughout: node-quickbooks reads the
 * items, jsforce writes the rows as the integration user, the Item webhooks are signed by the emulator.
 */
describe('QuickBooks item mappings per billing entity (two companies, real clients, emulators)', () => {
  let stack: Stack;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let admin: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ledgerline-item-mappings-'));
    stack = await startStack({ webhooks: true, env: { DATABASE_URL: `sqlite:${path.join(dir, 'ledgerline.db')}`, JOB_BACKOFF_BASE_MS: '20', JOB_BACKOFF_CAP_MS: '100' } });
    stack.qbo.control.createRealm(EMEA_REALM);
    stack.qbo.control.setPreferences(EMEA_REALM, { homeCurrency: 'GBP', multiCurrency: false });
    await stack.connectQbo('Default', stack.realmId);
    await stack.connectQbo('EMEA', EMEA_REALM);
    env = Object.fromEntries(Object.entries(stack.ledgerline.config).filter(([, v]) => v !== undefined).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v)]));
    env.LOG_LEVEL = 'silent';
    admin = `Basic ${Buffer.from(`ops:${stack.adminKey}`).toString('base64')}`;
  });
  afterAll(async () => {
    await stack?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const product = (id: string) => stack.sf.control.record('Product2', id) as Rec;
  const mappings = (productId: string) =>
    stack.sf.control.query(`SELECT Mapping_Key__c, Billing_Entity__c, Realm_Id__c, QuickBooks_Item_Id__c, Status__c FROM QuickBooks_Item_Mapping__c WHERE Product__c = '${productId}'`) as Rec[];
  const newItem = (realmId: string, Name: string, Sku: string) => {
    const template = (stack.qbo.control.list(realmId, 'Item') as Rec[]).find((i) => i.Type === 'Service' && i.IncomeAccountRef)!;
    return stack.qbo.control.create(realmId, 'Item', { Name, Sku, Type: 'Service', IncomeAccountRef: template.IncomeAccountRef, UnitPrice: 10 }) as Rec;
  };
  const settle = async (what: string, check: () => boolean) => {
    await waitFor(async () => {
      await stack.qbo.control.webhooks.flush();
      const counts = await stack.ledgerline.queue.counts();
      return counts.queued + counts.running === 0 && check() ? true : undefined;
    }, 30_000, what);
  };
  /** Active billable products with a GBP price (EMEA bills in pounds). */
  const seedProducts = (rows: Array<{ Name: string; ProductCode: string; QuickBooks_Item_Id__c?: string }>): Catalog => {
    const { Product2: ids = [] } = stack.sf.control.seed({ Product2: rows.map((r) => ({ ...r, IsActive: true, Billable__c: true, Taxable__c: false })) });
    const { PricebookEntry: entries = [] } = stack.sf.control.seed({
      PricebookEntry: ids.map((id) => ({ Pricebook2Id: stack.sf.control.standardPricebookId, Product2Id: id, UnitPrice: 100, IsActive: true, CurrencyIsoCode: 'GBP' })),
    });
    const products: Catalog['products'] = {};
    rows.forEach((r, i) => (products[r.ProductCode] = { productId: ids[i]!, entryId: entries[i]!, price: 100 }));
    return { products };
  };
  const cli = async (...argv: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await runCli(argv, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, env, cwd: dir });
    return { code, stdout, stderr };
  };

  it("an Item webhook of the second company fills that entity's mapping; the product's own item id stays the default company's", async () => {
    const catalog = seedProducts([{ Name: 'Site survey', ProductCode: 'SURVEY-EU' }]);
    const productId = catalog.products['SURVEY-EU']!.productId;
    const usItem = newItem(stack.realmId, 'Site survey (US)', 'SURVEY-EU');
    await settle('the default company item followed', () => product(productId).QuickBooks_Item_Id__c === usItem.Id);
    // Two more items in EMEA first, so that its item ids differ from the default company's.
    newItem(EMEA_REALM, 'Spacer one', 'SPACER-1');
    newItem(EMEA_REALM, 'Spacer two', 'SPACER-2');
    const ukItem = newItem(EMEA_REALM, 'Site survey (UK)', 'SURVEY-EU');
    expect(ukItem.Id).not.toBe(usItem.Id);

    await settle('the EMEA item followed', () => mappings(productId).length === 1);

    expect(mappings(productId)).toEqual([
      expect.objectContaining({ Mapping_Key__c: `EMEA:${productId}`, Billing_Entity__c: 'EMEA', Realm_Id__c: EMEA_REALM, QuickBooks_Item_Id__c: ukItem.Id, Status__c: 'Mapped' }),
    ]);
    expect(product(productId).QuickBooks_Item_Id__c).toBe(usItem.Id);
    const audit = await stack.ledgerline.store.audit.query({ salesforceId: productId });
    expect(audit.find((a) => a.action === 'item.mapped')).toMatchObject({ realmId: EMEA_REALM, qboId: ukItem.Id, system: 'salesforce' });

    // A change of the same item again writes nothing new (one row per product and entity).
    stack.qbo.control.edit(EMEA_REALM, 'Item', ukItem.Id, { Description: 'Surveys, UK' });
    await settle('the EMEA item change followed', () => true);
    expect(mappings(productId)).toHaveLength(1);
    expect((await stack.ledgerline.store.audit.query({ salesforceId: productId })).filter((a) => a.action === 'item.mapped')).toHaveLength(1);
  });

  it("a deal billed by the second company is invoiced with that company's item, found by SKU, and the mapping is recorded", async () => {
    const usItem = newItem(stack.realmId, 'Calibration (US)', 'CAL-EU');
    newItem(EMEA_REALM, 'Spacer three', 'SPACER-3');
    const ukItem = newItem(EMEA_REALM, 'Calibration (UK)', 'CAL-EU');
    await settle('items created before their product', () => true);
    // The product already holds the default company's item id; it has no EMEA mapping yet.
    const catalog = seedProducts([{ Name: 'Calibration', ProductCode: 'CAL-EU', QuickBooks_Item_Id__c: usItem.Id }]);
    const productId = catalog.products['CAL-EU']!.productId;
    expect(mappings(productId)).toEqual([]);
    expect(ukItem.Id).not.toBe(usItem.Id);

    const accountId = seedAccount(stack.sf, { Name: 'Globex UK', Tax_Exempt__c: true });
    const dealId = seedOpportunity(stack.sf, catalog, accountId, [{ code: 'CAL-EU', quantity: 2 }], { Name: 'Globex calibration', Billing_Entity__c: 'EMEA', CurrencyIsoCode: 'GBP' });
    // The preview (the readiness checklist's source) already sees the EMEA item, not Product2's id; it writes nothing.
    const preview = (await (await fetch(`${stack.url}/api/v1/opportunities/${dealId}/preview`, { headers: { authorization: `Bearer ${stack.apiKey}` } })).json()) as Rec;
    expect(preview.problems).toEqual([]);
    expect(preview.invoice.Line.filter((l: Rec) => l.DetailType === 'SalesItemLineDetail').map((l: Rec) => l.SalesItemLineDetail.ItemRef.value)).toEqual([ukItem.Id]);
    expect(mappings(productId)).toEqual([]);
    closeWon(stack.sf, dealId);
    const settled = await billingSettled(stack.sf, dealId);
    expect(settled.Billing_Sync_Error__c).toBeNull();

    const [invoice] = invoicesOf(stack.qbo, EMEA_REALM, dealId) as unknown as QboInv[];
    const itemRefs = (invoice as unknown as Rec).Line.filter((l: Rec) => l.DetailType === 'SalesItemLineDetail').map((l: Rec) => l.SalesItemLineDetail.ItemRef.value);
    expect(itemRefs).toEqual([ukItem.Id]);
    await waitFor(() => mappings(productId).length === 1 || undefined, 15_000, 'the EMEA mapping');
    expect(mappings(productId)[0]).toMatchObject({ Billing_Entity__c: 'EMEA', QuickBooks_Item_Id__c: ukItem.Id, Status__c: 'Mapped' });
    expect(product(productId).QuickBooks_Item_Id__c).toBe(usItem.Id);
  });

  it('npm run cli -- catalog lists mapped and unmapped items and products per company, and --apply --entity EMEA creates the missing product with its EMEA mapping', async () => {
    const catalog = seedProducts([{ Name: 'Drone survey', ProductCode: 'DRONE-EU' }]);
    const droneId = catalog.products['DRONE-EU']!.productId;
    newItem(stack.realmId, 'Drone survey (US)', 'DRONE-EU');
    const roof = newItem(EMEA_REALM, 'Rooftop inspection (UK)', 'ROOF-EU');
    await settle('catalogue items followed', () => true);

    const { code, stdout, stderr } = await cli('catalog', '--json');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const answer = JSON.parse(stdout) as Rec;
    const byEntity = new Map((answer.companies as Rec[]).map((c) => [c.entity.name, c]));
    expect([...byEntity.keys()]).toEqual(['Default', 'EMEA']);
    // Mapped in Default (by SKU), not in EMEA (no item with its SKU there).
    expect(byEntity.get('Default')!.productsWithoutItem.map((p: Rec) => p.id)).not.toContain(droneId);
    expect(byEntity.get('EMEA')!.productsWithoutItem).toContainEqual(expect.objectContaining({ id: droneId, productCode: 'DRONE-EU', fix: expect.stringContaining('no active QuickBooks item has the SKU or name "DRONE-EU"') }));
    expect(byEntity.get('EMEA')!.itemsWithoutProduct).toContainEqual({ id: roof.Id, name: 'Rooftop inspection (UK)', sku: 'ROOF-EU', productCode: 'ROOF-EU' });
    expect(byEntity.get('Default')!.itemsWithoutProduct.map((i: Rec) => i.sku)).not.toContain('ROOF-EU');
    // The top level stays the default company's, as before.
    expect(answer.realmId).toBe(stack.realmId);

    const text = (await cli('catalog', '--entity', 'emea')).stdout;
    expect(text).toContain(`QuickBooks company EMEA (${EMEA_REALM}) (item ids on QuickBooks Item Mappings)`);
    expect(text).toContain(`${droneId}  Drone survey  code DRONE-EU`);
    expect(text).toContain('npm run cli -- catalog --apply --entity EMEA');
    expect(text).not.toContain('QuickBooks company Default');
    const unknown = await cli('catalog', '--entity', 'APAC');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Choose one of: Default, EMEA');

    const page = (await (await fetch(`${stack.url}/api/v1/catalog`, { headers: { authorization: admin } })).json()) as Rec;
    expect(page.companies.map((c: Rec) => c.entity.name)).toEqual(['Default', 'EMEA']);

    const applied = await cli('catalog', '--apply', '--entity', 'EMEA');
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('QuickBooks company EMEA');
    expect(applied.stdout).not.toContain('QuickBooks company Default');
    const created = (stack.sf.control.records('Product2') as Rec[]).filter((p) => p.ProductCode === 'ROOF-EU');
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({ Name: 'Rooftop inspection (UK)', IsActive: true });
    expect(created[0]!.QuickBooks_Item_Id__c ?? null).toBeNull();
    expect(mappings(created[0]!.Id)).toEqual([expect.objectContaining({ Billing_Entity__c: 'EMEA', QuickBooks_Item_Id__c: roof.Id, Status__c: 'Mapped' })]);
    const again = JSON.parse((await cli('catalog', '--json', '--entity', 'EMEA')).stdout) as Rec;
    expect(again.companies[0].itemsWithoutProduct.map((i: Rec) => i.id)).not.toContain(roof.Id);
  });

  it("the onboarding matcher's exact matches in the second company become the products' EMEA mappings; an existing mapping is left as it is", async () => {
    const plan = newItem(EMEA_REALM, 'Maintenance plan (UK)', 'PLAN-EU');
    await settle('an item with no product yet', () => true);
    const catalog = seedProducts([{ Name: 'Maintenance plan', ProductCode: 'PLAN-EU' }]);
    const productId = catalog.products['PLAN-EU']!.productId;
    const mappedBefore = (stack.sf.control.records('QuickBooks_Item_Mapping__c') as Rec[]).length;
    const auditBefore = (await stack.ledgerline.store.audit.query({ realmId: EMEA_REALM, limit: 1000 })).filter((a) => a.action === 'item.mapped').length;

    const res = await fetch(`${stack.url}/api/v1/onboarding/apply`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ realmId: EMEA_REALM, exact: true }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Rec;
    expect(body.items.links).toEqual([{ salesforceId: productId, qboId: plan.Id }]);
    expect(mappings(productId)).toEqual([expect.objectContaining({ Mapping_Key__c: `EMEA:${productId}`, QuickBooks_Item_Id__c: plan.Id, Status__c: 'Mapped' })]);
    expect(product(productId).QuickBooks_Item_Id__c ?? null).toBeNull();
    // Only the new one was written: the mappings the earlier tests made count as links already.
    expect((stack.sf.control.records('QuickBooks_Item_Mapping__c') as Rec[]).length).toBe(mappedBefore + 1);
    expect((await stack.ledgerline.store.audit.query({ realmId: EMEA_REALM, limit: 1000 })).filter((a) => a.action === 'item.mapped').length).toBe(auditBefore + 1);
  });

  it("a second company's mapping to an item made inactive stops the deal with that entity's fix; another active item with the SKU maps the product again", async () => {
    const catalog = seedProducts([{ Name: 'Pump service', ProductCode: 'PUMP-EU' }]);
    const productId = catalog.products['PUMP-EU']!.productId;
    const old = newItem(EMEA_REALM, 'Pump service (old)', 'PUMP-EU');
    await settle('the EMEA item followed', () => mappings(productId)[0]?.QuickBooks_Item_Id__c === old.Id);
    stack.qbo.control.edit(EMEA_REALM, 'Item', old.Id, { Active: false });
    await settle('the deactivation followed', () => true);

    const accountId = seedAccount(stack.sf, { Name: 'Initrode UK', Tax_Exempt__c: true });
    const dealId = seedOpportunity(stack.sf, catalog, accountId, [{ code: 'PUMP-EU', quantity: 1 }], { Name: 'Initrode pumps', Billing_Entity__c: 'EMEA', CurrencyIsoCode: 'GBP' });
    closeWon(stack.sf, dealId);
    const refused = await billingSettled(stack.sf, dealId);
    expect(refused.Billing_Sync_Status__c).toBe('Error');
    expect(refused.Billing_Sync_Error__c).toContain(`Product "Pump service" (${productId}, SKU PUMP-EU) in billing entity EMEA is mapped to QuickBooks item "Pump service (old)" (#${old.Id}), which is inactive`);
    expect(refused.Billing_Sync_Error__c).toContain('give another active item of EMEA the SKU "PUMP-EU" in QuickBooks');

    const replacement = newItem(EMEA_REALM, 'Pump service', 'PUMP-EU');
    await settle('the replacement item followed', () => mappings(productId)[0]?.QuickBooks_Item_Id__c === replacement.Id);
    const retry = await fetch(`${stack.url}/api/v1/sync/opportunities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ opportunityIds: [dealId], reason: 'retry' }),
    });
    expect(retry.status).toBe(202);
    const [invoice] = await waitFor(() => (invoicesOf(stack.qbo, EMEA_REALM, dealId).length === 1 ? invoicesOf(stack.qbo, EMEA_REALM, dealId) : undefined), 20_000, 'the retried invoice');
    expect((invoice as Rec).Line.filter((l: Rec) => l.DetailType === 'SalesItemLineDetail').map((l: Rec) => l.SalesItemLineDetail.ItemRef.value)).toEqual([replacement.Id]);
  });
});
