import { AppError } from '../errors';
import { QBO_FIELDS, declaredOwners, salesforceFieldNames } from './catalogs';
import { policySchema, type SyncPolicyFile } from './schema';

/** Where field names are looked up; tests pass catalogs read from force-app and from QuickBooks samples. */
export interface FieldCatalogs {
  salesforce: (object: string, field: string) => boolean;
  quickbooks: (entity: string, path: string) => boolean;
  /** Owner a field is declared with elsewhere (fields.ts); a policy that disagrees is refused. */
  declaredOwner?: (object: string, field: string) => string | undefined;
}

export function builtInCatalogs(): FieldCatalogs {
  const sf = salesforceFieldNames();
  const owners = declaredOwners();
  return {
    salesforce: (object, field) => sf.has(`${object}.${field}`),
    quickbooks: (entity, path) => path === '$company' || path === '$entity' || (QBO_FIELDS[entity as keyof typeof QBO_FIELDS] ?? []).includes(path),
    declaredOwner: (object, field) => owners.get(`${object}.${field}`),
  };
}

/** Problems with a parsed policy, as sentences that name the pair, the field and the fix; empty when valid. */
export function policyProblems(policy: SyncPolicyFile, catalogs: FieldCatalogs): string[] {
  const problems: string[] = [];
  for (const pair of policy.pairs) {
    for (const rule of pair.fields) {
      const where = `pair "${pair.name}": ${pair.salesforce}.${rule.salesforce} ↔ ${pair.quickbooks}.${rule.quickbooks}`;
      if (!catalogs.salesforce(pair.salesforce, rule.salesforce)) problems.push(`${where}: Salesforce field ${pair.salesforce}.${rule.salesforce} does not exist (force-app / fields.ts)`);
      if (!catalogs.quickbooks(pair.quickbooks, rule.quickbooks)) problems.push(`${where}: QuickBooks ${pair.quickbooks} has no property ${rule.quickbooks}`);
      const declared = catalogs.declaredOwner?.(pair.salesforce, rule.salesforce);
      if (declared && declared !== rule.owner && rule.direction !== 'match') problems.push(`${where}: owner "${rule.owner}" disagrees with fields.ts, which declares "${declared}"`);
    }
  }
  for (const [object, fields] of Object.entries(policy.middlewareFields)) {
    for (const field of fields) {
      if (!catalogs.salesforce(object, field)) problems.push(`middlewareFields: Salesforce field ${object}.${field} does not exist (force-app / fields.ts)`);
      const declared = catalogs.declaredOwner?.(object, field);
      if (declared && declared !== 'middleware') problems.push(`middlewareFields: ${object}.${field} is declared "${declared}"-owned in fields.ts, not middleware-owned`);
    }
  }
  return problems;
}

/** Parses and checks a policy document; throws CONFIG_INVALID naming every problem. */
export function parsePolicy(raw: unknown, catalogs: FieldCatalogs = builtInCatalogs(), source = 'sync policy'): SyncPolicyFile {
  const result = policySchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw invalid(source, problems);
  }
  const problems = policyProblems(result.data, catalogs);
  if (problems.length > 0) throw invalid(source, problems);
  return result.data;
}

function invalid(source: string, problems: string[]): AppError {
  return new AppError('CONFIG_INVALID', `Invalid ${source}: ${problems.join('; ')}`, {
    fix: 'Correct the named entries (see middleware/config/sync-policy.md) and start again.',
    details: { problems },
  });
}
