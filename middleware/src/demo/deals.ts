import type { QboEmulator } from '@ledgerline/emulators/quickbooks';
import type { SalesforceEmulator } from '@ledgerline/emulators/salesforce';
import { waitFor } from './stack';

/** Realistic Salesforce data in the emulator: products whose codes match the QBO emulator's item SKUs. */
export const PRODUCTS = [
  { Name: 'Consulting Hours', ProductCode: 'CONS-HR', Taxable__c: true, price: 150 },
  { Name: 'Implementation Package', ProductCode: 'IMPL-PKG', Taxable__c: false, price: 5000 },
  { Name: 'Hardware Kit', ProductCode: 'HW-KIT', Taxable__c: true, price: 450 },
  { Name: 'Annual Subscription', ProductCode: 'SUB-ANN', Taxable__c: true, price: 12000 },
] as const;

export interface Catalog {
  products: Record<string, { productId: string; entryId: string; price: number }>;
}

export function seedCatalog(sf: SalesforceEmulator, extra: Array<{ Name: string; ProductCode: string | null; Taxable__c: boolean; price: number }> = [], currency?: string): Catalog {
  const all = [...PRODUCTS, ...extra];
  const { Product2: ids = [] } = sf.control.seed({
    Product2: all.map((p) => ({ Name: p.Name, ProductCode: p.ProductCode, Taxable__c: p.Taxable__c, IsActive: true })),
  });
  const { PricebookEntry: entries = [] } = sf.control.seed({
    PricebookEntry: all.map((p, i) => ({ Pricebook2Id: sf.control.standardPricebookId, Product2Id: ids[i], UnitPrice: p.price, IsActive: true, ...(currency ? { CurrencyIsoCode: currency } : {}) })),
  });
  const products: Catalog['products'] = {};
  all.forEach((p, i) => {
    products[p.ProductCode ?? p.Name] = { productId: ids[i]!, entryId: entries[i]!, price: p.price };
  });
  return { products };
}

export function seedAccount(sf: SalesforceEmulator, overrides: Record<string, unknown> = {}): string {
  const { Account: [id] = [] } = sf.control.seed({
    Account: [
      {
        Name: 'Acme Corporation',
        Billing_Email__c: 'ap@acme.example',
        Payment_Terms__c: 'Net 30',
        BillingStreet: '1 Main St',
        BillingCity: 'Springfield',
        BillingState: 'IL',
        BillingPostalCode: '62701',
        BillingCountry: 'US',
        ...overrides,
      },
    ],
  });
  return id!;
}

export interface LineSpec {
  code: string;
  quantity: number;
  discount?: number;
  unitPrice?: number;
}

export function seedOpportunity(sf: SalesforceEmulator, catalog: Catalog, accountId: string, lines: LineSpec[], overrides: Record<string, unknown> = {}): string {
  const { Opportunity: [id] = [] } = sf.control.seed({
    Opportunity: [
      { Name: 'Acme expansion', StageName: 'Negotiation/Review', CloseDate: '2026-11-20', AccountId: accountId, Pricebook2Id: sf.control.standardPricebookId, ...overrides },
    ],
  });
  if (lines.length > 0) {
    sf.control.seed({
      OpportunityLineItem: lines.map((line, i) => {
        const product = catalog.products[line.code]!;
        return {
          OpportunityId: id,
          PricebookEntryId: product.entryId,
          Quantity: line.quantity,
          UnitPrice: line.unitPrice ?? product.price,
          ...(line.discount ? { Discount: line.discount } : {}),
          SortOrder: i + 1,
        };
      }),
    });
  }
  return id!;
}

/** Closes the deal as a user would: the emulator runs the trigger's callout to the middleware. */
export function closeWon(sf: SalesforceEmulator, opportunityId: string): void {
  sf.control.update('Opportunity', opportunityId, { StageName: 'Closed Won' });
}

/**
 * A record as the emulators hold it: arbitrary wire JSON that tests and the demo read field by field.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- wire JSON of any shape, read by tests
export type WireRecord = Record<string, any>;

/** Waits until the Opportunity's billing sync has finished (Synced or Error) and returns the record. */
export function billingSettled(sf: SalesforceEmulator, opportunityId: string, timeoutMs = 20_000): Promise<WireRecord> {
  return waitFor(() => {
    const record = sf.control.record('Opportunity', opportunityId) as WireRecord | null;
    return record && (record.Billing_Sync_Status__c === 'Synced' || record.Billing_Sync_Status__c === 'Error') ? record : undefined;
  }, timeoutMs, `billing sync of ${opportunityId}`);
}

/** The QBO invoices whose PrivateNote names the Opportunity (how every invoice is traced back to its deal). */
export function invoicesOf(qbo: QboEmulator, realmId: string, opportunityId: string): WireRecord[] {
  return (qbo.control.list(realmId, 'Invoice') as WireRecord[]).filter((inv) => String(inv.PrivateNote ?? '').includes(opportunityId));
}
