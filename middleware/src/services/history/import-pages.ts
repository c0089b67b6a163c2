/**
 * One page of the history import: QBO documents (or payments) → the mirror rows they should have → only the
 * rows that differ from what Salesforce holds are written; the deals and Accounts they touch are rolled up.
 */
import type { Logger } from '../../logger';
import { INVOICE_FIELDS as F, PAYMENT_FIELDS as P, SOBJECTS, invoiceKey, type SalesDocumentEntity } from '../../salesforce/fields';
import type { AuditEntryInput, AuditLog } from '../../store/audit-log';
import type { RecordLinkRepository } from '../../store/record-links';
import { opportunityIdFromPrivateNote } from '../../sync/invoice-draft';
import type { PaymentSnapshot } from '../../sync/payment-status';
import { changedFields, documentRow, latestPaymentDates, paymentRecord, paymentRows, type MirrorRecord, type RowParents, type SalesDocument } from '../../sync/sales-documents';
import type { DocumentMirror, Refusal } from './document-mirror';
import type { PaymentRollups } from '../payments';

export interface PageDeps {
  realmId: string;
  /** QBO customer id → the Account it is linked to (only these customers' documents are imported). */
  customers: Map<string, string>;
  reconcile: boolean;
  source: string;
  jobId?: string;
  links: Pick<RecordLinkRepository, 'findByQboId'>;
  mirror: DocumentMirror;
  audit: Pick<AuditLog, 'append'>;
  rollups: Pick<PaymentRollups, 'request'>;
  logger: Logger;
}

export interface PageOutcome {
  written: number;
  unchanged: number;
  /** Documents of customers not linked to an Account, and payments of invoices not mirrored. */
  skipped: number;
  refusals: Refusal[];
  /** Payment row keys QBO has (the reconciliation's deletion check). */
  paymentRowKeys?: string[];
}

/** Fields a single-currency org lacks and the look-up does not read: sent, never compared. */
const NOT_COMPARED = new Set(['CurrencyIsoCode']);

export async function applyDocumentPage(deps: PageDeps, entity: SalesDocumentEntity, page: SalesDocument[]): Promise<PageOutcome> {
  const ours = page.filter((doc) => doc.CustomerRef?.value && deps.customers.has(doc.CustomerRef.value));
  const wanted: MirrorRecord[] = [];
  for (const doc of ours) {
    const row = documentRow(deps.realmId, entity, doc, await parentsOf(deps, entity, doc));
    const currency = await deps.mirror.recordCurrency(doc.CurrencyRef?.value ?? null);
    wanted.push(currency ? { ...row, CurrencyIsoCode: currency } : row);
  }
  const current = await deps.mirror.documents(wanted.map((r) => String(r[F.quickBooksKey])));
  const todo: Array<{ record: MirrorRecord; fields: string[]; before: MirrorRecord | undefined }> = [];
  for (const record of wanted) {
    const before = current.get(String(record[F.quickBooksKey]));
    // A row keeps the deal it has: the import only adds a deal, it never moves or clears one.
    const target = before?.[F.opportunity] ? withoutKey(record, F.opportunity) : record;
    const fields = changedFields(target, before).filter((f) => !NOT_COMPARED.has(f));
    if (fields.length > 0) todo.push({ record: target, fields, before });
  }
  const refusals = await deps.mirror.write(SOBJECTS.invoice, todo.map((t) => t.record));
  const refused = new Set(refusals.map((r) => r.key));
  const done = todo.filter((t) => !refused.has(String(t.record[F.quickBooksKey])));
  await auditRepairs(deps, done.filter((t) => t.before), SOBJECTS.invoice);
  await rollUp(deps, done.map((t) => ({ ...t.before, ...t.record })));
  return { written: done.length, unchanged: wanted.length - todo.length, skipped: page.length - ours.length, refusals };
}

