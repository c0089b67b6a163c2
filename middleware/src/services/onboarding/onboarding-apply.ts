/**
 * Writes the links a matching run may write: its exact matches, or the rows a person marked "link" in
 * an edited report. Each link goes to Salesforce (the Account's or product's QuickBooks id in the default
 * billing entity, through sObject collections; a product's QuickBooks Item Mapping in any other), to the
 * link table, and to the audit log.
 * Nothing is unlinked, overwritten, merged or deleted.
 */
import type { Connection } from 'jsforce';
import { AppError } from '../../errors';
import { CUSTOMER_LABELS, ITEM_LABELS, planLinks, readDecisions, type ReportLabels } from '../../matching';
import { ACCOUNT_FIELDS, PRODUCT_FIELDS, SOBJECTS } from '../../salesforce/fields';
import { updateRecords } from '../../salesforce/records';
import type { AuditEntryInput } from '../../store/audit-log';
import type { LinkInput, RecordLink } from '../../store/record-links';
import type { BillingEntity } from '../billing-entities';
import type { ItemMappings } from '../accounts';
import type { MatchingRun } from './onboarding';

export type LinkSource = { exact: true } | { csv: string };

export interface ApplyDeps {
  salesforce: Connection;
  links: {
    get(kind: 'customer' | 'item', realmId: string, linkKey: string): Promise<RecordLink | undefined>;
    put(input: LinkInput): Promise<unknown>;
  };
  audit: { append(entries: AuditEntryInput[]): Promise<unknown> };
  /** Who asked: "cli", "admin-api"… (audit log actor). */
  actor: string;
  /** The sync policy's check of a Salesforce write (throws when the field may not cross). */
  guard?: (sobject: string, record: Record<string, unknown>, keyField: string) => void;
  /** A company other than the default: item links are written as the products' mappings in its entity. */
  itemMappings?: { entity: Pick<BillingEntity, 'name' | 'realmId'>; writer: Pick<ItemMappings, 'record'> };
}

export interface SideFigures {
  /** Links asked for (exact matches, or "link" rows of this kind). */
  requested: number;
  linked: Array<{ salesforceId: string; qboId: string }>;
  unchanged: number;
  refused: Array<{ salesforceId: string; qboId: string; reason: string }>;
  /** Salesforce refused the write (the link was not stored; a later apply tries again). */
  failed: Array<{ salesforceId: string; qboId: string; reason: string }>;
}

export interface ApplyFigures {
  realmId: string;
  source: 'exact' | 'csv';
  customers: SideFigures;
  items: SideFigures;
}

interface Side {
  kind: 'customer' | 'item';
  labels: ReportLabels;
  sobject: string;
  field: string;
  current: Map<string, string | null>;
  right: Map<string, { name: string; active: boolean; currency: string | null }>;
  exact: Array<{ leftId: string; rightId: string }>;
}

function sidesOf(run: MatchingRun): [Side, Side] {
  return [
    {
      kind: 'customer',
      labels: CUSTOMER_LABELS,
      sobject: SOBJECTS.account,
      field: ACCOUNT_FIELDS.quickBooksCustomerId,
      current: run.currentCustomer,
      right: new Map(run.customers.map((c) => [c.Id, { name: c.DisplayName, active: c.Active !== false, currency: c.CurrencyRef?.value ?? null }])),
      exact: run.customerResult.exact.map((p) => ({ leftId: p.accountId, rightId: p.customerId })),
    },
    {
      kind: 'item',
      labels: ITEM_LABELS,
      sobject: SOBJECTS.product,
      field: PRODUCT_FIELDS.quickBooksItemId,
      current: run.currentItem,
      right: new Map(run.items.map((i) => [i.Id, { name: i.Name, active: i.Active !== false, currency: null }])),
      exact: run.itemResult.exact.map((p) => ({ leftId: p.productId, rightId: p.itemId })),
    },
  ];
}

