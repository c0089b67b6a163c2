/**
 * Both emulators in a process of their own, for benches that measure the middleware's memory alone. Started
 * by `startEmulatorsProcess()` with an IPC channel; seeds a catalog, `accounts` Accounts and `deals` won
 * Opportunities (already Closed Won, no callout), then answers with the URLs, the apps' credentials and the
 * Opportunity ids. It also answers `{ type: 'rss' }` with its own resident memory, and exits on disconnect.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { startQboEmulator, DEFAULT_CLIENT, DEFAULT_REALM } from '@ledgerline/emulators/quickbooks';
import { startSalesforceEmulator } from '@ledgerline/emulators/salesforce';
import { seedAccount, seedCatalog, seedOpportunity } from '../src/demo/deals';

export interface EmulatorsReady {
  type: 'ready';
  qboUrl: string;
  qboOauthUrl: string;
  realmId: string;
  qboClient: { clientId: string; clientSecret: string };
  sfUrl: string;
  sfApp: { clientId: string; clientSecret: string };
  opportunityIds: string[];
  rssMb: number;
}

const SF_APP = { clientId: 'ledgerline-bench-connected-app', clientSecret: 'ledgerline-bench-connected-app-secret' };

async function child(): Promise<void> {
  const deals = Number(process.env.BENCH_DEALS_SEEDED ?? 10_000);
  const accountCount = Number(process.env.BENCH_ACCOUNTS_SEEDED ?? 500);
  const qbo = await startQboEmulator({ port: 0 });
  const sf = await startSalesforceEmulator({ port: 0, auth: SF_APP });
  const catalog = seedCatalog(sf);
  const accounts = Array.from({ length: accountCount }, (_v, i) => seedAccount(sf, { Name: `Backlog Customer ${i + 1} Inc`, Billing_Email__c: `ap@backlog${i + 1}.example` }));
  const opportunityIds = Array.from({ length: deals }, (_v, i) => seedOpportunity(sf, catalog, accounts[i % accounts.length]!, [{ code: 'CONS-HR', quantity: 1 }], { Name: `Backlog ${i + 1}`, StageName: 'Closed Won' }));
  const rssMb = () => Math.round(process.memoryUsage().rss / 2 ** 20);
  const ready: EmulatorsReady = { type: 'ready', qboUrl: qbo.url, qboOauthUrl: qbo.oauthUrl, realmId: DEFAULT_REALM, qboClient: { clientId: DEFAULT_CLIENT.clientId, clientSecret: DEFAULT_CLIENT.clientSecret }, sfUrl: sf.url, sfApp: SF_APP, opportunityIds, rssMb: rssMb() };
  process.send!(ready);
  process.on('message', (message: { type?: string }) => {
    if (message.type === 'rss') process.send!({ type: 'rss', rssMb: rssMb() });
  });
  process.on('disconnect', () => {
    void Promise.all([qbo.close(), sf.close()]).finally(() => process.exit(0));
  });
}

export interface EmulatorsProcess extends EmulatorsReady {
  rss(): Promise<number>;
  close(): Promise<void>;
}

export function startEmulatorsProcess(options: { deals: number; accounts: number }): Promise<EmulatorsProcess> {
  const proc: ChildProcess = fork(__filename, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_EMULATORS_CHILD: '1', BENCH_DEALS_SEEDED: String(options.deals), BENCH_ACCOUNTS_SEEDED: String(options.accounts) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    proc.once('error', reject);
    proc.once('exit', (code) => reject(new Error(`the emulators' process exited (${code}) before it was ready`)));
    proc.once('message', (ready: EmulatorsReady) => {
      resolve({
        ...ready,
        rss: () =>
          new Promise((answer) => {
            proc.once('message', (m: { rssMb: number }) => answer(m.rssMb));
            proc.send({ type: 'rss' });
          }),
        close: () =>
          new Promise((done) => {
            proc.removeAllListeners('exit');
            proc.once('exit', () => done());
            proc.disconnect();
          }),
      });
    });
  });
}

if (process.env.BENCH_EMULATORS_CHILD === '1' && require.main === module) {
  child().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
