/** Names a request as entity + operation, for counters and fault matching. */
import { findEntity } from './entities/registry';

export interface Classified {
  entity?: string;
  operation: string;
  endpoint: string;
}

export function classify(method: string, relative: string, query: Record<string, unknown>, body: unknown): Classified {
  const segments = relative.split('/').filter(Boolean);
  const first = (segments[0] ?? '').toLowerCase();
  const endpoint = `${method} /${[first, ...segments.slice(1).map((s, i) => (i === 0 ? ':id' : s))].filter(Boolean).join('/')}`;
  if (first === 'query') {
    const text = typeof query.query === 'string' ? query.query : typeof body === 'string' ? body : '';
    const entity = /\bfrom\s+(\w+)/i.exec(text)?.[1];
    return { entity: entity ? (findEntity(entity)?.name ?? entity) : undefined, operation: 'query', endpoint };
  }
  if (first === 'batch' || first === 'cdc') return { operation: first, endpoint };
  const entity = findEntity(first)?.name;
  if (segments.length >= 3) return { entity, operation: segments[2]!.toLowerCase(), endpoint };
  if (method === 'GET') return { entity, operation: 'read', endpoint };
  const op = typeof query.operation === 'string' ? query.operation : undefined;
  if (query.include === 'void' || op === 'void') return { entity, operation: 'void', endpoint };
  if (op === 'delete') return { entity, operation: 'delete', endpoint };
  const hasId = typeof body === 'object' && body !== null && 'Id' in body;
  return { entity, operation: op === 'update' || hasId ? 'update' : 'create', endpoint };
}
