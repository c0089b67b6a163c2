/**
 * The catalogue's loose ends in every connected QuickBooks company (billing entity), default first: what
 * `npm run cli -- catalog` prints and the ops page lists, and the `--apply` that creates the missing
 * products company by company (each company's gaps are read after the previous one's products exist, so an
 * item with the same SKU in two companies gives one product, not two).
 */
import type { Connection } from 'jsforce';
import { AppError } from '../../errors';
import type { QboApi } from '../../quickbooks/api';
import type { AuditEntryInput } from '../../store/audit-log';
import type { BillingEntities, BillingEntity } from '../billing-entities';
import { createMissingProducts, findCatalogGaps, type CatalogGaps, type CreatedProducts } from './catalog-gaps';
import type { ItemMappings } from './item-mappings';

export interface CatalogServiceDeps {
  salesforce: () => Promise<Connection>;
  qbo: Pick<QboApi, 'company'>;
  entities: Pick<BillingEntities, 'all'>;
  mappings: Pick<ItemMappings, 'forEntity' | 'record'>;
  audit: { append(entries: AuditEntryInput[]): Promise<unknown> };
  guard?: (sobject: string, record: Record<string, unknown>, keyField: string) => void;
}

export class CatalogService {
  constructor(private readonly deps: CatalogServiceDeps) {}

  /** Connected entities, the default first; `only` (a name, any case) narrows to one or refuses with the choices. */
  async entities(only?: string): Promise<BillingEntity[]> {
    const all = [...(await this.deps.entities.all())].sort((a, b) => Number(b.isDefault) - Number(a.isDefault));
    if (!only) return all;
    const found = all.filter((e) => e.name.toLowerCase() === only.trim().toLowerCase());
    if (found.length === 0) {
      throw new AppError('BAD_REQUEST', `No connected QuickBooks company is called "${only}".`, { fix: all.length > 0 ? `Choose one of: ${all.map((e) => e.name).join(', ')}.` : 'Connect one at /oauth/quickbooks/connect first.' });
    }
    return found;
  }

  /** Reads every company's gaps (or one's); writes nothing. */
  async gaps(only?: string): Promise<CatalogGaps[]> {
    const conn = await this.deps.salesforce();
    const out: CatalogGaps[] = [];
    for (const entity of await this.entities(only)) out.push(await this.gapsOf(conn, entity));
    return out;
  }

  /** Creates the missing products, company after company, as the integration user; each write audited. */
  async apply(actor: string, only?: string): Promise<Array<{ gaps: CatalogGaps; result: CreatedProducts }>> {
    const conn = await this.deps.salesforce();
    const out: Array<{ gaps: CatalogGaps; result: CreatedProducts }> = [];
    for (const entity of await this.entities(only)) {
      const gaps = await this.gapsOf(conn, entity);
      const result = await createMissingProducts(conn, gaps, {
        audit: this.deps.audit,
        actor,
        ...(this.deps.guard ? { guard: this.deps.guard } : {}),
        ...(entity.isDefault ? {} : { mappings: { entity, writer: this.deps.mappings } }),
      });
      out.push({ gaps, result });
    }
    return out;
  }

  private gapsOf(conn: Connection, entity: BillingEntity): Promise<CatalogGaps> {
    return findCatalogGaps(conn, this.deps.qbo.company(entity.realmId), { entity, mappings: this.deps.mappings });
  }
}
