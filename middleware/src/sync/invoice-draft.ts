import { roundUnitPrice, toCents, fromCents, sumCents } from './money';
import { problem, type Problem } from './problems';
import { QBO_LIMITS } from './qbo-limits';
import type { SfLineItem, SfOpportunity } from './source';

/** What we know about one QBO company (billing entity) when mapping. */
export interface CompanyContext {
  realmId: string;
  homeCurrency: string;
  multiCurrency: boolean;
  /**
   * `automated`: US companies with automated sales tax; lines carry the pseudo codes TAX/NON and QBO computes tax.
   * `codes`: companies with explicit tax codes; lines carry the configured TaxCode ids.
   */
  taxMode: 'automated' | 'codes';
  taxCodes?: { taxable: string; nonTaxable: string };
  /** QBO Terms by name (`Net 30` …), as the Account's `Payment_Terms__c` picklist names them. */
  terms: Map<string, { id: string; dueDays: number | null }>;
  /** With multicurrency: every currency the company can bill in (home and active CompanyCurrency), when known. */
  currencies?: Set<string>;
  /** Inactive QBO Terms by name (without QBO's " (deleted)" suffix) and id. */
  inactiveTerms?: Map<string, string>;
  /** A sales-form custom field for the PO number, when the company has one (Preferences.SalesFormsPrefs). */
  poCustomField?: { definitionId: string; name: string };
}

export interface ResolvedCustomer {
  id: string;
  displayName: string;
  currency: string | null;
}

export interface ResolvedItem {
  id: string;
  name: string;
}

export interface QboRef {
  value: string;
  name?: string;
}

export interface QboSalesLine {
  DetailType: 'SalesItemLineDetail';
  Amount: number;
  Description?: string;
  SalesItemLineDetail: {
    ItemRef: QboRef;
    Qty: number;
    UnitPrice: number;
    TaxCodeRef: QboRef;
    ServiceDate?: string;
  };
}

export interface QboDiscountLine {
  DetailType: 'DiscountLineDetail';
  Amount: number;
  Description?: string;
  DiscountLineDetail: { PercentBased: true; DiscountPercent: number };
}

export interface InvoiceDraft {
  CustomerRef: QboRef;
  TxnDate: string;
  DueDate?: string;
  SalesTermRef?: QboRef;
  CurrencyRef?: QboRef;
  BillEmail: { Address: string };
  CustomerMemo?: { value: string };
  PrivateNote: string;
  CustomField?: Array<{ DefinitionId: string; Name: string; Type: 'StringType'; StringValue: string }>;
  Line: Array<QboSalesLine | QboDiscountLine>;
  ApplyTaxAfterDiscount?: boolean;
}

export interface DraftSummary {
  /** Sum of line amounts before any invoice-level discount, in the invoice currency. */
  subtotal: number;
  discount: number;
  /** What the invoice totals before tax; equals the Opportunity's line totals. */
  netOfDiscount: number;
  currency: string;
  discountStyle: 'none' | 'invoice-percent' | 'line-price';
}

export type DraftResult = { ok: true; invoice: InvoiceDraft; summary: DraftSummary } | { ok: false; problems: Problem[] };

const MEMO_LIMIT = QBO_LIMITS.invoice.CustomerMemo;
const DESCRIPTION_LIMIT = QBO_LIMITS.invoice.LineDescription;
const PO_LIMIT = 31; // QBO sales-form custom fields hold 31 characters.

/** The marker written to PrivateNote so an invoice can always be traced back to its Opportunity. */
export function privateNoteFor(opportunityId: string): string {
  return `Salesforce Opportunity ${opportunityId} (created by Ledgerline)`;
}

export function opportunityIdFromPrivateNote(note: string | undefined | null): string | null {
  const match = /Salesforce Opportunity ([a-zA-Z0-9]{18}|[a-zA-Z0-9]{15})\b/.exec(note ?? '');
  return match ? match[1]! : null;
}

/** The billing e-mail: the Opportunity's billing contact overrides the Account's. */
export function billingEmailOf(opp: SfOpportunity): string | null {
  const email = opp.Billing_Contact__r?.Email || opp.Account?.Billing_Email__c || null;
  return email ? email.trim() : null;
}

export function lineItemsOf(opp: SfOpportunity): SfLineItem[] {
  const records = opp.OpportunityLineItems?.records ?? [];
  return [...records].sort((a, b) => (a.SortOrder ?? 0) - (b.SortOrder ?? 0) || a.Id.localeCompare(b.Id));
}

