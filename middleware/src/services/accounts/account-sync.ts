/**
 * Salesforce-owned customer fields → the QuickBooks customer of every company the Account is linked to,
 * under the sync policy. Runs for an Account notice (`account.sync` job, from the Account trigger) and for
 * a QuickBooks Customer change (customer-follow): in both cases Salesforce's value wins, and a value that
 * QuickBooks changed since the last sync is recorded as an overwritten conflict. Updates carry the
 * SyncToken just read; a stale token (5010) re-reads and re-applies, so a concurrent edit is never lost
 * silently. Every field written is in the audit log with both record ids.
 */
import type { Connection } from 'jsforce';
import { AppError } from '../../errors';
import type { Logger } from '../../logger';
import type { SyncPolicy } from '../../policy';
import type { QboCompany } from '../../quickbooks/api';
import { isQboFaultCode } from '../../quickbooks/errors';
import { classifySalesforceError, soqlIdList } from '../../salesforce/records';
import type { AuditLog } from '../../store/audit-log';
import type { RecordLinkRepository } from '../../store/record-links';
import { disambiguatedNameFor, type NameRules } from '../../sync/customer-match';
import { changesFor, snapshot, updateBody, type FieldChange, type SfAccountRecord } from './account-sync-values';
import type { CompanyCatalog } from './company-context';

export const ACCOUNT_SYNC_JOB = 'account.sync';
export const PAIR = 'account-customer';

export interface AccountSyncJobPayload {
  accountId: string;
  reason: string;
}

export interface AccountSyncDeps {
  policy: SyncPolicy;
  salesforce: () => Promise<Connection>;
  company: (realmId: string) => Pick<QboCompany, 'realmId' | 'read' | 'update'> & QboCompany;
  catalog: Pick<CompanyCatalog, 'context'>;
  links: Pick<RecordLinkRepository, 'findBySalesforceId' | 'put'>;
  audit: Pick<AuditLog, 'append'>;
  rules: NameRules;
  logger: Logger;
}

export interface CustomerOutcome {
  realmId: string;
  customerId: string;
  updated: string[];
  conflicts: string[];
}

type QboCustomer = Record<string, unknown> & { Id: string; SyncToken: string };
interface CustomerLinkExtra {
  /** QuickBooks values after the last sync, by policy path. */
  lastSeen?: Record<string, string | null>;
  /** The Account's LastModifiedDate that was last applied. */
  accountModifiedAt?: string;
  [key: string]: unknown;
}

const MAX_STALE_RETRIES = 3;

export class AccountSync {
  constructor(private readonly deps: AccountSyncDeps) {}

  /** Applies the Account's Salesforce-owned values to each linked customer. */
  async sync(accountId: string, context: { jobId?: string; source: string; onlyRealm?: string; onlyCustomer?: string }): Promise<{ accountId: string; customers: CustomerOutcome[]; skipped?: string }> {
    const account = (await this.loadAccounts([accountId]))[0];
    if (!account) throw new AppError('NOT_FOUND', `Account ${accountId} was not found in Salesforce (deleted, or not visible to the integration user).`, { fix: 'Check the Ledgerline_Integration permission set’s access to Accounts.' });
    const links = (await this.deps.links.findBySalesforceId<CustomerLinkExtra>('customer', account.Id)).filter((l) => (!context.onlyRealm || l.realmId === context.onlyRealm) && (!context.onlyCustomer || l.qboId === context.onlyCustomer));
    if (links.length === 0) return { accountId, customers: [], skipped: 'no QuickBooks customer is linked to this Account yet (the first invoice links or creates it)' };
    const customers: CustomerOutcome[] = [];
    for (const link of links) customers.push(await this.applyTo(account, link.realmId, link.qboId, link.extra ?? {}, context));
    return { accountId, customers };
  }

  /** Reads Accounts with every field the policy names for them. */
  async loadAccounts(ids: string[]): Promise<SfAccountRecord[]> {
    const fields = new Set(['Id', 'Name', 'LastModifiedDate', ...this.deps.policy.pair(PAIR).fields.map((f) => f.salesforce)]);
    const conn = await this.deps.salesforce();
    try {
      const result = await conn.query<SfAccountRecord>(`SELECT ${[...fields].join(', ')} FROM Account WHERE Id IN (${soqlIdList(ids)})`);
      return result.records;
    } catch (error) {
      throw classifySalesforceError(error, `query of ${ids.length} Accounts`);
    }
  }

