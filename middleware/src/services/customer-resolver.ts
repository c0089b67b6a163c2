import { AppError } from '../errors';
import type { QboCompany } from '../quickbooks/api';
import { isQboFaultCode } from '../quickbooks/errors';
import { disambiguatedNameFor, displayNameFor, matchCustomer, qboQuoted, type NameRules, type QboCustomerCandidate } from '../sync/customer-match';
import type { ResolvedCustomer } from '../sync/invoice-draft';
import type { SfAccount } from '../sync/source';

/** A stored Account ⇄ customer link, with what the mapping needs so a linked customer costs no QBO read. */
export interface LinkedCustomer {
  id: string;
  displayName?: string;
  currency?: string | null;
}

export interface CustomerLinks {
  findCustomer(realmId: string, accountId: string): Promise<LinkedCustomer | undefined>;
  saveCustomer(realmId: string, accountId: string, customer: ResolvedCustomer, how: string): Promise<void>;
}

interface QboCustomer extends QboCustomerCandidate {
  SyncToken?: string;
}

export interface CustomerResolution {
  customer: ResolvedCustomer;
  /** How it was found: linked, name, email, disambiguated-name, created. */
  how: string;
  created: boolean;
}

/**
 * Finds the one QBO customer of an Account, or creates it, never a second one:
 * the link table and the Account's stored id first, then an exact DisplayName, then a unique e-mail,
 * then a create whose `requestid` is derived from the Account, so a lost response replays instead of
 * duplicating. A name already used by a vendor, an employee or another Account's customer (6240)
 * gets the deterministic disambiguated name.
 */
export class CustomerResolver {
  private readonly inFlight = new Map<string, Promise<CustomerResolution>>();

  constructor(
    private readonly links: CustomerLinks,
    private readonly rules: NameRules,
  ) {}

