import { AppError } from '../errors';
import type { SfOpportunity } from '../sync/source';

export interface BillingEntity {
  realmId: string;
  name: string;
  /** The company whose customer id is mirrored on `Account.QuickBooks_Customer_Id__c`. */
  isDefault: boolean;
}

export interface ConnectionDirectory {
  list(): Promise<Array<{ realmId: string; billingEntity: string; status: string }>>;
}

/**
 * Which QBO company bills a deal: the Opportunity's `Billing_Entity__c` names it; with one connected
 * company the field may stay empty. The default company is the first connected (alphabetical by entity),
 * unless `defaultEntity` names one.
 */
export class BillingEntities {
  constructor(
    private readonly connections: ConnectionDirectory,
    private readonly defaultEntity?: string,
  ) {}

  async all(): Promise<BillingEntity[]> {
    const rows = (await this.connections.list()).filter((c) => c.status !== 'revoked');
    const defaultName = this.defaultEntity ?? rows[0]?.billingEntity;
    return rows.map((c) => ({ realmId: c.realmId, name: c.billingEntity, isDefault: c.billingEntity === defaultName }));
  }

  async forOpportunity(opp: Pick<SfOpportunity, 'Id' | 'Name' | 'Billing_Entity__c'>): Promise<BillingEntity> {
    const entities = await this.all();
    if (entities.length === 0) {
      throw new AppError('QBO_AUTH', 'No QuickBooks company is connected.', { retryable: false, fix: 'An admin connects one at /oauth/quickbooks/connect.' });
    }
    const wanted = opp.Billing_Entity__c?.trim();
    if (wanted) {
      const found = entities.find((e) => e.name.toLowerCase() === wanted.toLowerCase());
      if (found) return found;
      throw new AppError('MAPPING_ERROR', `Opportunity "${opp.Name}" (${opp.Id}) names billing entity "${wanted}", which is not a connected QuickBooks company.`, {
        fix: `Choose one of: ${entities.map((e) => e.name).join(', ')}; or connect "${wanted}" at /oauth/quickbooks/connect.`,
      });
    }
    if (entities.length === 1) return entities[0]!;
    throw new AppError('MAPPING_ERROR', `Opportunity "${opp.Name}" (${opp.Id}) has no Billing Entity and ${entities.length} QuickBooks companies are connected.`, {
      fix: `Choose the Billing Entity on the Opportunity: ${entities.map((e) => e.name).join(', ')}.`,
    });
  }
}
