import { AppError } from '../../errors';
import type { QboCompany } from '../../quickbooks/api';
import type { Creator } from '../../quickbooks/batch-creator';
import { isQboFaultCode } from '../../quickbooks/errors';
import { fitTo, QBO_LIMITS } from '../../sync/qbo-limits';
import { disambiguatedNameFor, displayNameFor, matchCustomer, qboQuoted, type NameRules, type QboCustomerCandidate } from '../../sync/customer-match';
import type { ResolvedCustomer } from '../../sync/invoice-draft';
import type { SfAccount } from '../../sync/source';
import type { MatchAccount, Proposal } from '../../matching';
import type { CustomerLookalikes, KnownCustomer } from '../accounts';

/** A stored Account ⇄ customer link, with what the mapping needs so a linked customer costs no QBO read. */
export interface LinkedCustomer {
  id: string;
  displayName?: string;
  currency?: string | null;
}

export interface CustomerLinks {
  findCustomer(realmId: string, accountId: string): Promise<LinkedCustomer | undefined>;
  saveCustomer(realmId: string, accountId: string, customer: ResolvedCustomer, how: string): Promise<void>;
  /** Accounts already linked to a customer (to tell a duplicate Account from a free customer). */
  accountsLinkedTo?(realmId: string, customerId: string): Promise<string[]>;
}

interface QboCustomer extends QboCustomerCandidate {
  SyncToken?: string;
}

/** What the matcher concluded for an Account that has no link and no exact name or e-mail match. */
type Lookalike =
  | { kind: 'none' }
  | { kind: 'exact'; customer: QboCustomer; proposal: Proposal }
  | { kind: 'probable'; error: AppError };

export interface CustomerResolution {
  customer: ResolvedCustomer;
  /** How it was found: linked, name, email, disambiguated-name, created. */
  how: string;
  created: boolean;
}

/**
 * Finds the one QBO customer of an Account, or creates it, never a second one:
 * the link table and the Account's stored id first, then an exact DisplayName, then a unique e-mail,
 * then the onboarding matcher (an exact match links; a probable one stops the job for a person to
 * confirm, since creating would duplicate), then a create whose `requestid` is derived from the Account,
 * so a lost response replays instead of duplicating. A name already used by a vendor, an employee or
 * another Account's customer (6240) gets the deterministic disambiguated name.
 */
export class CustomerResolver {
  private readonly inFlight = new Map<string, Promise<CustomerResolution>>();

  constructor(
    private readonly links: CustomerLinks,
    private readonly rules: NameRules,
    private readonly lookalikes?: CustomerLookalikes,
    /** Gathers the look-ups and creates of concurrent resolutions into batch requests (none: plain requests). */
    private readonly creator?: Creator,
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
    const lookalike = await this.lookalike(company, account, email);
    if (lookalike.kind === 'exact') return { customer: toResolved(lookalike.customer), how: 'matched' };
    if (lookalike.kind === 'probable') return { customer: null, how: 'probable', problem: lookalike.error.message };
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
    // The look-alike check right before a create sees QuickBooks as it is now: it is asked at the same time as the
    // look-up (both answer before the create), not after it, so a new Account's chain is one call shorter. When the
    // look-up finds the customer its answer is not used (a catch-up query shared with concurrent creates).
    const lookingAlike = this.lookalike(company, account, email, false, true);
    lookingAlike.catch(() => undefined);
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
    // About to create: the look-alike check (asked with the look-up) saw QuickBooks as it is now, not as the index last saw it.
    const lookalike = await lookingAlike;
    if (lookalike.kind === 'probable') throw lookalike.error;
    if (lookalike.kind === 'exact') {
      await this.links.saveCustomer(company.realmId, account.Id, toResolved(lookalike.customer), 'matched');
      return { customer: toResolved(lookalike.customer), how: 'matched', created: false };
    }
    return this.create(company, account, email, currency);
  }