export async function applyPaymentPage(deps: PageDeps, page: PaymentSnapshot[]): Promise<PageOutcome> {
  const ours = page.filter((p) => p.CustomerRef?.value && deps.customers.has(p.CustomerRef.value));
  const rows = ours.flatMap((p) => paymentRows(deps.realmId, p));
  const [invoices, current] = await Promise.all([deps.mirror.documents(rows.map((r) => r.invoiceKey)), deps.mirror.paymentRows(rows.map((r) => r.key))]);
  const mirrored = rows.filter((r) => invoices.has(r.invoiceKey));
  const todo: Array<{ record: MirrorRecord; fields: string[]; before: MirrorRecord | undefined }> = [];
  for (const row of mirrored) {
    const before = current.get(row.key);
    // Invoice__c is a master-detail: sent only when the row is new.
    const record = paymentRecord(row, before ? null : String(invoices.get(row.invoiceKey)![F.id]));
    const fields = changedFields(record, before, P.quickBooksKey);
    if (fields.length > 0) todo.push({ record, fields, before });
  }
  const refusals = await deps.mirror.write(SOBJECTS.payment, todo.map((t) => t.record));
  const refused = new Set(refusals.map((r) => r.key));
  const done = todo.filter((t) => !refused.has(String(t.record[P.quickBooksKey])));
  await auditRepairs(deps, done.filter((t) => t.before), SOBJECTS.payment);

  // The invoice's last payment date: the latest of what it shows and these payments.
  const later: MirrorRecord[] = [];
  for (const [key, date] of latestPaymentDates(mirrored.filter((r) => !refused.has(r.key)))) {
    const shown = invoices.get(key)?.[F.lastPaymentDate];
    if (typeof shown !== 'string' || shown < date) later.push({ [F.quickBooksKey]: key, [F.lastPaymentDate]: date });
  }
  refusals.push(...(await deps.mirror.write(SOBJECTS.invoice, later)));
  await rollUp(deps, [...new Set([...done.map((t) => invoiceKeyOfPayment(String(t.record[P.quickBooksKey]))), ...later.map((l) => String(l[F.quickBooksKey]))])].map((key) => invoices.get(key) ?? {}));
  return {
    written: done.length,
    unchanged: mirrored.length - todo.length,
    skipped: page.length - ours.length + (rows.length - mirrored.length),
    refusals,
    paymentRowKeys: page.flatMap((p) => paymentRows(deps.realmId, p)).map((r) => r.key),
  };
}

function invoiceKeyOfPayment(paymentRowKey: string): string {
  const [realmId, , invoiceId] = paymentRowKey.split(':');
  return invoiceKey(realmId!, invoiceId!);
}

/**
 * An invoice the middleware made (or already attached) keeps the deal and Account its link names; otherwise
 * the deal is the Opportunity id in its private note, and the Account is the one linked to its customer.
 */
async function parentsOf(deps: PageDeps, entity: SalesDocumentEntity, doc: SalesDocument): Promise<RowParents> {
  const accountId = deps.customers.get(doc.CustomerRef!.value) ?? null;
  if (entity === 'Invoice') {
    const link = (await deps.links.findByQboId<{ accountId?: string | null; opportunityId?: string | null }>('invoice', deps.realmId, doc.Id))[0];
    if (link) {
      const linkedAccount = link.extra?.accountId ?? accountId;
      const opportunityId = link.extra?.opportunityId !== undefined ? link.extra.opportunityId : link.salesforceId !== linkedAccount ? link.salesforceId : null;
      return { opportunityId: opportunityId ?? opportunityIdFromPrivateNote(doc.PrivateNote), accountId: linkedAccount };
    }
  }
  return { opportunityId: opportunityIdFromPrivateNote(doc.PrivateNote), accountId };
}

function withoutKey(record: MirrorRecord, field: string): MirrorRecord {
  const { [field]: _dropped, ...rest } = record;
  return rest;
}

/** Rows that existed and differed: drift, each repair in the audit log with what changed. */
async function auditRepairs(deps: PageDeps, repaired: Array<{ record: MirrorRecord; fields: string[]; before: MirrorRecord | undefined }>, sobject: string): Promise<void> {
  if (repaired.length === 0) return;
  const entries: AuditEntryInput[] = repaired.flatMap(({ record, fields, before }) =>
    fields.map((field) => ({
      actor: 'ledgerline',
      action: deps.reconcile ? 'reconcile.repaired' : 'history.updated',
      system: 'salesforce' as const,
      realmId: deps.realmId,
      salesforceId: typeof before?.Id === 'string' ? before.Id : null,
      qboId: String(record.QuickBooks_Key__c),
      field: `${sobject}.${field}`,
      oldValue: before?.[field] ?? null,
      newValue: record[field] ?? null,
      jobId: deps.jobId ?? null,
      sourceEvent: deps.source,
    })),
  );
  await deps.audit.append(entries);
}

/** The Opportunity and Account roll-ups of the invoice rows written (credit memos and receipts included). */
async function rollUp(deps: PageDeps, rows: MirrorRecord[]): Promise<void> {
  const opportunities = new Set<string>();
  const accounts = new Set<string>();
  for (const row of rows) {
    if (typeof row[F.opportunity] === 'string') opportunities.add(row[F.opportunity] as string);
    if (typeof row[F.account] === 'string') accounts.add(row[F.account] as string);
  }
  if (opportunities.size + accounts.size > 0) await deps.rollups.request(opportunities, accounts);
}
