export { DEFAULT_POLICY_PATH, SyncPolicy, readPath, writePath } from './policy';
export { builtInCatalogs, parsePolicy, policyProblems, type FieldCatalogs } from './validate';
export { QBO_FIELDS } from './catalogs';
export type { FieldRule, PairRule, SyncPolicyFile } from './schema';
