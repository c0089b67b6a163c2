import { Connection } from 'jsforce';
import { startStack, waitFor, type Stack } from './support/stack';

// Emulator records are read field by field.
type Rec = Record<string, any>;

/**
 * Clean data at the source, QuickBooks items to Salesforce: an item created in QuickBooks reaches the
 * middleware as a signed webhook; node-quickbooks reads it and jsforce writes its id, as the integration
 * user, onto the active product whose Product Code is its SKU.
 *
 * What this file can and cannot show: the Salesforce emulator enforces force-app's validation rules
 * (Ledgerline_Require_Product_Code, with the $Permission bypass), but it runs no Apex. The uniqueness of
 * Product Codes among active billable products is enforced by the Product2 trigger
 * (Product2TriggerHandler) and proven by Product2TriggerHandlerTest, not here: the emulator saves a second
 * active product with a taken code. What this file shows is the rest: an inactive product with the same
 * code is never given the id, and a product without a code is refused by the validation rule.
 */
describe('QuickBooks items to Salesforce products (real clients, emulators, webhooks)', () => {
  let stack: Stack;
  let admin: string;

  beforeAll(async () => {
    stack = await startStack({ webhooks: true, env: { JOB_BACKOFF_BASE_MS: '20', JOB_BACKOFF_CAP_MS: '100' } });
    await stack.connectQbo();
    admin = `Basic ${Buffer.from(`ops:${stack.adminKey}`).toString('base64')}`;
  });
  afterAll(async () => {
    await stack?.close();
  });

  const product = (id: string) => stack.sf.control.record('Product2', id) as Rec;
  const audit = async (record: string) => {
    const res = await fetch(`${stack.url}/api/v1/audit?record=${record}&limit=100`, { headers: { authorization: admin } });
    return ((await res.json()) as Rec).entries as Rec[];
  };
  const settleWebhooks = async (what: string, check: () => boolean) => {
    await waitFor(async () => {
      await stack.qbo.control.webhooks.flush();
      const counts = await stack.ledgerline.queue.counts();
      return counts.queued + counts.running === 0 && check() ? true : undefined;
    }, 30_000, what);
  };
  const newItem = (Name: string, Sku: string) => {
    const template = (stack.qbo.control.list(stack.realmId, 'Item') as Rec[]).find((i) => i.Type === 'Service' && i.IncomeAccountRef)!;
    return stack.qbo.control.create(stack.realmId, 'Item', { Name, Sku, Type: 'Service', IncomeAccountRef: template.IncomeAccountRef, UnitPrice: 10 }) as Rec;
  };

  it('an Item webhook fills QuickBooks_Item_Id__c on the active product with that SKU, audited, and leaves an inactive twin alone', async () => {
    const { Product2: [active, retired, other] = [] } = stack.sf.control.seed({
      Product2: [
        { Name: 'Field survey', ProductCode: 'SURVEY-01', IsActive: true, Billable__c: true },
        { Name: 'Field survey (old)', ProductCode: 'SURVEY-01', IsActive: false, Billable__c: true },
        { Name: 'Drone survey', ProductCode: 'DRONE-01', IsActive: true, Billable__c: true },
      ],
    });
    const item = newItem('Field survey service', 'SURVEY-01');
    await settleWebhooks('item created and followed', () => product(active!).QuickBooks_Item_Id__c === item.Id);

    expect(product(retired!).QuickBooks_Item_Id__c ?? null).toBeNull();
    expect(product(other!).QuickBooks_Item_Id__c ?? null).toBeNull();
    const entry = (await audit(active!)).find((e) => e.action === 'field.updated');
    expect(entry).toMatchObject({ system: 'salesforce', qboId: item.Id, newValue: item.Id, field: 'Product2.QuickBooks_Item_Id__c ← Item.Id' });
    expect(String(entry!.sourceEvent)).toMatch(/^webhook:/);
  });

  it('a product whose code is another item\'s SKU is not given the id of the item with that name (the invoice engine\'s matching)', async () => {
    const skuHolder = newItem('Holder of SKU', 'CALIB-9');
    await settleWebhooks('first item settled', () => true);
    const { Product2: [productId] = [] } = stack.sf.control.seed({ Product2: [{ Name: 'Calibration', ProductCode: 'CALIB-9', IsActive: true, Billable__c: true }] });
    const named = newItem('CALIB-9', 'OTHER-9');
    await settleWebhooks('name-only item followed', () => true);
    expect(product(productId!).QuickBooks_Item_Id__c ?? null).not.toBe(named.Id);
    // The SKU holder's own change gives it the product.
    stack.qbo.control.edit(stack.realmId, 'Item', skuHolder.Id, { Description: 'Calibration, yearly' });
    await settleWebhooks('SKU holder followed', () => product(productId!).QuickBooks_Item_Id__c === skuHolder.Id);
  });

  it('the onboarding matcher\'s exact matches give item ids to active products only, audited', async () => {
    const plan = newItem('Maintenance plan', 'PLAN-ACTIVE');
    const old = newItem('Legacy plan', 'PLAN-RETIRED');
    await settleWebhooks('items created with no product yet', () => true);
    const { Product2: [activeId, retiredId] = [] } = stack.sf.control.seed({
      Product2: [
        { Name: 'Maintenance plan', ProductCode: 'PLAN-ACTIVE', IsActive: true, Billable__c: true },
        { Name: 'Legacy plan', ProductCode: 'PLAN-RETIRED', IsActive: false, Billable__c: true },
      ],
    });
    const res = await fetch(`${stack.url}/api/v1/onboarding/apply`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ exact: true }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Rec;
    expect(body.items.links).toContainEqual({ salesforceId: activeId, qboId: plan.Id });
    expect(body.items.refused).toContainEqual({ salesforceId: retiredId, qboId: old.Id, reason: expect.stringContaining('inactive in Salesforce') });
    expect(product(activeId!).QuickBooks_Item_Id__c).toBe(plan.Id);
    expect(product(retiredId!).QuickBooks_Item_Id__c ?? null).toBeNull();
    expect((await audit(activeId!)).find((e) => e.action === 'item.linked')).toMatchObject({ qboId: plan.Id, field: 'QuickBooks_Item_Id__c' });
  });

  it('the Product Code rule from force-app refuses an API write without the bypass permission, never blocks a load of other fields, and lets the integration user through', async () => {
    const conn = new Connection({ instanceUrl: stack.sf.url, accessToken: stack.sf.control.createSession().accessToken, version: '62.0' });
    try {
      // An API session holding only the admin persona's set: it may edit Billable__c but has no validation bypass.
      stack.sf.control.assignPermissionSets(['Ledgerline_Admin']);
      const [refused] = (await conn.sobject('Product2').create([{ Name: 'Site visit', IsActive: true, Billable__c: true }], { allOrNone: false })) as unknown as Rec[];
      expect(refused!.success).toBe(false);
      expect(refused!.errors[0]).toMatchObject({ statusCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', fields: ['ProductCode'] });
      expect(refused!.errors[0].message).toMatch(/needs a Product Code/);
      const [notBillable] = (await conn.sobject('Product2').create([{ Name: 'Internal time', IsActive: true, Billable__c: false }], { allOrNone: false })) as unknown as Rec[];
      expect(notBillable!.success).toBe(true);
      // Older products without a code (loaded before the rule): a 200-record load of other fields saves them all;
      // making a product billable without a code is refused.
      const { Product2: legacy = [] } = stack.sf.control.seed({ Product2: Array.from({ length: 200 }, (_, i) => ({ Name: `Legacy ${i}`, IsActive: true, Billable__c: true })) });
      const edited = (await conn.sobject('Product2').update(legacy.map((Id) => ({ Id, Description: 'price list 2027' })), { allOrNone: false })) as unknown as Rec[];
      expect(edited.filter((r) => !r.success)).toEqual([]);
      const [rebilled] = (await conn.sobject('Product2').update([{ Id: notBillable!.id, Billable__c: true }], { allOrNone: false })) as unknown as Rec[];
      expect(rebilled!.success).toBe(false);
      expect(rebilled!.errors[0].message).toMatch(/needs a Product Code/);
    } finally {
      stack.sf.control.assignPermissionSets(['Ledgerline_Integration']);
    }
    // The integration user (bypass) may save a product without a code; Billable__c defaults to true.
    const [bypassed] = (await conn.sobject('Product2').create([{ Name: 'Site visit', IsActive: true }], { allOrNone: false })) as unknown as Rec[];
    expect(bypassed!.success).toBe(true);
  });
});
