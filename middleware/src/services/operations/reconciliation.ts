/**
 * Reads what the month-end reconciliation compares (sync/reconciliation.ts): won Opportunities and the
 * invoice mirror from Salesforce, customer links from the store and `Account.QuickBooks_Customer_Id__c`
 * (the default company's). Read-only: it reports drift and changes nothing.
 */
import type { Connection } from 'jsforce';
import { AppError } from '../../errors';
import { ACCOUNT_FIELDS, INVOICE_FIELDS, OPPORTUNITY_FIELDS, RELATIONSHIPS, SOBJECTS } from '../../salesforce/fields';
import { classifySalesforceError, soqlIdList } from '../../salesforce/records';
import type { RecordLinkRepository } from '../../store/record-links';
import { reconcile, sharedCustomers, type MirrorRow, type Reconciliation, type WonDeal } from '../../sync/reconciliation';
import type { BillingEntity } from '../billing-entities';

export interface ReconciliationDeps {
  salesforce: () => Promise<Connection>;
  entities: () => Promise<BillingEntity[]>;
  links: Pick<RecordLinkRepository, 'sharedQboIds'>;
}

export interface ReconciliationResult extends Reconciliation {
  companies: Array<{ realmId: string; billingEntity: string }>;
}

type Row = Record<string, unknown>;

export class ReconciliationReport {
  constructor(private readonly deps: ReconciliationDeps) {}

  /** Every connected company, or only `realmId`. */
  async run(realmId?: string): Promise<ReconciliationResult> {
    const entities = await this.deps.entities();
    const chosen = realmId ? entities.filter((e) => e.realmId === realmId) : entities;
    if (realmId && chosen.length === 0) {
      throw new AppError('BAD_REQUEST', `QuickBooks company ${realmId} is not connected.`, { fix: `Use one of: ${entities.map((e) => `${e.realmId} (${e.name})`).join(', ') || 'none; connect a company at /oauth/quickbooks/connect first'}.` });
    }
    const conn = await this.deps.salesforce();
    const realmOf = new Map(entities.map((e) => [e.name, e.realmId]));
    const defaultRealm = entities.find((e) => e.isDefault)?.realmId ?? null;
    const [deals, rows, shared] = await Promise.all([this.deals(conn, realmOf, defaultRealm), this.rows(conn), this.shared(conn, chosen, defaultRealm)]);
    const report = reconcile(deals, rows, shared, new Set(chosen.map((e) => e.realmId)));
    return { companies: chosen.map((e) => ({ realmId: e.realmId, billingEntity: e.name })), ...report };
  }

  private async deals(conn: Connection, realmOf: Map<string, string>, defaultRealm: string | null): Promise<WonDeal[]> {
    const f = OPPORTUNITY_FIELDS;
    const soql =
      `SELECT ${f.id}, ${f.name}, ${f.accountId}, Account.${ACCOUNT_FIELDS.name}, ${f.amount}, ${f.closeDate}, ${f.billingEntity}, ${f.billingSyncStatus}, ${f.nextInvoiceDate} ` +
      `FROM ${SOBJECTS.opportunity} WHERE ${f.isWon} = true ORDER BY ${f.closeDate}, ${f.id}`;
    return (await query(conn, soql, 'the won Opportunity query')).map((r) => {
      const entity = (r.Billing_Entity__c as string | null)?.trim();
      return {
        id: r.Id as string,
        name: r.Name as string,
        accountId: (r.AccountId as string | null) ?? null,
        accountName: ((r.Account as Row | null)?.Name as string | undefined) ?? null,
        amount: (r.Amount as number | null) ?? null,
        closeDate: (r.CloseDate as string | null) ?? null,
        realmId: entity ? (realmOf.get(entity) ?? null) : defaultRealm,
        syncStatus: (r.Billing_Sync_Status__c as string | null) ?? null,
        nextInvoiceDate: (r.Next_Invoice_Date__c as string | null) ?? null,
      };
    });
  }

  private async rows(conn: Connection): Promise<MirrorRow[]> {
    const i = INVOICE_FIELDS;
    const soql =
      `SELECT ${i.quickBooksKey}, ${i.docNumber}, ${i.opportunity}, ${i.account}, ${RELATIONSHIPS.invoiceAccount}.${ACCOUNT_FIELDS.name}, ${i.type}, ${i.total}, ${i.balance}, ${i.txnDate} ` +
      `FROM ${SOBJECTS.invoice} WHERE ${i.voided} = false ORDER BY ${i.txnDate}, ${i.quickBooksKey}`;
    return (await query(conn, soql, 'the invoice mirror query')).map((r) => ({
      key: r.QuickBooks_Key__c as string,
      realmId: String(r.QuickBooks_Key__c).split(':')[0] ?? '',
      docNumber: (r.Doc_Number__c as string | null) ?? null,
      opportunityId: (r.Opportunity__c as string | null) ?? null,
      accountId: (r.Account__c as string | null) ?? null,
      accountName: ((r.Account__r as Row | null)?.Name as string | undefined) ?? null,
      type: (r.Type__c as string | null) ?? null,
      total: (r.Total__c as number | null) ?? 0,
      balance: (r.Balance__c as number | null) ?? 0,
      txnDate: (r.Txn_Date__c as string | null) ?? null,
      voided: false,
    }));
  }

  /** Customers with several Accounts: from the link table (every company) and from the default company's field. */
  private async shared(conn: Connection, chosen: BillingEntity[], defaultRealm: string | null) {
    const pairs: Array<{ realmId: string; customerId: string; accountId: string; accountName: string | null }> = [];
    for (const entity of chosen) {
      for (const link of await this.deps.links.sharedQboIds('customer', entity.realmId)) pairs.push({ realmId: entity.realmId, customerId: link.qboId, accountId: link.salesforceId, accountName: null });
    }
    if (defaultRealm && chosen.some((e) => e.realmId === defaultRealm)) {
      const a = ACCOUNT_FIELDS;
      const rows = await query(conn, `SELECT ${a.id}, ${a.name}, ${a.quickBooksCustomerId} FROM ${SOBJECTS.account} WHERE ${a.quickBooksCustomerId} != null`, 'the linked Account query');
      for (const r of rows) pairs.push({ realmId: defaultRealm, customerId: r.QuickBooks_Customer_Id__c as string, accountId: r.Id as string, accountName: r.Name as string });
    }
    const groups = sharedCustomers(pairs);
    // Name the Accounts the link table knows only by id.
    const unnamed = [...new Set(groups.flatMap((g) => g.accounts.filter((x) => !x.name).map((x) => x.id)))];
    if (unnamed.length > 0) {
      const names = new Map((await query(conn, `SELECT Id, Name FROM ${SOBJECTS.account} WHERE Id IN (${soqlIdList(unnamed)})`, 'the Account name query')).map((r) => [String(r.Id).slice(0, 15), r.Name as string]));
      for (const g of groups) for (const x of g.accounts) x.name ??= names.get(x.id.slice(0, 15)) ?? null;
    }
    return groups;
  }
}

async function query(conn: Connection, soql: string, what: string): Promise<Row[]> {
  try {
    return (await conn.query<Row>(soql, { autoFetch: true, maxFetch: 200_000 })).records;
  } catch (error) {
    throw classifySalesforceError(error, what);
  }
}
