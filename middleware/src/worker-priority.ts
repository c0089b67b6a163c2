import { readdirSync } from 'node:fs';
import os from 'node:os';
import type { Config } from './config';
import type { Logger } from './logger';

/** The two OS calls used (os.getPriority / os.setPriority); tests pass recorders. */
export interface PriorityCalls {
  getPriority(pid: number): number;
  setPriority(pid: number, priority: number): void;
  /** The process's thread ids (Linux: /proc/self/task); empty where the system does not list them. */
  threads?(): number[];
}

/** The OS's calls. On Linux a nice value belongs to a thread: the threads V8 and libuv started before us are listed here. */
const OS_CALLS: PriorityCalls = {
  getPriority: (pid) => os.getPriority(pid),
  setPriority: (pid, priority) => os.setPriority(pid, priority),
  threads: () => {
    try {
      return readdirSync('/proc/self/task').map(Number).filter((tid) => Number.isInteger(tid) && tid > 0);
    } catch {
      return [];
    }
  },
};

/**
 * A worker-role process lowers its own CPU priority to `WORKER_NICE` (default 10) at start, so that a web
 * role on the same host (or in the same container or CPU cgroup) answers Salesforce and Intuit first while
 * the workers are saturated. On separate machines it changes nothing that matters. Web and all roles keep
 * their priority: an all-role process answers webhooks itself.
 *
 * Only ever lowers: a process already started at that nice value or lower priority is left as it is. Where
 * the system refuses, the process starts anyway and the log says so once.
 */
export function lowerWorkerPriority(config: Pick<Config, 'LEDGERLINE_ROLE' | 'WORKER_NICE'>, logger: Pick<Logger, 'info' | 'warn'>, calls: PriorityCalls = OS_CALLS): void {
  const nice = config.WORKER_NICE;
  if (config.LEDGERLINE_ROLE !== 'worker' || nice === 0) return;
  try {
    const current = calls.getPriority(0);
    if (current >= nice) return;
    calls.setPriority(0, nice);
    // setpriority() on Linux changes the calling thread only: V8's garbage-collection and compiler threads, started
    // before this, would keep competing with a web role at full priority. Threads started later inherit the value.
    for (const tid of calls.threads?.() ?? []) {
      if (tid === process.pid) continue;
      try {
        calls.setPriority(tid, nice);
      } catch {
        // The thread ended meanwhile.
      }
    }
    logger.info({ role: 'worker', nice, was: current }, 'worker role: CPU priority lowered (WORKER_NICE) so a web role on this host answers first');
  } catch (error) {
    // Node raises ERR_SYSTEM_ERROR with the system's own code (EACCES, EPERM) in `info`.
    const failure = error as NodeJS.ErrnoException & { info?: { code?: string } };
    const code = failure.info?.code ?? failure.code;
    logger.warn({ role: 'worker', nice, code }, 'worker role: could not lower the CPU priority (WORKER_NICE); running at the current priority');
  }
}
