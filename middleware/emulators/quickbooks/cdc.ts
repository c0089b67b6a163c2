/** Change data capture: what changed (and what was deleted) since a point no more than 30 days back. */
import { faults } from './faults';
import type { Entity } from './json';
import { findEntity } from './entities/registry';
import type { EntityContext } from './entities/context';

const MAX_OBJECTS = 1000;

function parseSince(raw: string): number {
  // A '+' in an unencoded offset arrives as a space after query-string decoding.
  const text = raw.trim().replace(/ (\d{2}:?\d{2})$/, '+$1');
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(ms)) throw faults.business(`changedSince is not a valid date-time: ${raw}`, 'changedSince');
  return ms;
}

export function changeDataCapture(ctx: EntityContext, entitiesParam: string | undefined, changedSince: string | undefined): Entity {
  if (!entitiesParam) throw faults.requiredParam('entities');
  if (!changedSince) throw faults.requiredParam('changedSince');
  let since = parseSince(changedSince);
  const oldest = ctx.now() - ctx.options.cdcMaxLookbackDays * 24 * 3600 * 1000;
  if (since < oldest) {
    if (ctx.options.cdcTooOld === 'fault') {
      throw faults.business(`changedSince must be within the last ${ctx.options.cdcMaxLookbackDays} days.`, 'changedSince');
    }
    since = oldest;
  }
  let budget = MAX_OBJECTS;
  const responses: Entity[] = [];
  for (const name of entitiesParam.split(',').map((s) => s.trim()).filter(Boolean)) {
    const def = findEntity(name);
    if (!def) throw faults.invalidQuery(`invalid context declaration: ${name}`);
    if (!def.cdc) {
      responses.push({});
      continue;
    }
    const changed: Entity[] = ctx.store.changedSince(def.name, since);
    const deleted = ctx.store.tombstones
      .filter((t) => t.entity === def.name && t.at >= since)
      .map((t) => ({ domain: 'QBO', status: 'Deleted', Id: t.id, MetaData: { LastUpdatedTime: t.lastUpdated } }));
    const rows = [...changed, ...deleted].slice(0, Math.max(budget, 0));
    budget -= rows.length;
    responses.push(rows.length ? { [def.name]: rows, startPosition: 1, maxResults: rows.length } : {});
  }
  return { CDCResponse: [{ QueryResponse: responses }] };
}
