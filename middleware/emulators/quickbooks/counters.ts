/** Call counters per operation (`Invoice.create`), per endpoint (`POST /invoice`) and per outcome. */
export interface CounterSnapshot {
  total: number;
  byOperation: Record<string, number>;
  byEndpoint: Record<string, number>;
  byRealm: Record<string, number>;
  byStatus: Record<string, number>;
  throttled: number;
  injected: number;
  replayed: number;
}

function empty(): CounterSnapshot {
  return { total: 0, byOperation: {}, byEndpoint: {}, byRealm: {}, byStatus: {}, throttled: 0, injected: 0, replayed: 0 };
}

const bump = (map: Record<string, number>, key: string) => {
  map[key] = (map[key] ?? 0) + 1;
};

export class Counters {
  private data = empty();

  request(endpoint: string, operation: string, realmId?: string): void {
    this.data.total++;
    bump(this.data.byEndpoint, endpoint);
    bump(this.data.byOperation, operation);
    if (realmId) bump(this.data.byRealm, realmId);
  }

  status(status: number | 'hang-up'): void {
    bump(this.data.byStatus, String(status));
  }

  mark(kind: 'throttled' | 'injected' | 'replayed'): void {
    this.data[kind]++;
  }

  snapshot(): CounterSnapshot {
    return structuredClone(this.data);
  }

  reset(): void {
    this.data = empty();
  }
}
