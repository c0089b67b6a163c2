/**
 * Accounts: the customers and the catalogue on both sides. Salesforce-owned Account fields go to the
 * QuickBooks customers they are linked to (account-sync.ts, pure part in account-sync-values.ts); QuickBooks
 * customer and item edits come back under the sync policy (customer-follow.ts). Each QuickBooks company's facts
 * and item catalogue are read once and cached (company-context.ts); a product's item in a non-default company
 * lives in item mappings (item-mappings.ts); the catalogue's loose ends are listed and fixed by
 * catalog-gaps.ts and catalog-service.ts; probable duplicate customers are found by customer-lookalikes.ts.
 *
 * Read first: wire.ts, then account-sync.ts, then customer-follow.ts.
 */
export { ACCOUNT_SYNC_JOB, AccountSync, type AccountSyncJobPayload } from './account-sync';
export { catalogText, type CatalogGaps } from './catalog-gaps';
export { CatalogService } from './catalog-service';
export { CompanyCatalog } from './company-context';
export { CustomerFollow, FOLLOWED_ENTITIES, QBO_FOLLOW_JOB, type FollowJobPayload } from './customer-follow';
export { ALL_CUSTOMERS_WHERE, ALL_ROWS_PAGES, CustomerLookalikes, type KnownCustomer } from './customer-lookalikes';
export { entityItemView, ItemMappings } from './item-mappings';
export type { AccountSyncRequests } from './ports';
export { wireAccounts, type Accounts, type AccountsDeps } from './wire';
