/**
 * Wiring of the accounts capability: the Account → QuickBooks customer sync (`account.sync` jobs, queued
 * through the `AccountSyncRequests` port), QuickBooks customer and item edits followed back under the sync
 * policy (`qbo.follow` jobs), and the catalogue's loose ends.
 */
import type { Connection } from 'jsforce';
import type { Config } from '../../config';
import type { Job, JobQueue } from '../../jobs';
import type { Logger } from '../../logger';
import type { SyncPolicy } from '../../policy';
import type { QboApi } from '../../quickbooks/api';
import type { Store } from '../../store';
import type { BillingEntities } from '../billing-entities';
import type { SalesforceWriteBack } from '../write-back';
import { ACCOUNT_SYNC_JOB, AccountSync, type AccountSyncJobPayload } from './account-sync';
import { CatalogService } from './catalog-service';
import type { CompanyCatalog } from './company-context';
import { CustomerFollow, QBO_FOLLOW_JOB, type FollowJobPayload } from './customer-follow';
import type { ItemMappings } from './item-mappings';
import type { AccountSyncRequests } from './ports';

export interface AccountsDeps {
  config: Pick<Config, 'QBO_DISPLAY_NAME_MAX'>;
  store: Store;
  queue: JobQueue;
  qbo: QboApi;
  salesforce: () => Promise<Connection>;
  policy: SyncPolicy;
  writeBack: SalesforceWriteBack;
  catalog: CompanyCatalog;
  entities: BillingEntities;
  itemMappings: ItemMappings;
  logger: Logger;
  wake: () => void;
}

export interface Accounts {
  accounts: AccountSync;
  follow: CustomerFollow;
  /** The catalogue's loose ends per QuickBooks company (npm run cli -- catalog, GET /api/v1/catalog). */
  catalog: CatalogService;
  /** What the Account route calls (http/account-routes.ts). */
  requests: AccountSyncRequests;
  handlers: Record<string, (job: Job<never>) => Promise<unknown>>;
}

export function wireAccounts(deps: AccountsDeps): Accounts {
  const { store, queue } = deps;
  const company = (realmId: string) => deps.qbo.company(realmId);
  const accounts = new AccountSync({ policy: deps.policy, salesforce: deps.salesforce, company, catalog: deps.catalog, links: store.links, audit: store.audit, rules: { maxLength: deps.config.QBO_DISPLAY_NAME_MAX }, logger: deps.logger });
  const follow = new CustomerFollow({
    policy: deps.policy,
    inbox: store.inbox,
    links: store.links,
    accounts,
    company,
    salesforce: deps.salesforce,
    writeBack: deps.writeBack,
    audit: store.audit,
    entityOf: async (realmId) => (await deps.entities.all()).find((e) => e.realmId === realmId),
    itemMappings: deps.itemMappings,
    logger: deps.logger,
  });
  const catalog = new CatalogService({ salesforce: deps.salesforce, qbo: deps.qbo, entities: deps.entities, mappings: deps.itemMappings, audit: store.audit, guard: (o, r, k) => deps.policy.assertSalesforceWrite(o, r, k) });
  const requests: AccountSyncRequests = {
    async request(ids, reason) {
      const accepted = [];
      for (const accountId of ids) {
        // One waiting job per Account: repeated notices join it (it reads the Account when it runs). An edit
        // made while a job runs gets one follow-up job, which that job may already have read too late.
        const enqueue = (idempotencyKey: string) => queue.enqueue<AccountSyncJobPayload>({ type: ACCOUNT_SYNC_JOB, payload: { accountId, reason }, idempotencyKey });
        let { job } = await enqueue(`account:${accountId}`);
        if (job.state === 'running') ({ job } = await enqueue(`account:${accountId}:next`));
        accepted.push({ accountId, jobId: job.id, state: job.state });
      }
      deps.wake();
      return accepted;
    },
  };
  const handlers = {
    [ACCOUNT_SYNC_JOB]: (job: Job<AccountSyncJobPayload>) => accounts.sync(job.payload.accountId, { jobId: job.id, source: `account:${job.payload.reason}` }),
    [QBO_FOLLOW_JOB]: (job: Job<FollowJobPayload>) => follow.process(job.payload.inboxId, job.id),
  } as unknown as Accounts['handlers'];
  return { accounts, follow, catalog, requests, handlers };
}