export function opportunityCurrency(opp: SfOpportunity, company: CompanyContext): string {
  return (opp.CurrencyIsoCode || company.homeCurrency).toUpperCase();
}

/**
 * Everything that can be checked without calling QuickBooks: the deal itself, its Account and products.
 * Item and customer resolution problems are added by the services that talk to QBO.
 */
export function checkBillable(opp: SfOpportunity, company: CompanyContext): Problem[] {
  const problems: Problem[] = [];
  const oppLabel = `Opportunity "${opp.Name}" (${opp.Id})`;
  if (opp.Billing_Sync_Status__c === 'Excluded') {
    problems.push(problem('EXCLUDED', opp.Id, `${oppLabel} is marked Excluded from billing sync.`, 'Change Billing Sync Status to Not Started to invoice it.'));
  }
  if (!opp.IsWon) {
    problems.push(problem('NOT_WON', opp.Id, `${oppLabel} is not Closed Won (stage ${opp.StageName}).`, 'Invoices are created only for Closed Won deals.'));
  }
  const account = opp.Account;
  if (!account) {
    problems.push(problem('NO_ACCOUNT', opp.Id, `${oppLabel} has no Account.`, 'Set the Account on the Opportunity.'));
  } else {
    const accountLabel = `Account "${account.Name}" (${account.Id})`;
    const email = billingEmailOf(opp);
    if (!email) {
      problems.push(problem('NO_BILLING_EMAIL', account.Id, `${accountLabel} has no Billing Email and the Opportunity has no Billing Contact with an e-mail.`, 'Fill in Billing Email on the Account, or choose a Billing Contact with an e-mail on the Opportunity.'));
    } else if (!/^[^\s@,;]+@[^\s@,;]+\.[^\s@,;]+$/.test(email)) {
      problems.push(problem('INVALID_BILLING_EMAIL', account.Id, `The billing e-mail "${email}" of ${accountLabel} is not a valid address.`, 'Correct Billing Email on the Account (one address).'));
    }
    const terms = account.Payment_Terms__c;
    if (!terms) {
      problems.push(problem('NO_PAYMENT_TERMS', account.Id, `${accountLabel} has no Payment Terms.`, 'Choose Payment Terms on the Account (e.g. Net 30).'));
    } else if (!company.terms.has(terms) && company.inactiveTerms?.has(terms)) {
      problems.push(problem('INACTIVE_TERM', account.Id, `Payment Terms "${terms}" (QuickBooks term #${company.inactiveTerms.get(terms)}) of ${accountLabel} are inactive in QuickBooks company ${company.realmId}.`, 'Make the term active in QuickBooks (Settings \u2192 All lists \u2192 Terms), or choose other Payment Terms on the Account, then retry.'));
    } else if (!company.terms.has(terms)) {
      problems.push(problem('UNKNOWN_PAYMENT_TERMS', account.Id, `Payment Terms "${terms}" of ${accountLabel} do not exist in QuickBooks company ${company.realmId}.`, `Create a term named "${terms}" in QuickBooks (Settings → All lists → Terms) or choose one of: ${[...company.terms.keys()].join(', ')}.`));
    }
  }
  const currency = opportunityCurrency(opp, company);
  if (currency !== company.homeCurrency.toUpperCase() && !company.multiCurrency) {
    problems.push(problem('CURRENCY_NOT_ENABLED', opp.Id, `${oppLabel} is in ${currency} but QuickBooks company ${company.realmId} bills only in ${company.homeCurrency} (multicurrency is off).`, `Turn on multicurrency in QuickBooks, or quote the deal in ${company.homeCurrency}.`));
  } else if (company.multiCurrency && company.currencies && !company.currencies.has(currency)) {
    const listed = [...company.currencies].sort().join(', ');
    problems.push(problem('CURRENCY_NOT_ENABLED', opp.Id, `${oppLabel} is in ${currency} but QuickBooks company ${company.realmId} has no active ${currency} currency (it bills in ${listed}).`, `Add ${currency} in QuickBooks (Settings \u2192 Currencies), or quote the deal in one of ${listed}.`));
  }
  const lines = lineItemsOf(opp);
  if (lines.length === 0) {
    problems.push(problem('NO_LINE_ITEMS', opp.Id, `${oppLabel} has no products.`, 'Add the products sold to the Opportunity.'));
  }
  for (const line of lines) problems.push(...checkLine(line));
  return problems;
}

