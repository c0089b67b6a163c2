/** Faults armed by tests for the next N matching calls. */
export type InjectedFaultKind =
  | 'throttle'
  | 'server-error'
  | 'service-unavailable'
  | 'hang-up'
  | 'slow'
  | 'token-expired'
  | 'lost-response'
  | 'stale-sync-token'
  | 'duplicate-name';

export const FAULT_KINDS: readonly InjectedFaultKind[] = [
  'throttle', 'server-error', 'service-unavailable', 'hang-up', 'slow', 'token-expired', 'lost-response', 'stale-sync-token', 'duplicate-name',
];

export interface FaultRule {
  kind: InjectedFaultKind;
  /** How many matching calls get the fault (default 1). */
  times?: number;
  /** 'api' (default) for /v3/company/…, 'oauth' for the token/revoke endpoints. */
  target?: 'api' | 'oauth';
  method?: string;
  /** Substring of the request path+query, or a regular expression (in-process only). */
  path?: string | RegExp;
  /** Entity name, e.g. 'Invoice' (case-insensitive). */
  entity?: string;
  /** create | read | update | delete | void | query | batch | cdc | send | pdf | token | revoke */
  operation?: string;
  realmId?: string;
  /** For 'slow': how long to wait before answering normally. */
  delayMs?: number;
  /** For 'lost-response': overrides the emulator's lostResponseMode. For 'slow': 'after-commit' writes first, then waits. */
  mode?: 'hang-up' | '500' | 'after-commit';
}

export interface RequestInfo {
  target: 'api' | 'oauth';
  method: string;
  path: string;
  entity?: string;
  operation?: string;
  realmId?: string;
}

interface ArmedRule {
  id: number;
  rule: FaultRule;
  remaining: number;
}

export class FaultInjector {
  private rules: ArmedRule[] = [];
  private nextId = 1;

  inject(rule: FaultRule): number {
    if (!FAULT_KINDS.includes(rule.kind)) throw new Error(`Unknown fault kind ${String(rule.kind)}; use one of ${FAULT_KINDS.join(', ')}`);
    const id = this.nextId++;
    this.rules.push({ id, rule, remaining: rule.times ?? 1 });
    return id;
  }

  /** Consumes one use of the first rule matching the request. */
  take(info: RequestInfo): FaultRule | undefined {
    const armed = this.rules.find((r) => r.remaining > 0 && matches(r.rule, info));
    if (!armed) return undefined;
    armed.remaining--;
    this.rules = this.rules.filter((r) => r.remaining > 0);
    return armed.rule;
  }

  pending(): Array<FaultRule & { id: number; remaining: number }> {
    return this.rules.map((r) => ({ ...r.rule, id: r.id, remaining: r.remaining }));
  }

  clear(): void {
    this.rules = [];
  }
}

function matches(rule: FaultRule, info: RequestInfo): boolean {
  if ((rule.target ?? 'api') !== info.target) return false;
  if (rule.method && rule.method.toUpperCase() !== info.method.toUpperCase()) return false;
  if (rule.realmId && rule.realmId !== info.realmId) return false;
  if (rule.entity && rule.entity.toLowerCase() !== (info.entity ?? '').toLowerCase()) return false;
  if (rule.operation && rule.operation.toLowerCase() !== (info.operation ?? '').toLowerCase()) return false;
  if (rule.path instanceof RegExp && !rule.path.test(info.path)) return false;
  if (typeof rule.path === 'string' && !info.path.includes(rule.path)) return false;
  return true;
}
