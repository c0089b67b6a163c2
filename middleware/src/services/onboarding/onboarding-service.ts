import type { Connection } from 'jsforce';
import { AppError } from '../../errors';
import type { Logger } from '../../logger';
import type { SyncPolicy } from '../../policy';
import type { QboCompany } from '../../quickbooks/api';
import type { Store } from '../../store';
import type { BillingEntities, BillingEntity } from '../billing-entities';
import { runMatching, type MatchingProgress, type MatchingRun, type StoredLinks } from './onboarding';
import type { ItemMappings } from '../accounts';
import { applyLinks, type ApplyFigures, type LinkSource } from './onboarding-apply';

export interface OnboardingServiceDeps {
  salesforce: () => Promise<Connection>;
  company: (realmId: string) => QboCompany;
  entities: Pick<BillingEntities, 'all'>;
  store: Pick<Store, 'links' | 'audit' | 'db'>;
  logger: Logger;
  /** Links are Salesforce writes of QuickBooks-owned ids: the policy must approve them. */
  policy?: Pick<SyncPolicy, 'assertSalesforceWrite'>;
  /** Item links in a company other than the default become the products' QuickBooks Item Mappings there. */
  itemMappings?: Pick<ItemMappings, 'forEntity' | 'record'>;
  /** Told of the QuickBooks customers an apply linked (their history is imported). */
  customersLinked?: (realmId: string, customerIds: string[]) => Promise<unknown>;
}

/**
 * The matching run and the apply as the command line and the admin API use them: the company is a
 * connected billing entity (the default one unless named), and one run per company at a time. An apply
 * always reads everything afresh first, so it never decides on stale data.
 */
export class OnboardingService {
  private readonly running = new Set<string>();

  constructor(private readonly deps: OnboardingServiceDeps) {}

  async match(options: { realmId?: string; onProgress?: (p: MatchingProgress) => void } = {}): Promise<MatchingRun> {
    const entity = await this.entity(options.realmId);
    return this.exclusive(entity.realmId, () => this.run(entity, options.onProgress));
  }

  async apply(options: { realmId?: string; source: LinkSource; actor: string; onProgress?: (p: MatchingProgress) => void }): Promise<{ run: MatchingRun; figures: ApplyFigures }> {
    const entity = await this.entity(options.realmId);
    return this.exclusive(entity.realmId, async () => {
      const run = await this.run(entity, options.onProgress);
      const figures = await applyLinks(run, options.source, {
        salesforce: await this.deps.salesforce(),
        links: this.deps.store.links,
        audit: this.deps.store.audit,
        actor: options.actor,
        ...(this.deps.itemMappings && !entity.isDefault ? { itemMappings: { entity, writer: this.deps.itemMappings } } : {}),
        ...(this.deps.policy ? { guard: (sobject: string, record: Record<string, unknown>, keyField: string) => this.deps.policy!.assertSalesforceWrite(sobject, record, keyField) } : {}),
      });
      this.deps.logger.info(
        { realmId: entity.realmId, source: figures.source, customersLinked: figures.customers.linked.length, itemsLinked: figures.items.linked.length },
        'onboarding links applied',
      );
      if (figures.customers.linked.length > 0) {
        await this.deps.customersLinked?.(entity.realmId, figures.customers.linked.map((l) => l.qboId)).catch((error: unknown) => {
          this.deps.logger.error({ err: error, realmId: entity.realmId }, 'could not queue the history import of the customers just linked; run npm run cli -- import');
        });
      }
      return { run, figures };
    });
  }

  private async run(entity: BillingEntity, onProgress?: (p: MatchingProgress) => void): Promise<MatchingRun> {
    return runMatching({
      realmId: entity.realmId,
      salesforce: await this.deps.salesforce(),
      qbo: this.deps.company(entity.realmId),
      isDefaultRealm: entity.isDefault,
      storedLinks: await this.storedLinks(entity),
      ...(onProgress ? { onProgress } : {}),
    });
  }

  private async entity(realmId?: string): Promise<BillingEntity> {
    const entities = await this.deps.entities.all();
    const found = realmId ? entities.find((e) => e.realmId === realmId) : entities.find((e) => e.isDefault);
    if (found) return found;
    throw new AppError('BAD_REQUEST', realmId ? `QuickBooks company ${realmId} is not connected.` : 'No QuickBooks company is connected.', {
      fix: entities.length > 0 ? `Use one of: ${entities.map((e) => `${e.realmId} (${e.name})`).join(', ')}.` : 'An admin connects one at /oauth/quickbooks/connect.',
    });
  }

  /**
   * Every customer and item link of the company (one query; the repository reads one record at a time), and
   * in a company other than the default the products' item mappings there, which are links too.
   */
  private async storedLinks(entity: BillingEntity): Promise<StoredLinks> {
    const { rows } = await this.deps.store.db.query<{ kind: string; salesforce_id: string; qbo_id: string }>(
      "select kind, salesforce_id, qbo_id from record_links where realm_id = $1 and kind in ('customer', 'item')",
      [entity.realmId],
    );
    const links: StoredLinks = { customers: new Map(), items: new Map() };
    for (const row of rows) (row.kind === 'customer' ? links.customers : links.items).set(row.salesforce_id, row.qbo_id);
    if (!entity.isDefault && this.deps.itemMappings) {
      for (const [productId, itemId] of await this.deps.itemMappings.forEntity(entity)) if (!links.items.has(productId)) links.items.set(productId, itemId);
    }
    return links;
  }

  private async exclusive<T>(realmId: string, work: () => Promise<T>): Promise<T> {
    if (this.running.has(realmId)) {
      throw new AppError('CONFLICT', `A matching run for QuickBooks company ${realmId} is already under way.`, { fix: 'Wait for it to finish, then try again.' });
    }
    this.running.add(realmId);
    try {
      return await work();
    } finally {
      this.running.delete(realmId);
    }
  }
}