function checkLine(line: SfLineItem): Problem[] {
  const problems: Problem[] = [];
  const product = line.Product2;
  const label = `Product "${product?.Name ?? line.Product2Id}" (${line.Product2Id})`;
  if (product && !product.ProductCode && !product.QuickBooks_Item_Id__c) {
    problems.push(problem('PRODUCT_WITHOUT_SKU', line.Product2Id, `${label} has no Product Code (SKU), so it cannot be matched to a QuickBooks item.`, 'Set Product Code on the product to the QuickBooks item SKU or name.'));
  }
  if (!(line.Quantity > 0)) {
    problems.push(problem('INVALID_QUANTITY', line.Id, `Line ${line.Id} for ${label} has quantity ${line.Quantity}.`, 'Set a quantity above zero or remove the line.'));
  }
  if (!(line.UnitPrice >= 0)) {
    problems.push(problem('INVALID_PRICE', line.Id, `Line ${line.Id} for ${label} has a negative sales price.`, 'Use a discount instead of a negative price.'));
  }
  const discount = line.Discount ?? 0;
  if (discount < 0 || discount > 100) {
    problems.push(problem('INVALID_DISCOUNT', line.Id, `Line ${line.Id} for ${label} has a discount of ${discount}%.`, 'Use a discount between 0 and 100%.'));
  }
  return problems;
}

/** The tax code of one line: TAX/NON on automated-tax companies, the mapped code ids otherwise. */
export function taxCodeFor(line: SfLineItem, opp: SfOpportunity, company: CompanyContext): string {
  const taxable = Boolean(line.Product2?.Taxable__c) && !opp.Account?.Tax_Exempt__c;
  if (company.taxMode === 'automated') return taxable ? 'TAX' : 'NON';
  const codes = company.taxCodes ?? { taxable: 'TAX', nonTaxable: 'NON' };
  return taxable ? codes.taxable : codes.nonTaxable;
}

/** Adds `days` to an ISO date (YYYY-MM-DD) in UTC, so no time zone moves the date. */
export function addDays(isoDate: string, days: number): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