  /**
   * Asks the matcher about every customer of the company. An exact match links (like an exact name
   * does), after a fresh read: it may have been deleted or deactivated since the index was built.
   * A probable match stops the job only when that customer belongs to no other Account: a customer
   * already linked elsewhere is that Account's, and a look-alike of it says nothing about this one.
   */
  private async lookalike(company: QboCompany, account: SfAccount, email: string | null, fresh = false, current = false): Promise<Lookalike> {
    if (!this.lookalikes) return { kind: 'none' };
    if (fresh) this.lookalikes.invalidate(company.realmId);
    const answer = await this.lookalikes.best(company, matchAccountOf(account, email), { current });
    const { match } = answer;
    if (match.tier === 'none' || !match.proposal) return { kind: 'none' };
    if (match.tier === 'exact') {
      const customer = await this.readLinked(company, match.proposal.customerId, account);
      if (customer) return { kind: 'exact', customer, proposal: match.proposal };
      return fresh ? { kind: 'none' } : this.lookalike(company, account, email, true); // gone since the index was read
    }
    const free: Proposal[] = [];
    for (const candidate of match.candidates.slice(0, 10)) {
      if (free.length < 3 && !(await this.heldByAnother(company.realmId, account.Id, candidate.customerId))) free.push(candidate);
    }
    if (free.length === 0) return { kind: 'none' };
    return { kind: 'probable', error: probableMatchError(account, free, answer.customer) };
  }

