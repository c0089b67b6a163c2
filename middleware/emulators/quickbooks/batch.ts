/** The batch endpoint: up to 30 items, each answered on its own (HTTP 200 even when items fail). */
import { faults, QboFault } from './faults';
import { asArray, asObject, asString, isObject, type Entity } from './json';
import { findEntity } from './entities/registry';
import type { EntityContext } from './entities/context';
import { createEntity, deleteEntity, updateEntity } from './operations';
import { executeQuery } from './query-exec';

function runItem(ctx: EntityContext, item: Entity): Entity {
  const query = asString(item.Query);
  if (query !== undefined) return { QueryResponse: executeQuery(ctx, query) };
  const operation = asString(item.operation) ?? 'create';
  const entityKey = Object.keys(item).find((k) => k !== 'bId' && k !== 'operation' && k !== 'optionsData' && isObject(item[k]));
  const def = entityKey ? findEntity(entityKey) : undefined;
  if (!entityKey || !def) throw faults.business('A batch item needs an entity object or a Query.', 'BatchItemRequest');
  const body = item[entityKey];
  if (operation === 'create') return { [def.name]: createEntity(ctx, def, body) };
  if (operation === 'update') return { [def.name]: updateEntity(ctx, def, body) };
  if (operation === 'delete') return { [def.name]: deleteEntity(ctx, def, body) };
  throw faults.business(`Unsupported batch operation ${operation}.`, 'operation');
}

export function runBatch(ctx: EntityContext, body: unknown, maxItems: number): Entity {
  const items = asArray(asObject(body)?.BatchItemRequest);
  if (items.length === 0) throw faults.requiredParam('BatchItemRequest');
  if (items.length > maxItems) throw faults.business(`A batch request can have at most ${maxItems} items; it had ${items.length}.`, 'BatchItemRequest');
  const responses = items.map((raw) => {
    const item = asObject(raw) ?? {};
    const bId = asString(item.bId);
    try {
      return { ...runItem(ctx, item), bId };
    } catch (error) {
      if (error instanceof QboFault) return { ...error.toBody(), bId };
      throw error;
    }
  });
  return { BatchItemResponse: responses };
}
