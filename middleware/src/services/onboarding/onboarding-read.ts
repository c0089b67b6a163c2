import type { Connection } from 'jsforce';
import type { MatchAccount, MatchItem, MatchProduct } from '../../matching';
import type { QboCompany } from '../../quickbooks/api';
import { ACCOUNT_FIELDS, PRODUCT_FIELDS, SOBJECTS } from '../../salesforce/fields';
import { classifySalesforceError } from '../../salesforce/records';
import { ALL_CUSTOMERS_WHERE, ALL_ROWS_PAGES, type KnownCustomer } from '../accounts';

/** The four reads of a matching run, in the order the progress bar shows them. */
export type ReadPhase = 'accounts' | 'products' | 'customers' | 'items';

export interface ReadProgress {
  phase: ReadPhase;
  /** Records read so far. */
  done: number;
  /** Known after the first page (Salesforce); QuickBooks does not tell before the last page. */
  total: number | null;
  finished: boolean;
}

export interface QboItemRow extends MatchItem {
  Type?: string;
}

export interface OnboardingData {
  accounts: MatchAccount[];
  products: MatchProduct[];
  customers: KnownCustomer[];
  items: QboItemRow[];
}

export const ACCOUNT_MATCH_FIELDS = [
  ACCOUNT_FIELDS.id,
  ACCOUNT_FIELDS.name,
  ACCOUNT_FIELDS.billingEmail,
  'Phone',
  'Website',
  ACCOUNT_FIELDS.billingStreet,
  ACCOUNT_FIELDS.billingCity,
  ACCOUNT_FIELDS.billingState,
  ACCOUNT_FIELDS.billingPostalCode,
  ACCOUNT_FIELDS.billingCountry,
  ACCOUNT_FIELDS.quickBooksCustomerId,
] as const;

export const PRODUCT_MATCH_FIELDS = [PRODUCT_FIELDS.id, PRODUCT_FIELDS.name, PRODUCT_FIELDS.productCode, PRODUCT_FIELDS.quickBooksItemId] as const;

interface QueryPage<T> {
  totalSize: number;
  done: boolean;
  records: T[];
  nextRecordsUrl?: string;
}

/**
 * Every row of a SOQL query through the REST API, page by page (`queryMore` with the locator, up to
 * 2,000 rows a page), reporting after each page. The Bulk API 2.0 would be cheaper in API calls for
 * millions of rows; the local Salesforce emulator does not serve it, so this reader is the one tested.
 */
export async function readAllSoql<T>(conn: Connection, soql: string, what: string, onPage: (done: number, total: number) => void): Promise<T[]> {
  const rows: T[] = [];
  try {
    let page = (await conn.query<Record<string, unknown>>(soql, { autoFetch: false })) as unknown as QueryPage<T>;
    for (;;) {
      rows.push(...page.records.map(withoutAttributes));
      onPage(rows.length, page.totalSize);
      if (page.done || !page.nextRecordsUrl) return rows;
      page = (await conn.queryMore<Record<string, unknown>>(page.nextRecordsUrl)) as unknown as QueryPage<T>;
    }
  } catch (error) {
    throw classifySalesforceError(error, `reading every ${what} (${rows.length} read so far)`);
  }
}

function withoutAttributes<T>(record: T): T {
  const { attributes: _attributes, ...rest } = record as T & { attributes?: unknown };
  return rest as T;
}

/** Salesforce and QuickBooks are read side by side; within each system one object after the other. */
export async function readOnboardingData(conn: Connection, company: QboCompany, onProgress: (p: ReadProgress) => void): Promise<OnboardingData> {
  const report = (phase: ReadPhase) => (done: number, total: number | null, finished = false) => onProgress({ phase, done, total, finished });
  const salesforce = async () => {
    const accounts = await readAllSoql<MatchAccount>(conn, `SELECT ${ACCOUNT_MATCH_FIELDS.join(', ')} FROM ${SOBJECTS.account} ORDER BY Id`, 'Account', report('accounts'));
    report('accounts')(accounts.length, accounts.length, true);
    const products = await readAllSoql<MatchProduct>(conn, `SELECT ${PRODUCT_MATCH_FIELDS.join(', ')} FROM ${SOBJECTS.product} ORDER BY Id`, 'Product2', report('products'));
    report('products')(products.length, products.length, true);
    return { accounts, products };
  };
  const quickbooks = async () => {
    report('customers')(0, null);
    const customers = await company.query<KnownCustomer>('Customer', ALL_CUSTOMERS_WHERE, ALL_ROWS_PAGES);
    report('customers')(customers.length, customers.length, true);
    report('items')(0, null);
    // Categories are items in the API (Type "Category") but can never be sold.
    const items = (await company.query<QboItemRow>('Item', 'where Active in (true, false)', ALL_ROWS_PAGES)).filter((i) => i.Type !== 'Category');
    report('items')(items.length, items.length, true);
    return { customers, items };
  };
  const [sf, qbo] = await Promise.all([salesforce(), quickbooks()]);
  return { ...sf, ...qbo };
}