  private async heldByAnother(realmId: string, accountId: string, customerId: string): Promise<boolean> {
    if (!this.links.accountsLinkedTo) return false;
    const accounts = await this.links.accountsLinkedTo(realmId, customerId);
    return accounts.some((id) => id.slice(0, 15) !== accountId.slice(0, 15));
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

  /**
   * The QBO customers that could be the Account's: by its display name, its disambiguated name and its
   * e-mail. With a gathering creator these are `in (…)` look-ups shared with the other Accounts resolved
   * at the same time, sent as `Query` items of a batch request.
   */
  private async search(company: QboCompany, account: SfAccount, email: string | null) {
    const name = displayNameFor(account.Name, this.rules);
    let candidates: QboCustomer[];
    if (this.creator?.find) {
      const names = [name, disambiguatedNameFor(account, this.rules)];
      const lookups = [this.creator.find<QboCustomer>(company, 'Customer', 'DisplayName', names)];
      if (email) {
        lookups.push(
          this.creator.find<QboCustomer>(company, 'Customer', 'PrimaryEmailAddr', [email]).catch((error: unknown) => {
            // Intuit documents `IN` but not on which fields; where QuickBooks refuses it on the e-mail as an invalid
            // query (4001), the look-up asks with `=` instead of failing every new Account's deal.
            if (!isQboFaultCode(error, '4001')) throw error;
            return company.query<QboCustomer>('Customer', `where PrimaryEmailAddr = ${qboQuoted(email)}`);
          }),
        );
      }
      candidates = (await Promise.all(lookups)).flat();
    } else {
      const queries = [company.query<QboCustomer>('Customer', `where DisplayName = ${qboQuoted(name)}`)];
      if (email) queries.push(company.query<QboCustomer>('Customer', `where PrimaryEmailAddr = ${qboQuoted(email)}`));
      candidates = (await Promise.all(queries)).flat();
    }
    const unique = [...new Map(candidates.map((c) => [c.Id, c])).values()];
    // An e-mail is often shared (an accounts-payable mailbox, a bookkeeping firm): a customer that only the
    // e-mail finds and that another Account already holds is that Account's, never this one's.
    const names = new Set([name, disambiguatedNameFor(account, this.rules)].map((n) => n.toLowerCase()));
    const mine: QboCustomer[] = [];
    for (const customer of unique) {
      if (names.has(String(customer.DisplayName).toLowerCase()) || !(await this.heldByAnother(company.realmId, account.Id, customer.Id))) mine.push(customer);
    }
    return matchCustomer(account, email, mine, this.rules);
  }

  private async create(company: QboCompany, account: SfAccount, email: string | null, currency: string | null): Promise<CustomerResolution> {
    const body = customerBody(account, displayNameFor(account.Name, this.rules), email, currency);
    let created: QboCustomer;
    try {
      created = this.creator
        ? await this.creator.create<QboCustomer>(company, 'Customer', body, requestIdFor('cus', account.Id))
        : await company.create<QboCustomer>('Customer', body, requestIdFor('cus', account.Id));
    } catch (error) {
      if (!isQboFaultCode(error, '6240')) throw error;
      // The name may have been taken since the look-up by this Account's own customer (another process
      // resolving a deal of the same Account; a batch create carries no requestid of its own): look again.
      // A customer already linked to another Account is that Account's (two Accounts of one name created
      // together): this one goes on to its disambiguated name.
      const again = await this.search(company, account, email);
      if (again.kind === 'match' && !(await this.heldByAnother(company.realmId, account.Id, again.customer.Id))) {
        await this.links.saveCustomer(company.realmId, account.Id, toResolved(again.customer), again.reason);
        return { customer: toResolved(again.customer), how: again.reason, created: false };
      }
      const alternate = disambiguatedNameFor(account, this.rules);
      const [existing] = await company.query<QboCustomer>('Customer', `where DisplayName = ${qboQuoted(alternate)}`);
      created = existing ?? (await company.create<QboCustomer>('Customer', { ...body, DisplayName: alternate }, requestIdFor('cud', account.Id)));
    }
    this.lookalikes?.remember(company.realmId, created as KnownCustomer);
    await this.links.saveCustomer(company.realmId, account.Id, toResolved(created), 'created');
    return { customer: toResolved(created), how: 'created', created: true };
  }
}

/** `requestid` for a create that must happen once per Salesforce record: stable across retries, ≤ 50 chars. */
export function requestIdFor(kind: string, salesforceId: string, generation = 0): string {
  return `ll-${kind}-${salesforceId}-${generation}`;
}

/** The Account as the matcher reads it; the deal's billing e-mail (contact or Account) is its e-mail. */
function matchAccountOf(account: SfAccount, email: string | null): MatchAccount {
  return {
    Id: account.Id,
    Name: account.Name,
    Billing_Email__c: email ?? account.Billing_Email__c,
    Phone: account.Phone,
    BillingStreet: account.BillingStreet,
    BillingCity: account.BillingCity,
    BillingState: account.BillingState,
    BillingPostalCode: account.BillingPostalCode,
    BillingCountry: account.BillingCountry,
  };
}

/** Permanent: only a person can tell a look-alike from the same company. Names the Account, the candidates and both ways out. */
export function probableMatchError(
  account: Pick<SfAccount, 'Id' | 'Name'>,
  candidates: Proposal[],
  customer: (id: string) => { DisplayName: string } | undefined,
): AppError {
  const described = candidates.map((p) => `"${customer(p.customerId)?.DisplayName ?? '?'}" (QuickBooks customer #${p.customerId}, score ${p.score}: ${p.reasons.join(', ')})`);
  const first = candidates[0]?.customerId ?? '?';
  return new AppError(
    'MAPPING_ERROR',
    `Account "${account.Name}" (${account.Id}) has no QuickBooks customer linked, and ${candidates.length === 1 ? 'an existing customer looks' : `${candidates.length} existing customers look`} like the same company: ${described.join('; ')}. No customer was created, because that could duplicate one; a person must confirm the link.`,
    {
      retryable: false,
      fix: `If it is the same company, set QuickBooks Customer Id on the Account to ${first} (or link it with the onboarding apply: npm run cli -- match --apply-csv <report with "link" on that row>), then retry. If it is a different company, create its customer in QuickBooks, set that id on the Account, then retry.`,
      details: { accountId: account.Id, candidates: candidates.map((p) => ({ customerId: p.customerId, score: p.score, reasons: p.reasons })) },
    },
  );
}

function toResolved(c: QboCustomer): ResolvedCustomer {
  return { id: c.Id, displayName: c.DisplayName, currency: c.CurrencyRef?.value ?? null };
}

function customerBody(account: SfAccount, displayName: string, email: string | null, currency: string | null): Record<string, unknown> {
  const limits = QBO_LIMITS.customer;
  const body: Record<string, unknown> = {
    DisplayName: displayName,
    CompanyName: fitTo(account.Name.trim(), limits.CompanyName),
    // QBO derives PrintOnCheckName from DisplayName when it is not sent, which a long name would overflow.
    PrintOnCheckName: fitTo(displayName, limits.PrintOnCheckName),
  };
  if (email) body.PrimaryEmailAddr = { Address: email };
  if (account.Phone) body.PrimaryPhone = { FreeFormNumber: fitTo(account.Phone, limits.phone) };
  if (currency) body.CurrencyRef = { value: currency };
  const addr: Record<string, string> = {};
  const a = QBO_LIMITS.address;
  if (account.BillingStreet) addr.Line1 = fitTo(account.BillingStreet, a.Line1);
  if (account.BillingCity) addr.City = fitTo(account.BillingCity, a.City);
  if (account.BillingState) addr.CountrySubDivisionCode = fitTo(account.BillingState, a.CountrySubDivisionCode);
  if (account.BillingPostalCode) addr.PostalCode = fitTo(account.BillingPostalCode, a.PostalCode);
  if (account.BillingCountry) addr.Country = fitTo(account.BillingCountry, a.Country);
  if (Object.keys(addr).length > 0) body.BillAddr = addr;
  return body;
}