/** Which report a CSV is (customers or items), from its header; a file with errors is refused whole. */
export function decisionsOf(csv: string): { kind: 'customer' | 'item'; links: Array<{ leftId: string; rightId: string }> } {
  const header = csv.slice(0, csv.search(/\r?\n|$/)).toLowerCase();
  const labels = header.includes('product_id') ? ITEM_LABELS : CUSTOMER_LABELS;
  const read = readDecisions(csv, labels);
  if (read.errors.length > 0) {
    throw new AppError('BAD_REQUEST', `The decisions file was not applied (nothing was linked): ${read.errors.slice(0, 20).join('; ')}${read.errors.length > 20 ? `; and ${read.errors.length - 20} more` : ''}.`, {
      fix: 'Correct the named lines (decision is "link", "skip" or empty; each record linked at most once) and apply the file again.',
    });
  }
  return { kind: labels === ITEM_LABELS ? 'item' : 'customer', links: read.links.map((l) => ({ leftId: l.leftId, rightId: l.rightId })) };
}

export async function applyLinks(run: MatchingRun, source: LinkSource, deps: ApplyDeps): Promise<ApplyFigures> {
  const [customerSide, itemSide] = sidesOf(run);
  const wanted = { customer: [] as Side['exact'], item: [] as Side['exact'] };
  if ('exact' in source) {
    wanted.customer = customerSide.exact;
    wanted.item = itemSide.exact;
  } else {
    const decisions = decisionsOf(source.csv);
    wanted[decisions.kind] = decisions.links;
  }
  const sourceEvent = 'exact' in source ? 'onboarding:exact' : 'onboarding:csv';
  return {
    realmId: run.realmId,
    source: 'exact' in source ? 'exact' : 'csv',
    customers: await applySide(run, customerSide, wanted.customer, deps, sourceEvent),
    items: await applySide(run, itemSide, wanted.item, deps, sourceEvent),
  };
}

