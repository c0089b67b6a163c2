/** Job queue throughput: enqueue → claim → complete on SQLite (and PostgreSQL when LEDGERLINE_BENCH_POSTGRES_URL is set). */
import { benchQueue } from '../src/jobs/bench-queue';

async function main(): Promise<void> {
  const sqlite = await benchQueue({ jobs: 2000 });
  console.log(`queue (SQLite file): ${sqlite.jobs} jobs — enqueue ${Math.round(sqlite.enqueuePerSecond)}/s, drain ${Math.round(sqlite.drainPerSecond)}/s, end to end ${Math.round(sqlite.jobsPerSecond)} jobs/s`);
  const pg = process.env.LEDGERLINE_BENCH_POSTGRES_URL;
  if (pg) {
    const r = await benchQueue({ jobs: 1000, databaseUrl: pg });
    console.log(`queue (PostgreSQL): ${r.jobs} jobs — enqueue ${Math.round(r.enqueuePerSecond)}/s, drain ${Math.round(r.drainPerSecond)}/s, end to end ${Math.round(r.jobsPerSecond)} jobs/s`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