  private async applyTo(account: SfAccountRecord, realmId: string, customerId: string, extra: CustomerLinkExtra, context: { jobId?: string; source: string }): Promise<CustomerOutcome> {
    const company = this.deps.company(realmId);
    const rules = this.deps.policy.rules(PAIR, 'to-quickbooks', 'update');
    const companyContext = await this.deps.catalog.context(company);
    const values = { rules: this.deps.rules, terms: companyContext.terms };
    for (let attempt = 1; ; attempt++) {
      const customer = await company.read<QboCustomer>('Customer', customerId);
      const changes = changesFor(rules, account, customer, values, extra.lastSeen);
      if (changes.length === 0) {
        await this.remember(account, realmId, customerId, extra, rules, customer);
        return { realmId, customerId, updated: [], conflicts: [] };
      }
      const body = updateBody(changes, rules, account, customer, values);
      this.deps.policy.assertQuickbooksWrite('Customer', body, 'update');
      let updated: QboCustomer;
      try {
        updated = await this.update(company, account, customer, body);
      } catch (error) {
        // Someone changed the customer between our read and our write: read again and re-decide.
        if (isQboFaultCode(error, '5010') && attempt < MAX_STALE_RETRIES) continue;
        throw error;
      }
      await this.record(account, realmId, customerId, changes, context);
      await this.remember(account, realmId, customerId, extra, rules, updated);
      return { realmId, customerId, updated: changes.map((c) => c.rule.quickbooks), conflicts: changes.filter((c) => c.conflict).map((c) => c.rule.quickbooks) };
    }
  }

  private async update(company: QboCompany, account: SfAccountRecord, customer: QboCustomer, body: Record<string, unknown>): Promise<QboCustomer> {
    try {
      return await company.update<QboCustomer>('Customer', { Id: customer.Id, SyncToken: customer.SyncToken, ...body });
    } catch (error) {
      // The plain name is taken by a vendor, an employee or another customer: the Account id keeps it unique.
      if (!isQboFaultCode(error, '6240') || typeof body.DisplayName !== 'string') throw error;
      const renamed = { ...body, DisplayName: disambiguatedNameFor({ Id: account.Id, Name: account.Name }, this.deps.rules) };
      return company.update<QboCustomer>('Customer', { Id: customer.Id, SyncToken: customer.SyncToken, ...renamed });
    }
  }

  private async record(account: SfAccountRecord, realmId: string, customerId: string, changes: FieldChange[], context: { jobId?: string; source: string }): Promise<void> {
    await this.deps.audit.append(
      changes.map((c) => ({
        actor: 'ledgerline',
        action: c.conflict ? 'conflict.overwritten' : 'customer.updated',
        system: 'quickbooks' as const,
        realmId,
        salesforceId: account.Id,
        qboId: customerId,
        field: `Customer.${c.rule.quickbooks} ← Account.${c.rule.salesforce}`,
        oldValue: c.current,
        newValue: c.desired,
        jobId: context.jobId ?? null,
        sourceEvent: context.source,
      })),
    );
    const conflicts = changes.filter((c) => c.conflict);
    if (conflicts.length > 0) {
      this.deps.logger.warn({ accountId: account.Id, realmId, customerId, fields: conflicts.map((c) => c.rule.quickbooks), jobId: context.jobId }, 'QuickBooks edits of Salesforce-owned customer fields were overwritten');
    }
  }

  private async remember(account: SfAccountRecord, realmId: string, customerId: string, extra: CustomerLinkExtra, rules: Parameters<typeof snapshot>[0], customer: Record<string, unknown>): Promise<void> {
    const next: CustomerLinkExtra = { ...extra, lastSeen: snapshot(rules, customer), ...(account.LastModifiedDate ? { accountModifiedAt: account.LastModifiedDate } : {}) };
    if (typeof customer.DisplayName === 'string') next.displayName = customer.DisplayName;
    await this.deps.links.put({ kind: 'customer', realmId, salesforceId: account.Id, qboId: customerId, extra: next });
  }
}