function truncate(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

/**
 * Builds the QBO invoice for a won Opportunity whose customer and items are resolved.
 *
 * Discounts: Salesforce keeps a percent per line. When every line shares one percent (the common
 * "10% off the deal"), the invoice shows full prices and one percent-based discount line, which is what
 * the customer was quoted — but only when QBO's rounding of that one discount gives exactly the
 * Opportunity's total; otherwise each line carries its discounted unit price with the discount noted in
 * its description, which always reproduces Salesforce's line totals to the cent.
 */
export function buildInvoiceDraft(
  opp: SfOpportunity,
  company: CompanyContext,
  customer: ResolvedCustomer,
  items: Map<string, ResolvedItem>,
): DraftResult {
  const problems = checkBillable(opp, company);
  const currency = opportunityCurrency(opp, company);
  if (customer.currency && customer.currency.toUpperCase() !== currency) {
    problems.push(problem('CURRENCY_MISMATCH', opp.Account?.Id ?? opp.Id, `Opportunity "${opp.Name}" (${opp.Id}) is in ${currency} but QuickBooks customer "${customer.displayName}" (${customer.id}) is billed in ${customer.currency.toUpperCase()}.`, `Quote the deal in ${customer.currency.toUpperCase()}, or link the Account to a QuickBooks customer that uses ${currency}.`));
  }
  const lines = lineItemsOf(opp);
  for (const line of lines) {
    if (!items.has(line.Product2Id)) {
      const name = line.Product2?.Name ?? line.Product2Id;
      problems.push(problem('UNMAPPED_PRODUCT', line.Product2Id, `Product "${name}" (${line.Product2Id}, SKU ${line.Product2?.ProductCode ?? 'none'}) has no matching QuickBooks item in company ${company.realmId}.`, `Create an item in QuickBooks whose SKU or name is "${line.Product2?.ProductCode ?? name}", or set QuickBooks Item Id on the product.`));
    }
  }
  if (problems.length > 0) return { ok: false, problems: dedupe(problems) };

  const shared = sharedDiscount(lines);
  const fullLines = lines.map((line) => salesLine(line, opp, company, items.get(line.Product2Id)!, 0));
  const subtotalCents = sumCents(fullLines.map((l) => toCents(l.Amount)));
  const expectedNetCents = sumCents(lines.map((line) => netCents(line)));
  let lineModels: Array<QboSalesLine | QboDiscountLine>;
  let discountStyle: DraftSummary['discountStyle'] = 'none';
  let discountCents = 0;
  if (shared > 0 && subtotalCents - toCents((fromCents(subtotalCents) * shared) / 100) === expectedNetCents) {
    discountCents = subtotalCents - expectedNetCents;
    discountStyle = 'invoice-percent';
    lineModels = [
      ...fullLines,
      { DetailType: 'DiscountLineDetail', Amount: fromCents(discountCents), Description: `Discount ${shared}%`, DiscountLineDetail: { PercentBased: true, DiscountPercent: shared } },
    ];
  } else {
    lineModels = lines.map((line) => salesLine(line, opp, company, items.get(line.Product2Id)!, line.Discount ?? 0));
    const discounted = lineModels.some((_, i) => (lines[i]!.Discount ?? 0) > 0);
    discountStyle = discounted ? 'line-price' : 'none';
    discountCents = subtotalCents - sumCents(lineModels.map((l) => toCents(l.Amount)));
  }

  const account = opp.Account!;
  const term = company.terms.get(account.Payment_Terms__c!)!;
  const invoice: InvoiceDraft = {
    CustomerRef: { value: customer.id, name: customer.displayName },
    TxnDate: opp.CloseDate,
    SalesTermRef: { value: term.id, name: account.Payment_Terms__c! },
    BillEmail: { Address: billingEmailOf(opp)! },
    PrivateNote: privateNoteFor(opp.Id),
    Line: lineModels,
  };
  if (term.dueDays !== null) invoice.DueDate = addDays(opp.CloseDate, term.dueDays);
  if (company.multiCurrency) invoice.CurrencyRef = { value: currency };
  if (discountStyle === 'invoice-percent') invoice.ApplyTaxAfterDiscount = true;
  const po = opp.PO_Number__c?.trim();
  const memoParts: string[] = [];
  if (po && company.poCustomField && po.length <= PO_LIMIT) {
    invoice.CustomField = [{ DefinitionId: company.poCustomField.definitionId, Name: company.poCustomField.name, Type: 'StringType', StringValue: po }];
  } else if (po) {
    memoParts.push(`PO ${po}`);
  }
  if (opp.Invoice_Memo__c?.trim()) memoParts.push(opp.Invoice_Memo__c.trim());
  if (memoParts.length > 0) invoice.CustomerMemo = { value: truncate(memoParts.join('\n'), MEMO_LIMIT) };

  return {
    ok: true,
    invoice,
    summary: {
      subtotal: fromCents(subtotalCents),
      discount: fromCents(discountCents),
      netOfDiscount: fromCents(subtotalCents - discountCents),
      currency,
      discountStyle,
    },
  };
}

/** Salesforce's own line total: quantity × sales price less the line discount, to the cent. */
function netCents(line: SfLineItem): number {
  if (typeof line.TotalPrice === 'number') return toCents(line.TotalPrice);
  return toCents(line.Quantity * line.UnitPrice * (1 - (line.Discount ?? 0) / 100));
}

/** The discount percent every line shares, or 0 when lines differ (or none has one). */
function sharedDiscount(lines: SfLineItem[]): number {
  const percents = new Set(lines.map((line) => line.Discount ?? 0));
  if (percents.size !== 1) return 0;
  return [...percents][0]!;
}

function salesLine(line: SfLineItem, opp: SfOpportunity, company: CompanyContext, item: ResolvedItem, discount: number): QboSalesLine {
  const unitPrice = discount > 0 ? roundUnitPrice(line.UnitPrice * (1 - discount / 100)) : line.UnitPrice;
  const amount = discount > 0 ? fromCents(netCents(line)) : fromCents(toCents(line.Quantity * line.UnitPrice));
  const base = line.Description?.trim() || line.Product2?.Description?.trim() || line.Product2?.Name || item.name;
  const note = discount > 0 ? ` (list ${line.UnitPrice.toFixed(2)} less ${discount}% discount)` : '';
  const sales: QboSalesLine = {
    DetailType: 'SalesItemLineDetail',
    Amount: amount,
    Description: truncate(`${base}${note}`, DESCRIPTION_LIMIT),
    SalesItemLineDetail: {
      ItemRef: { value: item.id, name: item.name },
      Qty: line.Quantity,
      UnitPrice: unitPrice,
      TaxCodeRef: { value: taxCodeFor(line, opp, company) },
    },
  };
  if (line.ServiceDate) sales.SalesItemLineDetail.ServiceDate = line.ServiceDate;
  return sales;
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.code}:${p.recordId}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
