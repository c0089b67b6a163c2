/** Daily API request counter (Sforce-Limit-Info) and per-endpoint call counts. */
export class UsageCounters {
  used = 0;
  private readonly byEndpoint = new Map<string, number>();

  constructor(public limit: number) {}

  /** Counts one API request; returns false when the daily limit is already spent. */
  take(): boolean {
    if (this.used >= this.limit) return false;
    this.used += 1;
    return true;
  }

  header(): string {
    return `api-usage=${this.used}/${this.limit}`;
  }

  count(endpoint: string): void {
    this.byEndpoint.set(endpoint, (this.byEndpoint.get(endpoint) ?? 0) + 1);
  }

  endpoints(): Record<string, number> {
    return Object.fromEntries([...this.byEndpoint.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  reset(): void {
    this.used = 0;
    this.byEndpoint.clear();
  }
}