async function applySide(run: MatchingRun, side: Side, wanted: Side['exact'], deps: ApplyDeps, sourceEvent: string): Promise<SideFigures> {
  const plan = planLinks(wanted, (id) => side.current.get(id), (id) => side.right.has(id));
  const figures: SideFigures = { requested: wanted.length, linked: [], unchanged: plan.unchanged.length, refused: [], failed: [] };
  for (const r of plan.refused) figures.refused.push({ salesforceId: r.leftId, qboId: r.rightId, reason: r.reason });
  const todo: Side['exact'] = [];
  const refusal = run.isDefaultRealm ? policyRefusal(side, deps) : undefined;
  const mapped = side.kind === 'item' && !run.isDefaultRealm ? deps.itemMappings : undefined;
  const inactive = side.kind === 'item' && (run.isDefaultRealm || mapped) ? await inactiveProducts(deps.salesforce, plan.toLink.map((l) => l.leftId)) : new Set<string>();
  for (const link of plan.toLink) {
    const right = side.right.get(link.rightId)!;
    // The run may be minutes old: the invoice engine may have linked the record since.
    const stored = await deps.links.get(side.kind, run.realmId, link.leftId);
    if (refusal) figures.refused.push({ salesforceId: link.leftId, qboId: link.rightId, reason: refusal });
    else if (inactive.has(link.leftId)) figures.refused.push({ salesforceId: link.leftId, qboId: link.rightId, reason: `product ${link.leftId} is inactive in Salesforce; activate it first if it is still sold` });
    else if (!right.active) figures.refused.push({ salesforceId: link.leftId, qboId: link.rightId, reason: `${side.labels.right} ${link.rightId} is inactive in QuickBooks; make it active first` });
    else if (stored && stored.qboId === link.rightId) figures.unchanged += 1;
    else if (stored) figures.refused.push({ salesforceId: link.leftId, qboId: link.rightId, reason: `${link.leftId} is already linked to ${stored.qboId}; change it by hand if that link is wrong` });
    else todo.push(link);
  }
  let written = todo;
  if (run.isDefaultRealm && todo.length > 0) {
    const failures = await updateRecords(deps.salesforce, side.sobject, todo.map((l) => ({ Id: l.leftId, [side.field]: l.rightId })));
    const failedIds = new Map(failures.map((f) => [String(f.record.Id), `${f.code}: ${f.message}`]));
    for (const l of todo) {
      const reason = failedIds.get(l.leftId);
      if (reason) figures.failed.push({ salesforceId: l.leftId, qboId: l.rightId, reason });
    }
    written = todo.filter((l) => !failedIds.has(l.leftId));
  } else if (mapped && todo.length > 0) {
    const refused = await mapped.writer.record(mapped.entity, todo.map((l) => ({ productId: l.leftId, itemId: l.rightId })), { actor: deps.actor, sourceEvent });
    const failedIds = new Map(refused.map((r) => [r.productId, r.reason]));
    for (const l of todo) {
      const reason = failedIds.get(l.leftId);
      if (reason) figures.failed.push({ salesforceId: l.leftId, qboId: l.rightId, reason });
    }
    written = todo.filter((l) => !failedIds.has(l.leftId));
  }
  const entries: AuditEntryInput[] = [];
  for (const link of written) {
    const right = side.right.get(link.rightId)!;
    const extra = side.kind === 'customer' ? { how: 'onboarding', displayName: right.name, currency: right.currency } : { how: 'onboarding', name: right.name };
    await deps.links.put({ kind: side.kind, realmId: run.realmId, salesforceId: link.leftId, qboId: link.rightId, extra });
    figures.linked.push({ salesforceId: link.leftId, qboId: link.rightId });
    entries.push({
      actor: deps.actor,
      action: `${side.kind}.linked`,
      system: run.isDefaultRealm ? 'salesforce' : 'middleware',
      realmId: run.realmId,
      salesforceId: link.leftId,
      qboId: link.rightId,
      field: run.isDefaultRealm ? side.field : null,
      oldValue: null,
      newValue: link.rightId,
      sourceEvent,
    });
  }
  if (entries.length > 0) await deps.audit.append(entries);
  return figures;
}

/** Why the sync policy refuses this side's Salesforce write, or undefined when it approves it. */
function policyRefusal(side: Side, deps: ApplyDeps): string | undefined {
  try {
    deps.guard?.(side.sobject, { Id: 'policy-check', [side.field]: 'policy-check' }, 'Id');
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** Products among these ids that are inactive: only active products take an item id. */
async function inactiveProducts(conn: Connection, ids: string[]): Promise<Set<string>> {
  const inactive = new Set<string>();
  for (let i = 0; i < ids.length; i += 200) {
    const chunk = ids.slice(i, i + 200).map((id) => `'${id.replace(/[^A-Za-z0-9]/g, '')}'`);
    const rows = await conn.query<{ Id: string }>(`SELECT Id FROM ${SOBJECTS.product} WHERE IsActive = false AND Id IN (${chunk.join(', ')})`);
    for (const row of rows.records) inactive.add(row.Id);
  }
  return inactive;
}

/** A few lines for the command line and logs. */
export function applySummary(figures: ApplyFigures): string {
  const line = (label: string, s: SideFigures) =>
    `  ${label}: ${s.linked.length} linked, ${s.unchanged} already linked, ${s.refused.length} refused, ${s.failed.length} failed (of ${s.requested} asked)`;
  const problems = [...figures.customers.refused, ...figures.items.refused, ...figures.customers.failed, ...figures.items.failed]
    .slice(0, 20)
    .map((p) => `    ${p.salesforceId} → ${p.qboId}: ${p.reason}`);
  return [`Applied ${figures.source === 'exact' ? 'the exact matches' : 'the decisions file'} to QuickBooks company ${figures.realmId}:`, line('customers', figures.customers), line('items', figures.items), ...problems].join('\n');
}
