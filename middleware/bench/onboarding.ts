/**
 * Onboarding benchmark on the whole product (emulators + real middleware + real clients): a synthetic
 * business (default 5,000 Accounts × 2,000 QBO customers, 200 products × 150 items, with the matching
 * generator's look-alikes, typos and duplicates) is put into the emulators; then one matching run
 * (every record read through the APIs, paged) and one apply of the exact matches are timed, with the
 * API calls they cost. The matcher alone at 50,000 × 20,000 is bench/matching.ts.
 * Run: npx tsx middleware/bench/onboarding.ts [accounts] [customers] [seed]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStack, type Stack } from '../src/demo/stack';
import { generateSynthetic, type SyntheticData } from '../src/matching';

export interface OnboardingBenchOptions {
  accounts?: number;
  customers?: number;
  seed?: number;
  /** Emulated API latency per QBO and Salesforce call (ms). */
  latencyMs?: number;
}

export interface OnboardingBenchResult {
  accounts: number;
  customers: number;
  products: number;
  items: number;
  /** Synthetic customers the QBO emulator refused (duplicate DisplayName, as QBO would). */
  customersSkipped: number;
  /** Reading the four sides (Salesforce and QBO side by side). */
  readMs: number;
  matchMs: number;
  /** A second run plus the writes: Salesforce collections, link table, audit log. */
  applyMs: number;
  exact: number;
  probable: number;
  customersLinked: number;
  itemsLinked: number;
  qboCallsRead: number;
  salesforceCallsRead: number;
  salesforceCallsApply: number;
  peakRssMb: number;
}

export async function benchOnboarding(options: OnboardingBenchOptions = {}): Promise<OnboardingBenchResult> {
  const data = generateSynthetic({ seed: options.seed ?? 7, accounts: options.accounts ?? 5000, customers: options.customers ?? 2000, products: 200, items: 150 });
  const dir = mkdtempSync(join(tmpdir(), 'ledgerline-bench-onboarding-'));
  const stack = await startStack({
    env: { DATABASE_URL: `sqlite:${join(dir, 'bench.db')}`, RATE_LIMIT_PER_MINUTE: '0' },
    startWorkers: false,
    qbo: { latencyMs: options.latencyMs ?? 0 },
    sf: { latencyMs: options.latencyMs ?? 0 },
  });
  try {
    await stack.connectQbo();
    const customersSkipped = seed(stack, data);
    const qbo0 = stack.qbo.control.counters().total;
    const sf0 = stack.sf.control.counters().apiUsage.used;
    const run = await stack.ledgerline.onboarding.match();
    const qbo1 = stack.qbo.control.counters().total;
    const sf1 = stack.sf.control.counters().apiUsage.used;
    const t = performance.now();
    const { figures } = await stack.ledgerline.onboarding.apply({ source: { exact: true }, actor: 'bench' });
    const applyMs = Math.round(performance.now() - t);
    const sf2 = stack.sf.control.counters().apiUsage.used;
    return {
      accounts: run.accounts.length,
      customers: run.customers.length,
      products: run.products.length,
      items: run.items.length,
      customersSkipped,
      readMs: run.timings.readMs,
      matchMs: run.timings.matchMs,
      applyMs,
      exact: run.customerResult.exact.length,
      probable: run.customerResult.probable.length,
      customersLinked: figures.customers.linked.length,
      itemsLinked: figures.items.linked.length,
      qboCallsRead: qbo1 - qbo0,
      salesforceCallsRead: sf1 - sf0,
      // The apply's own run reads as much again; the rest are sObject-collection updates (200 a call).
      salesforceCallsApply: sf2 - sf1 - (sf1 - sf0),
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    };
  } finally {
    await stack.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Puts the synthetic business into the emulators; existing id links are left out (their ids are synthetic). */
function seed(stack: Stack, data: SyntheticData): number {
  const chunk = <T>(rows: T[], size: number): T[][] => Array.from({ length: Math.ceil(rows.length / size) }, (_v, i) => rows.slice(i * size, (i + 1) * size));
  for (const rows of chunk(data.accounts, 1000)) {
    stack.sf.control.seed({ Account: rows.map(({ Id: _id, QuickBooks_Customer_Id__c: _link, ...fields }) => fields) });
  }
  stack.sf.control.seed({ Product2: data.products.map(({ Id: _id, QuickBooks_Item_Id__c: _link, ...fields }) => ({ ...fields, IsActive: true })) });
  let skipped = 0;
  for (const { Id: _id, ...customer } of data.customers) {
    try {
      stack.qbo.control.create(stack.realmId, 'Customer', customer);
    } catch {
      skipped += 1;
    }
  }
  for (const { Id: _id, ...item } of data.items) {
    try {
      stack.qbo.control.create(stack.realmId, 'Item', { ...item, Type: 'Service', IncomeAccountRef: { value: '1' } });
    } catch {
      skipped += 0; // a duplicate item name: QBO refuses it too
    }
  }
  return skipped;
}

if (require.main === module) {
  const [accounts, customers, seedArg] = process.argv.slice(2).map(Number);
  benchOnboarding({ accounts: accounts || undefined, customers: customers || undefined, seed: seedArg || undefined })
    .then((r) => {
      console.log(`onboarding ${r.accounts} Accounts × ${r.customers} customers, ${r.products} products × ${r.items} items (${r.customersSkipped} synthetic customers refused as duplicate names)`);
      console.log(`  read ${(r.readMs / 1000).toFixed(2)} s (${r.qboCallsRead} QBO calls, ${r.salesforceCallsRead} Salesforce calls), match ${(r.matchMs / 1000).toFixed(2)} s`);
      console.log(`  apply (fresh run + writes) ${(r.applyMs / 1000).toFixed(2)} s: ${r.customersLinked} customers and ${r.itemsLinked} items linked, ${r.salesforceCallsApply} Salesforce write calls`);
      console.log(`  proposals: ${r.exact} exact, ${r.probable} probable; peak RSS ${r.peakRssMb} MB`);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
