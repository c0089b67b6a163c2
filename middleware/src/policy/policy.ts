import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../errors';
import type { FieldRule, PairRule, SyncPolicyFile } from './schema';
import { builtInCatalogs, parsePolicy, type FieldCatalogs } from './validate';

/** `middleware/config/sync-policy.json`, from both src/policy (tsx, jest) and dist/policy (build). */
export const DEFAULT_POLICY_PATH = path.resolve(__dirname, '../../config/sync-policy.json');

/** Fields that identify the record being written; they are keys, not values that cross. */
const KEY_FIELDS = new Set(['Id', 'SyncToken', 'sparse']);

/**
 * The governed sync policy: for each Salesforce object ⇄ QuickBooks entity pair, the approved fields, the
 * owning system of each, the direction and the transform. Every write the middleware makes to either
 * system is checked here, so a field outside the policy never crosses.
 */
export class SyncPolicy {
  private constructor(readonly file: SyncPolicyFile) {}

  static load(file = DEFAULT_POLICY_PATH, catalogs?: FieldCatalogs): SyncPolicy {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new AppError('CONFIG_INVALID', `Could not read the sync policy ${file}: ${(error as Error).message}`, {
        fix: 'Point SYNC_POLICY_PATH at a valid JSON file (see middleware/config/sync-policy.md).',
      });
    }
    return new SyncPolicy(parsePolicy(raw, catalogs ?? builtInCatalogs(), `sync policy ${path.basename(file)}`));
  }

  static from(raw: unknown, catalogs?: FieldCatalogs): SyncPolicy {
    return new SyncPolicy(parsePolicy(raw, catalogs ?? builtInCatalogs()));
  }

  get pairs(): readonly PairRule[] {
    return this.file.pairs;
  }

  pair(name: string): PairRule {
    const pair = this.file.pairs.find((p) => p.name === name);
    if (!pair) throw new AppError('INTERNAL', `The sync policy has no pair "${name}".`, { fix: 'Add it to config/sync-policy.json.' });
    return pair;
  }

  /** True when each invoice Ledgerline creates is e-mailed by QuickBooks right away (`invoiceDelivery.sendWhenCreated`). */
  get sendsNewInvoices(): boolean {
    return this.file.invoiceDelivery.sendWhenCreated;
  }

  /** Rules of a pair that flow in one direction (and, for to-quickbooks, apply on updates unless `create`). */
  rules(pairName: string, direction: FieldRule['direction'], on: 'create' | 'update' = 'update'): FieldRule[] {
    return this.pair(pairName).fields.filter((r) => r.direction === direction && (on === 'create' || r.on === 'always'));
  }

  /** The system that owns a Salesforce field, or undefined when no pair names it. */
  ownerOf(object: string, field: string): 'salesforce' | 'quickbooks' | undefined {
    for (const pair of this.file.pairs) {
      if (pair.salesforce !== object) continue;
      const rule = pair.fields.find((r) => r.salesforce === field && r.direction !== 'match');
      if (rule) return rule.owner;
    }
    return undefined;
  }

  /** Salesforce fields the middleware may write on an object: QuickBooks-owned values, and its own status fields. */
  salesforceWritable(object: string): Set<string> {
    const fields = new Set(this.file.middlewareFields[object] ?? []);
    for (const pair of this.file.pairs) {
      if (pair.salesforce !== object) continue;
      for (const rule of pair.fields) if (rule.direction === 'to-salesforce') fields.add(rule.salesforce);
    }
    return fields;
  }

  /** Top-level QuickBooks properties the middleware may send for an entity. */
  quickbooksWritable(entity: string, on: 'create' | 'update'): Set<string> {
    const fields = new Set<string>();
    for (const pair of this.file.pairs) {
      if (pair.quickbooks !== entity) continue;
      for (const rule of pair.fields) {
        if (rule.direction === 'to-quickbooks' && (on === 'create' || rule.on === 'always')) fields.add(rule.quickbooks.split('.')[0]!);
      }
    }
    return fields;
  }

  /** Throws POLICY_VIOLATION (permanent) when a Salesforce write names a field the policy does not approve. */
  assertSalesforceWrite(object: string, record: Record<string, unknown>, keyField = 'Id'): void {
    const allowed = this.salesforceWritable(object);
    const refused = Object.keys(record).filter((field) => field !== keyField && !KEY_FIELDS.has(field) && !allowed.has(field));
    if (refused.length > 0) throw violation('Salesforce', object, refused);
  }

  /** Throws POLICY_VIOLATION when a QuickBooks write names a property the policy does not approve. */
  assertQuickbooksWrite(entity: string, body: Record<string, unknown>, on: 'create' | 'update'): void {
    const allowed = this.quickbooksWritable(entity, on);
    const refused = Object.keys(body).filter((field) => !KEY_FIELDS.has(field) && field !== 'requestId' && !allowed.has(field));
    if (refused.length > 0) throw violation('QuickBooks', entity, refused);
  }
}

function violation(system: string, object: string, fields: string[]): AppError {
  return new AppError('POLICY_VIOLATION', `The sync policy does not approve writing ${fields.join(', ')} on ${system} ${object}; nothing was written.`, {
    retryable: false,
    fix: 'Add the field to config/sync-policy.json (with its owner and direction) if it should cross, or stop writing it.',
    details: { object, fields },
  });
}

/** Reads a dotted QuickBooks path (`BillAddr.Line1`) from an entity. */
export function readPath(entity: Record<string, unknown> | null | undefined, dotted: string): unknown {
  let value: unknown = entity;
  for (const part of dotted.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** Sets a dotted path on a body being built for a sparse update, creating the nested objects. */
export function writePath(body: Record<string, unknown>, dotted: string, value: unknown): void {
  const parts = dotted.split('.');
  let target = body;
  for (const part of parts.slice(0, -1)) {
    const next = target[part];
    if (next === null || typeof next !== 'object') target[part] = {};
    target = target[part] as Record<string, unknown>;
  }
  target[parts[parts.length - 1]!] = value;
}
