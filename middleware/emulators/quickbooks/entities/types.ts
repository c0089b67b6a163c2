import type { Entity } from '../json';
import type { EntityContext } from './context';

export type EntityKind = 'list' | 'transaction' | 'singleton' | 'readonly';

/** How one QBO entity behaves. Generic CRUD (../operations.ts) drives these hooks. */
export interface EntityDef {
  name: string;
  kind: EntityKind;
  /** Properties accepted in requests (others → 2010 when strictProperties is on). */
  known: readonly string[];
  /** Properties WHERE may filter on; undefined means any property. */
  queryable?: readonly string[];
  cdc: boolean;
  /** Server-owned fields kept from the stored record on a full update. */
  serverFields?: readonly string[];
  /** Builds the record to store (without Id/SyncToken/MetaData) for a create (no existing) or update. */
  prepare?(ctx: EntityContext, body: Entity, existing: Entity | undefined): Entity;
  /** Runs after create, update, void and delete (record undefined when deleted). */
  afterWrite?(ctx: EntityContext, record: Entity | undefined, previous: Entity | undefined): void;
  canDelete?: boolean;
  beforeDelete?(ctx: EntityContext, existing: Entity): void;
  voidRecord?(ctx: EntityContext, existing: Entity): Entity;
  canSend?: boolean;
}
