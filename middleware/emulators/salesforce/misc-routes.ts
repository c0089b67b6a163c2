import type { ApiRouter } from './api';

/** The version root resource and /limits. */

export function registerMiscRoutes(router: ApiRouter): void {
  router.add('GET', '', (_state, req) => {
    const base = `/services/data/v${req.version}`;
    const names = ['sobjects', 'query', 'queryAll', 'composite', 'limits', 'search', 'recent', 'tooling'];
    return { status: 200, body: Object.fromEntries(names.map((n) => [n, `${base}/${n}`])) };
  });
  router.add('GET', '/limits', (state) => {
    const max = (n: number, used = 0): { Max: number; Remaining: number } => ({ Max: n, Remaining: n - used });
    return {
      status: 200,
      body: {
        DailyApiRequests: max(state.usage.limit, state.usage.used),
        DailyAsyncApexExecutions: max(250000),
        DailyBulkApiBatches: max(15000),
        DailyBulkV2QueryJobs: max(10000),
        DataStorageMB: max(1024, Math.ceil(state.store.types().reduce((n, t) => n + state.store.all(t).length, 0) * 0.002)),
        FileStorageMB: max(1024),
        HourlyPublishedPlatformEvents: max(state.events.allocation.limit, state.events.allocation.used),
        SingleEmail: max(5000),
      },
    };
  });
}

/** The versions list at /services/data. */
export function versionsList(latest: number): { label: string; url: string; version: string }[] {
  const out: { label: string; url: string; version: string }[] = [];
  for (let v = 31; v <= latest; v++) out.push({ label: `v${v}.0`, url: `/services/data/v${v}.0`, version: `${v}.0` });
  return out;
}
