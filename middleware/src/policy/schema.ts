import { z } from 'zod';

/**
 * The shape of `config/sync-policy.json` (documented in config/sync-policy.md). Field names are checked
 * against the Salesforce and QuickBooks catalogs separately (validate.ts); this schema checks the form.
 */
export const OWNERS = ['salesforce', 'quickbooks'] as const;
export const DIRECTIONS = ['to-quickbooks', 'to-salesforce', 'match'] as const;
export const TRANSFORMS = [
  'none',
  'display-name',
  'truncate-100',
  'truncate-30',
  'payment-terms',
  'realm-key',
  'opportunity-from-note',
  'account-from-customer',
  'billing-entity',
  'rollup-open-balance',
  'rollup-overdue-balance',
  'rollup-receivables',
  'payment-application',
  'entity-product-key',
  'product-from-sku',
] as const;

const apiName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'must be a Salesforce API name');
/** A QBO property path such as `BillAddr.Line1`, `$company` (the QuickBooks company itself) or `$entity` (which entity the record is). */
const qboPath = z.string().regex(/^(\$company|\$entity|[A-Z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*)$/, 'must be a QuickBooks property path like BillAddr.Line1');

export const fieldRuleSchema = z
  .object({
    salesforce: apiName.describe('Salesforce field API name on the pair\u2019s object'),
    quickbooks: qboPath.describe('QuickBooks property path on the pair\u2019s entity'),
    owner: z.enum(OWNERS).describe('the one system whose value wins'),
    direction: z.enum(DIRECTIONS).describe('where the value flows; match = compared to link records, never written'),
    transform: z.enum(TRANSFORMS).default('none'),
    on: z.enum(['create', 'always']).default('always').describe('create = only sent when the record is created'),
    note: z.string().max(300).optional(),
  })
  .strict()
  .superRefine((rule, ctx) => {
    if (rule.direction === 'to-quickbooks' && rule.owner !== 'salesforce') ctx.addIssue({ code: 'custom', message: 'a field sent to QuickBooks must be owned by Salesforce' });
    if (rule.direction === 'to-salesforce' && rule.owner !== 'quickbooks') ctx.addIssue({ code: 'custom', message: 'a field sent to Salesforce must be owned by QuickBooks' });
  });

export const pairSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9-]*$/, 'kebab-case'),
    salesforce: apiName,
    quickbooks: z.enum(['Customer', 'Item', 'Invoice', 'Payment']),
    description: z.string().max(500).optional(),
    fields: z.array(fieldRuleSchema).min(1),
  })
  .strict();

export const policySchema = z
  .object({
    version: z.literal(1),
    description: z.string().max(1000).optional(),
    pairs: z.array(pairSchema).min(1),
    /** What happens to an invoice once QuickBooks holds it. */
    invoiceDelivery: z
      .object({
        /** QuickBooks e-mails each new invoice to its billing e-mail as soon as Ledgerline creates it (off by default). */
        sendWhenCreated: z.boolean().default(false),
      })
      .strict()
      .default({ sendWhenCreated: false }),
    /** Status fields the middleware owns and writes on its own records (sync state, errors). */
    middlewareFields: z.record(apiName, z.array(apiName)).default({}),
  })
  .strict()
  .superRefine((policy, ctx) => {
    const names = new Set<string>();
    policy.pairs.forEach((pair, index) => {
      if (names.has(pair.name)) ctx.addIssue({ code: 'custom', path: ['pairs', index, 'name'], message: `duplicate pair name ${pair.name}` });
      names.add(pair.name);
      const seen = new Map<string, string>();
      pair.fields.forEach((rule, fieldIndex) => {
        // One owner per field: a Salesforce field mapped twice must name the same owner both times.
        const key = `${pair.salesforce}.${rule.salesforce}`;
        const previous = seen.get(key);
        if (previous && previous !== rule.owner) ctx.addIssue({ code: 'custom', path: ['pairs', index, 'fields', fieldIndex, 'owner'], message: `${key} has two owners` });
        seen.set(key, rule.owner);
      });
    });
  });

export type SyncPolicyFile = z.output<typeof policySchema>;
export type PairRule = z.output<typeof pairSchema>;
export type FieldRule = z.output<typeof fieldRuleSchema>;
export type Transform = (typeof TRANSFORMS)[number];
