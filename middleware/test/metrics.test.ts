import { randomBytes } from 'node:crypto';
import { startStack, waitFor, type Stack } from './support/stack';
import { seedCatalog } from './support/deals';
import { invoicedDeal, opp } from './support/invoiced-deal';

/** GET /metrics: Prometheus text behind METRICS_TOKEN (or an admin key), with the families operators watch. */
describe('/metrics', () => {
  const metricsToken = randomBytes(32).toString('base64url');
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ env: { METRICS_TOKEN: metricsToken }, webhooks: true });
    await stack.connectQbo();
  });
  afterAll(async () => {
    await stack?.close();
  });

  const scrape = (secret?: string) => fetch(`${stack.url}/metrics`, secret ? { headers: { authorization: `Bearer ${secret}` } } : {});
  const value = (text: string, series: string): number | undefined => {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? undefined : Number(line.slice(series.length + 1));
  };

  it('refuses a scrape without the metrics token or an admin key, and names the fix', async () => {
    for (const secret of [undefined, stack.apiKey, 'x'.repeat(40)]) {
      const res = await scrape(secret);
      expect(res.status).toBe(401);
      const body = (await res.json()) as { error: { code: string; fix: string } };
      expect(body.error.fix).toMatch(/METRICS_TOKEN/);
    }
    expect((await scrape(stack.adminKey)).status).toBe(200);
  });

  it('exposes queue, job, QuickBooks (per company, with 429s), webhook and Salesforce families with live values', async () => {
    const catalog = seedCatalog(stack.sf);
    // The next QuickBooks call answers 429 (sent again after a back-off; the throttle is counted for the
    // company), the one after that 500: the job fails once and retries.
    stack.qbo.control.injectFault({ kind: 'throttle' });
    stack.qbo.control.injectFault({ kind: 'server-error' });
    const deal = await invoicedDeal(stack, catalog, 'Metrics Watchers Inc', {});
    stack.qbo.control.applyPayment(stack.realmId, { invoices: [{ id: deal.invoiceId }], txnDate: '2026-11-24' });
    await waitFor(() => opp(stack, deal.opportunityId).Payment_Status__c === 'Paid', 30_000, 'the payment to reach Salesforce');

    const res = await scrape(metricsToken);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const families = new Set([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => `${m[1]} ${m[2]}`));
    for (const family of [
      'ledgerline_queue_jobs gauge',
      'ledgerline_queue_oldest_due_seconds gauge',
      'ledgerline_job_wait_seconds histogram',
      'ledgerline_job_duration_seconds histogram',
      'ledgerline_qbo_requests_total counter',
      'ledgerline_qbo_throttled_total counter',
      'ledgerline_webhook_lag_seconds histogram',
      'ledgerline_webhook_events_total counter',
      'ledgerline_webhook_oldest_pending_seconds gauge',
      'ledgerline_salesforce_requests_total counter',
      'ledgerline_salesforce_api_usage gauge',
      'process_cpu_seconds_total counter',
    ]) {
      expect(families).toContain(family);
    }
    const realm = `realm_id="${stack.realmId}"`;
    expect(value(text, `ledgerline_qbo_requests_total{${realm}}`)).toBeGreaterThan(1);
    expect(value(text, `ledgerline_qbo_throttled_total{${realm}}`)).toBeGreaterThanOrEqual(1);
    expect(value(text, 'ledgerline_queue_jobs{state="completed"}')).toBeGreaterThanOrEqual(1);
    expect(value(text, 'ledgerline_job_duration_seconds_count{type="invoice.sync",outcome="succeeded"}')).toBe(1);
    expect(value(text, 'ledgerline_job_duration_seconds_count{type="invoice.sync",outcome="failed"}')).toBe(1);
    expect(value(text, 'ledgerline_webhook_events_total')).toBeGreaterThanOrEqual(1);
    expect(value(text, 'ledgerline_webhook_lag_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(value(text, 'ledgerline_salesforce_requests_total{kind="query"}')).toBeGreaterThanOrEqual(1);
    expect(value(text, 'ledgerline_salesforce_requests_total{kind="write"}')).toBeGreaterThanOrEqual(1);
    expect(value(text, 'ledgerline_salesforce_api_usage{kind="limit"}')).toBeGreaterThan(0);
    expect(value(text, 'ledgerline_salesforce_api_usage{kind="used"}')).toBeGreaterThan(0);
    // No secret reaches the scrape.
    for (const secret of [metricsToken, stack.apiKey, stack.adminKey]) expect(text).not.toContain(secret);
  }, 90_000);
});