  resolve(company: QboCompany, account: SfAccount, email: string | null, currency: string | null): Promise<CustomerResolution> {
    // Two deals of one new Account processed together must not both create its customer.
    const key = `${company.realmId}:${account.Id}`;
    const running = this.inFlight.get(key);
    if (running) return running;
    const promise = this.resolveOnce(company, account, email, currency).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, promise);
    return promise;
  }

  /** What `resolve` would do, without creating or linking anything (for the preview). */
  async peek(company: QboCompany, account: SfAccount, email: string | null): Promise<{ customer: ResolvedCustomer | null; how: string; problem?: string }> {
    const linkedId = account.QuickBooks_Customer_Id__c ?? (await this.links.findCustomer(company.realmId, account.Id))?.id;
    if (linkedId) {
      const linked = await this.readLinked(company, linkedId, account).catch((error: Error) => error);
      if (linked instanceof Error) return { customer: null, how: 'linked', problem: linked.message };
      if (linked) return { customer: toResolved(linked), how: 'linked' };
    }
    const found = await this.search(company, account, email);
    if (found.kind === 'match') return { customer: toResolved(found.customer), how: found.reason };
    if (found.kind === 'ambiguous') return { customer: null, how: 'ambiguous', problem: found.reason };
    return { customer: null, how: `new customer "${displayNameFor(account.Name, this.rules)}"` };
  }

  private async resolveOnce(company: QboCompany, account: SfAccount, email: string | null, currency: string | null): Promise<CustomerResolution> {
    const link = await this.links.findCustomer(company.realmId, account.Id);
    // A link made by this product carries the name and currency: no read needed. An id typed on the
    // Account by a person (or a link without them) is read once and verified.
    if (link?.displayName && link.currency !== undefined && (!account.QuickBooks_Customer_Id__c || account.QuickBooks_Customer_Id__c === link.id)) {
      return { customer: { id: link.id, displayName: link.displayName, currency: link.currency }, how: 'linked', created: false };
    }
    const linkedId = account.QuickBooks_Customer_Id__c ?? link?.id;
    if (linkedId) {
      const linked = await this.readLinked(company, linkedId, account);
      if (linked) {
        await this.links.saveCustomer(company.realmId, account.Id, toResolved(linked), 'linked');
        return { customer: toResolved(linked), how: 'linked', created: false };
      }
    }
    const found = await this.search(company, account, email);
    if (found.kind === 'match') {
      await this.links.saveCustomer(company.realmId, account.Id, toResolved(found.customer), found.reason);
      return { customer: toResolved(found.customer), how: found.reason, created: false };
    }
    if (found.kind === 'ambiguous') {
      throw new AppError('MAPPING_ERROR', `Account "${account.Name}" (${account.Id}) matches several QuickBooks customers: ${found.reason} (${found.candidates.map((c) => `${c.DisplayName} #${c.Id}`).join(', ')}).`, {
        fix: 'Set QuickBooks Customer Id on the Account to the right customer, then retry.',
      });
    }
    return this.create(company, account, email, currency);
  }

  private async readLinked(company: QboCompany, id: string, account: SfAccount): Promise<QboCustomer | null> {
    try {
      const customer = await company.read<QboCustomer>('Customer', id);
      if (customer.Active === false) {
        throw new AppError('MAPPING_ERROR', `QuickBooks customer #${id} linked to Account "${account.Name}" (${account.Id}) is inactive.`, {
          fix: 'Make the customer active in QuickBooks, or clear QuickBooks Customer Id on the Account to match again.',
        });
      }
      return customer;
    } catch (error) {
      if (isQboFaultCode(error, '610') || isQboFaultCode(error, '2030')) return null; // deleted or bad id: match afresh
      throw error;
    }
  }

  private async search(company: QboCompany, account: SfAccount, email: string | null) {
    const queries = [company.query<QboCustomer>('Customer', `where DisplayName = ${qboQuoted(displayNameFor(account.Name, this.rules))}`)];
    if (email) queries.push(company.query<QboCustomer>('Customer', `where PrimaryEmailAddr = ${qboQuoted(email)}`));
    const candidates = (await Promise.all(queries)).flat();
    const unique = [...new Map(candidates.map((c) => [c.Id, c])).values()];
    return matchCustomer(account, email, unique, this.rules);
  }

  private async create(company: QboCompany, account: SfAccount, email: string | null, currency: string | null): Promise<CustomerResolution> {
    const body = customerBody(account, displayNameFor(account.Name, this.rules), email, currency);
    let created: QboCustomer;
    try {
      created = await company.create<QboCustomer>('Customer', body, requestIdFor('cus', account.Id));
    } catch (error) {
      if (!isQboFaultCode(error, '6240')) throw error;
      const alternate = disambiguatedNameFor(account, this.rules);
      const [existing] = await company.query<QboCustomer>('Customer', `where DisplayName = ${qboQuoted(alternate)}`);
      created = existing ?? (await company.create<QboCustomer>('Customer', { ...body, DisplayName: alternate }, requestIdFor('cud', account.Id)));
    }
    await this.links.saveCustomer(company.realmId, account.Id, toResolved(created), 'created');
    return { customer: toResolved(created), how: 'created', created: true };
  }
}

/** `requestid` for a create that must happen once per Salesforce record: stable across retries, ≤ 50 chars. */
export function requestIdFor(kind: string, salesforceId: string, generation = 0): string {
  return `ll-${kind}-${salesforceId}-${generation}`;
}

function toResolved(c: QboCustomer): ResolvedCustomer {
  return { id: c.Id, displayName: c.DisplayName, currency: c.CurrencyRef?.value ?? null };
}

function customerBody(account: SfAccount, displayName: string, email: string | null, currency: string | null): Record<string, unknown> {
  const body: Record<string, unknown> = { DisplayName: displayName, CompanyName: account.Name.slice(0, 100) };
  if (email) body.PrimaryEmailAddr = { Address: email };
  if (account.Phone) body.PrimaryPhone = { FreeFormNumber: account.Phone.slice(0, 30) };
  if (currency) body.CurrencyRef = { value: currency };
  const addr: Record<string, string> = {};
  if (account.BillingStreet) addr.Line1 = account.BillingStreet.slice(0, 500);
  if (account.BillingCity) addr.City = account.BillingCity.slice(0, 255);
  if (account.BillingState) addr.CountrySubDivisionCode = account.BillingState.slice(0, 255);
  if (account.BillingPostalCode) addr.PostalCode = account.BillingPostalCode.slice(0, 30);
  if (account.BillingCountry) addr.Country = account.BillingCountry.slice(0, 255);
  if (Object.keys(addr).length > 0) body.BillAddr = addr;
  return body;
}
