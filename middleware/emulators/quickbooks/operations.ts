/**
 * Generic create / read / update / delete / void / send over the entity definitions. Used by the
 * HTTP routes, the batch endpoint and the control API alike, so all three enforce the same rules.
 */
import { faults, QboFault } from './faults';
import { asString, isObject, type Entity } from './json';
import { checkKnownProperties } from './entities/common';
import type { EntityContext } from './entities/context';
import type { EntityDef } from './entities/types';

const SYSTEM_KEYS = ['Id', 'SyncToken', 'sparse', 'domain', 'MetaData', 'status'];

function notSupported(operation: string, def: EntityDef): QboFault {
  return new QboFault(400, 'ValidationFault', [
    { Message: 'Unsupported Operation', Detail: `Operation ${operation} is not supported for ${def.name}.`, code: '500' },
  ]);
}

function withoutSystem(body: Entity): Entity {
  const out: Entity = {};
  for (const [k, v] of Object.entries(body)) if (!SYSTEM_KEYS.includes(k)) out[k] = v;
  return out;
}

export function checkId(def: EntityDef, id: string): void {
  if (def.name === 'TaxCode' && /^(TAX|NON)$/.test(id)) return;
  if (!/^\d+$/.test(id)) throw faults.invalidId(id);
}

function requireBody(body: unknown): Entity {
  if (!isObject(body)) throw faults.business('The request body must be a JSON object.');
  return body;
}

function existingFor(ctx: EntityContext, def: EntityDef, body: Entity): Entity {
  const id = asString(body.Id);
  if (id === undefined || id === '') throw faults.requiredParam('Id');
  checkId(def, id);
  if (asString(body.SyncToken) === undefined) throw faults.requiredParam('SyncToken');
  const existing = ctx.store.get(def.name, id);
  if (!existing) throw faults.objectNotFound();
  if (asString(body.SyncToken) !== existing.SyncToken) throw faults.staleObject();
  return existing;
}

export interface WriteOptions {
  allowDuplicateDocNum?: boolean;
}

export function createEntity(ctx: EntityContext, def: EntityDef, rawBody: unknown, options: WriteOptions = {}): Entity {
  const body = requireBody(rawBody);
  if (!def.prepare || def.kind === 'singleton') throw notSupported('Create', def);
  checkKnownProperties(ctx, def.name, body, def.known);
  const input = withoutSystem(body);
  if (options.allowDuplicateDocNum) input.__allowDuplicateDocNum = true;
  const record = ctx.store.insert(def.name, def.prepare(ctx, input, undefined));
  def.afterWrite?.(ctx, record, undefined);
  return ctx.store.get(def.name, record.Id as string) ?? record;
}

export function readEntity(ctx: EntityContext, def: EntityDef, id: string): Entity {
  checkId(def, id);
  const record = ctx.store.get(def.name, id);
  if (!record) throw faults.objectNotFound();
  return record;
}

/** Full update replaces writable fields (omitted ones are cleared); sparse merges top-level fields. */
export function updateEntity(ctx: EntityContext, def: EntityDef, rawBody: unknown, options: WriteOptions = {}): Entity {
  const body = requireBody(rawBody);
  if (!def.prepare) throw notSupported('Update', def);
  const existing = existingFor(ctx, def, body);
  checkKnownProperties(ctx, def.name, body, def.known);
  const sparse = body.sparse === true || body.sparse === 'true';
  let merged: Entity;
  if (sparse) merged = { ...withoutSystem(existing), ...withoutSystem(body) };
  else {
    merged = withoutSystem(body);
    for (const key of def.serverFields ?? []) if (existing[key] !== undefined) merged[key] = existing[key];
  }
  if (options.allowDuplicateDocNum) merged.__allowDuplicateDocNum = true;
  const record = ctx.store.replace(def.name, existing.Id as string, def.prepare(ctx, merged, existing));
  def.afterWrite?.(ctx, record, existing);
  return ctx.store.get(def.name, record.Id as string) ?? record;
}

export function deleteEntity(ctx: EntityContext, def: EntityDef, rawBody: unknown): Entity {
  const body = requireBody(rawBody);
  if (!def.canDelete) throw notSupported('Delete', def);
  const existing = existingFor(ctx, def, body);
  def.beforeDelete?.(ctx, existing);
  ctx.store.remove(def.name, existing.Id as string);
  def.afterWrite?.(ctx, undefined, existing);
  return { domain: 'QBO', status: 'Deleted', Id: existing.Id };
}

export function voidEntity(ctx: EntityContext, def: EntityDef, rawBody: unknown): Entity {
  const body = requireBody(rawBody);
  if (!def.voidRecord) throw notSupported('Void', def);
  const existing = existingFor(ctx, def, body);
  const record = ctx.store.replace(def.name, existing.Id as string, def.voidRecord(ctx, existing), 'Void');
  def.afterWrite?.(ctx, record, existing);
  return ctx.store.get(def.name, record.Id as string) ?? record;
}

export function sendEntity(ctx: EntityContext, def: EntityDef, id: string, sendTo: string | undefined): Entity {
  if (!def.canSend) throw notSupported('Send', def);
  const existing = readEntity(ctx, def, id);
  const address = sendTo ?? asString((existing.BillEmail as Entity | undefined)?.Address);
  if (!address) throw faults.business('An email address is required: set BillEmail or pass sendTo.', 'BillEmail');
  const next: Entity = {
    ...existing,
    BillEmail: { Address: address },
    EmailStatus: 'EmailSent',
    DeliveryInfo: { DeliveryType: 'Email', DeliveryTime: ctx.store.stamp() },
  };
  const sent = ctx.store.replace(def.name, id, next, 'Emailed');
  ctx.store.outbox.push({ entity: def.name, id, docNumber: asString(existing.DocNumber), to: address, at: (next.DeliveryInfo as Entity).DeliveryTime as string });
  return sent;
}
