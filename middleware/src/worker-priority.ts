import os from 'node:os';
import type { Config } from './config';
import type { Logger } from './logger';

/** The two OS calls used (os.getPriority / os.setPriority); tests pass recorders. */
export interface PriorityCalls {
  getPriority(pid: number): number;
  setPriority(pid: number, priority: number): void;
}

/**
 * A worker-role process lowers its own CPU priority to `WORKER_NICE` (default 10) at start, so that a web
 * role on the same host (or in the same container or CPU cgroup) answers Salesforce and Intuit first while
 * the workers are saturated. On separate machines it changes nothing that matters. Web and all roles keep
 * their priority: an all-role process answers webhooks itself.
 *
 * Only ever lowers: a process already started at that nice value or lower priority is left as it is. Where
 * the system refuses, the process starts anyway and the log says so once.
 */
export function lowerWorkerPriority(config: Pick<Config, 'LEDGERLINE_ROLE' | 'WORKER_NICE'>, logger: Pick<Logger, 'info' | 'warn'>, calls: PriorityCalls = os): void {
  const nice = config.WORKER_NICE;
  if (config.LEDGERLINE_ROLE !== 'worker' || nice === 0) return;
  try {
    const current = calls.getPriority(0);
    if (current >= nice) return;
    calls.setPriority(0, nice);
    logger.info({ role: 'worker', nice, was: current }, 'worker role: CPU priority lowered (WORKER_NICE) so a web role on this host answers first');
  } catch (error) {
    // Node raises ERR_SYSTEM_ERROR with the system's own code (EACCES, EPERM) in `info`.
    const failure = error as NodeJS.ErrnoException & { info?: { code?: string } };
    const code = failure.info?.code ?? failure.code;
    logger.warn({ role: 'worker', nice, code }, 'worker role: could not lower the CPU priority (WORKER_NICE); running at the current priority');
  }
}
