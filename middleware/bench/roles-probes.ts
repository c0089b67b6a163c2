/**
 * What the webhook ack's tail is made of, for bench/webhooks-roles.ts: the web process's event-loop delay and
 * garbage collection (read from its own /metrics, whose event-loop histogram restarts at each scrape), the
 * time PostgreSQL takes to commit one small insert while the run goes on, and the machine's load.
 */
import os from 'node:os';
import { Pool } from 'pg';

export const round = (value: number, digits = 1): number => Math.round(value * 10 ** digits) / 10 ** digits;

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
}

/** p50/p95/p99/max of a set of durations in milliseconds. */
export function spread(values: number[]): { p50Ms: number; p95Ms: number; p99Ms: number; maxMs: number } {
  return { p50Ms: round(percentile(values, 50)), p95Ms: round(percentile(values, 95)), p99Ms: round(percentile(values, 99)), maxMs: round(Math.max(0, ...values)) };
}

export const loadAverage = (): string => os.loadavg().map((l) => l.toFixed(2)).join(' ');

function sample(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : NaN;
}

function summed(text: string, name: string): number {
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

export interface LoopReading {
  gcCount: number;
  gcSeconds: number;
}

/** Scrapes the web process's /metrics; the event-loop figures cover the time since the previous scrape. */
export async function readWebLoop(url: string, token: string, since?: LoopReading) {
  const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
  const text = await res.text();
  const reading: LoopReading = { gcCount: summed(text, 'nodejs_gc_duration_seconds_count'), gcSeconds: summed(text, 'nodejs_gc_duration_seconds_sum') };
  const ms = (name: string) => round(sample(text, name) * 1000);
  return {
    reading,
    figures: {
      eventLoopDelay: { p50Ms: ms('nodejs_eventloop_lag_p50_seconds'), p99Ms: ms('nodejs_eventloop_lag_p99_seconds'), maxMs: ms('nodejs_eventloop_lag_max_seconds') },
      gc: since ? { pauses: reading.gcCount - since.gcCount, totalMs: round((reading.gcSeconds - since.gcSeconds) * 1000) } : undefined,
    },
  };
}

/**
 * Commits one small row every 20 ms on a connection of its own (autocommit, as the ack's insert is): the
 * database's own share of the ack, flush to disk included, under the same load.
 */
export async function startCommitProbe(databaseUrl: string) {
  const pool = new Pool({ connectionString: databaseUrl, max: 1 });
  await pool.query('create table if not exists bench_commit_probe (id bigserial primary key, at timestamptz not null default now())');
  const times: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const t0 = performance.now();
      await pool.query('insert into bench_commit_probe default values');
      times.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return {
    /** Figures since the last call; the probe keeps going. */
    take: () => spread(times.splice(0)),
    async stop() {
      running = false;
      await loop;
      await pool.end();
    },
  };
}
