import { randomUUID } from 'node:crypto';

/** Faults to inject into the next N matching calls. */

export type FaultKind = 'UNABLE_TO_LOCK_ROW' | 'REQUEST_LIMIT_EXCEEDED' | 'INVALID_SESSION_ID' | 'SERVER_ERROR' | 'DELAY' | 'DISCONNECT';

export interface FaultSpec {
  kind: FaultKind;
  /** How many matching calls fail (default 1). */
  times?: number;
  /** Only this HTTP method (GET, POST, PATCH, DELETE). */
  method?: string;
  /** Only paths containing this text, e.g. "/composite/sobjects" or "/query". */
  path?: string;
  /** SERVER_ERROR status: 500 (default), 502, 503 or 504. */
  status?: number;
  /** DELAY: how long to hold the response. */
  delayMs?: number;
  /** UNABLE_TO_LOCK_ROW: "request" fails the whole call; "record" fails records inside an sObject Collections call. */
  scope?: 'request' | 'record';
  /** scope "record": which records fail, by position (default [0]) … */
  recordIndexes?: number[];
  /** … or by id (update/delete). */
  recordIds?: string[];
}

export interface ActiveFault extends FaultSpec {
  id: string;
  remaining: number;
  hits: number;
}

export interface FaultResponse {
  status: number;
  body: unknown;
}

export class FaultInjector {
  private faults: ActiveFault[] = [];

  add(spec: FaultSpec): ActiveFault {
    const fault: ActiveFault = { ...spec, id: randomUUID(), remaining: spec.times ?? 1, hits: 0 };
    this.faults.push(fault);
    return fault;
  }

  list(): ActiveFault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  clear(): void {
    this.faults = [];
  }

  remove(id: string): boolean {
    const before = this.faults.length;
    this.faults = this.faults.filter((f) => f.id !== id);
    return this.faults.length < before;
  }

  /** The next request-level fault for this call (consumed), or null. */
  takeRequestFault(method: string, path: string): ActiveFault | null {
    return this.take(method, path, (f) => !(f.kind === 'UNABLE_TO_LOCK_ROW' && f.scope === 'record'));
  }

  /** Positions to fail with UNABLE_TO_LOCK_ROW in a collection call. */
  pickLockedRecords(method: string, path: string, ids: (string | null)[]): Set<number> {
    const fault = this.take(method, path, (f) => f.kind === 'UNABLE_TO_LOCK_ROW' && f.scope === 'record');
    if (!fault) return new Set();
    if (fault.recordIds?.length) {
      const wanted = new Set(fault.recordIds.map((id) => id.slice(0, 15)));
      return new Set(ids.flatMap((id, i) => (id && wanted.has(id.slice(0, 15)) ? [i] : [])));
    }
    return new Set(fault.recordIndexes ?? [0]);
  }

  private take(method: string, path: string, accept: (f: ActiveFault) => boolean): ActiveFault | null {
    const fault = this.faults.find(
      (f) => f.remaining > 0 && accept(f) && (!f.method || f.method.toUpperCase() === method) && (!f.path || path.includes(f.path)),
    );
    if (!fault) return null;
    fault.remaining -= 1;
    fault.hits += 1;
    if (fault.remaining === 0) this.faults = this.faults.filter((f) => f !== fault);
    return fault;
  }
}

/** The response a request-level fault produces (DELAY and DISCONNECT are handled by the server). */
export function faultResponse(f: ActiveFault): FaultResponse {
  switch (f.kind) {
    case 'UNABLE_TO_LOCK_ROW':
      return { status: 400, body: [{ message: 'unable to obtain exclusive access to this record', errorCode: 'UNABLE_TO_LOCK_ROW', fields: [] }] };
    case 'REQUEST_LIMIT_EXCEEDED':
      return { status: 403, body: [{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }] };
    case 'INVALID_SESSION_ID':
      return { status: 401, body: [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }] };
    default: {
      const status = f.status ?? 500;
      if (status === 500) {
        return { status, body: [{ message: 'An unexpected error occurred. Please include this ErrorId if you contact support: 1234567890-12345 (-1234567890)', errorCode: 'UNKNOWN_EXCEPTION' }] };
      }
      return { status, body: [{ message: 'Server temporarily unavailable. Please try again later.', errorCode: 'SERVER_UNAVAILABLE' }] };
    }
  }
}
