import { iso, type Clock } from './clock';
import type { RecordLinksRow } from './schema';
import type { SqlExecutor, SqlValue } from './sql-port';

export type LinkKind = 'customer' | 'item' | 'invoice' | 'payment';

/**
 * Which id makes a link unique within (kind, realm) — its `link_key`:
 * - customer, item: the Salesforce id (an Account or Product2 has one QBO twin per company;
 *   several Product2 may share one QBO item, so the QBO id is not unique);
 * - invoice: the QBO invoice id (an Opportunity may own several invoices: subscriptions);
 * - payment: the QBO id as well; one QBO payment can be applied to several invoices, so pass
 *   `linkKey: '<paymentId>:<invoiceId>'` (the shape of `QuickBooks_Payment__c.QuickBooks_Key__c`
 *   without the realm) with `qboId: '<paymentId>'`.
 */
export function linkKeyFor(kind: LinkKind, salesforceId: string, qboId: string): string {
  return kind === 'customer' || kind === 'item' ? salesforceId : qboId;
}

export interface RecordLink<Extra = Record<string, unknown>> {
  kind: LinkKind;
  realmId: string;
  linkKey: string;
  salesforceId: string;
  qboId: string;
  extra: Extra | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface LinkInput<Extra = Record<string, unknown>> {
  kind: LinkKind;
  realmId: string;
  salesforceId: string;
  qboId: string;
  extra?: Extra | null;
  /** Defaults to `linkKeyFor(kind, salesforceId, qboId)`. */
  linkKey?: string;
}

/** Salesforce id ⇄ QBO id pairs, per company. Writing the same link twice is harmless (upsert). */
export class RecordLinkRepository {
  constructor(
    private readonly db: SqlExecutor,
    private readonly now: Clock,
  ) {}

  async put<Extra = Record<string, unknown>>(input: LinkInput<Extra>): Promise<RecordLink<Extra>> {
    const linkKey = input.linkKey ?? linkKeyFor(input.kind, input.salesforceId, input.qboId);
    const extra = input.extra === undefined || input.extra === null ? null : JSON.stringify(input.extra);
    const { rows } = await this.db.query<RecordLinksRow>(
      `insert into record_links (kind, realm_id, link_key, salesforce_id, qbo_id, extra, created_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $7)
       on conflict (kind, realm_id, link_key) do update set
         salesforce_id = excluded.salesforce_id, qbo_id = excluded.qbo_id, extra = excluded.extra,
         updated_at = excluded.updated_at
       returning *`,
      [input.kind, input.realmId, linkKey, input.salesforceId, input.qboId, extra, iso(this.now())],
    );
    return toLink<Extra>(rows[0] as RecordLinksRow);
  }

  async get<Extra = Record<string, unknown>>(kind: LinkKind, realmId: string, linkKey: string): Promise<RecordLink<Extra> | undefined> {
    const { rows } = await this.db.query<RecordLinksRow>(
      'select * from record_links where kind = $1 and realm_id = $2 and link_key = $3',
      [kind, realmId, linkKey],
    );
    return rows[0] ? toLink<Extra>(rows[0]) : undefined;
  }

  /** All links of a Salesforce record, oldest first; `realmId` narrows to one company. */
  async findBySalesforceId<Extra = Record<string, unknown>>(kind: LinkKind, salesforceId: string, realmId?: string): Promise<RecordLink<Extra>[]> {
    const params: SqlValue[] = [salesforceId, kind];
    if (realmId !== undefined) params.push(realmId);
    const { rows } = await this.db.query<RecordLinksRow>(
      `select * from record_links where salesforce_id = $1 and kind = $2 ${realmId === undefined ? '' : 'and realm_id = $3'} order by id`,
      params,
    );
    return rows.map((row) => toLink<Extra>(row));
  }

  /** All links of a QBO record in one company, oldest first. */
  async findByQboId<Extra = Record<string, unknown>>(kind: LinkKind, realmId: string, qboId: string): Promise<RecordLink<Extra>[]> {
    const { rows } = await this.db.query<RecordLinksRow>(
      'select * from record_links where qbo_id = $1 and kind = $2 and realm_id = $3 order by id',
      [qboId, kind, realmId],
    );
    return rows.map((row) => toLink<Extra>(row));
  }

  /** Links of one company whose QBO record has several Salesforce twins (one customer, two Accounts), by QBO id. */
  async sharedQboIds<Extra = Record<string, unknown>>(kind: LinkKind, realmId: string): Promise<RecordLink<Extra>[]> {
    const { rows } = await this.db.query<RecordLinksRow>(
      `select * from record_links where kind = $1 and realm_id = $2 and qbo_id in
         (select qbo_id from record_links where kind = $1 and realm_id = $2 group by qbo_id having count(*) > 1)
       order by qbo_id, id`,
      [kind, realmId],
    );
    return rows.map((row) => toLink<Extra>(row));
  }

  /** Every link of one kind in one company (e.g. the customers linked to Accounts), oldest first. */
  async listKind<Extra = Record<string, unknown>>(kind: LinkKind, realmId: string): Promise<RecordLink<Extra>[]> {
    const { rows } = await this.db.query<RecordLinksRow>('select * from record_links where kind = $1 and realm_id = $2 order by id', [kind, realmId]);
    return rows.map((row) => toLink<Extra>(row));
  }

  async remove(kind: LinkKind, realmId: string, linkKey: string): Promise<boolean> {
    const { rowCount } = await this.db.query(
      'delete from record_links where kind = $1 and realm_id = $2 and link_key = $3',
      [kind, realmId, linkKey],
    );
    return rowCount > 0;
  }
}

function toLink<Extra>(row: RecordLinksRow): RecordLink<Extra> {
  return {
    kind: row.kind as LinkKind,
    realmId: row.realm_id,
    linkKey: row.link_key,
    salesforceId: row.salesforce_id,
    qboId: row.qbo_id,
    extra: row.extra === null ? null : (JSON.parse(row.extra) as Extra),
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}
