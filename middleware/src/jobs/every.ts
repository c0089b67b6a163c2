import type { Logger } from '../logger';

export interface IntervalTask {
  /** Runs the task now unless it is already running (then waits for that run). */
  runNow(): Promise<void>;
  /** No further runs; resolves when a run in progress has finished. */
  stop(): Promise<void>;
}

export interface EveryOptions {
  /** First run right away instead of after one interval (default false). */
  immediate?: boolean;
  /** Where a failed run is reported; the schedule continues either way. */
  logger?: Logger;
  name?: string;
}

/**
 * Runs `fn` every `ms` for sweepers and the reaper. Runs never overlap: the next one is scheduled
 * `ms` after the previous one finished, so a slow run delays the schedule instead of piling up.
 */
export function every(ms: number, fn: () => Promise<unknown> | unknown, options: EveryOptions = {}): IntervalTask {
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> | undefined;
  let stopped = false;

  const schedule = (delay: number): void => {
    if (stopped) return;
    timer = setTimeout(() => void run(), delay);
    timer.unref();
  };

  const run = (): Promise<void> => {
    if (current) return current;
    if (timer) clearTimeout(timer);
    // Started on a later tick, so even a synchronous throw settles after `current` is assigned.
    current = Promise.resolve()
      .then(fn)
      .then(
        () => undefined,
        (error: unknown) => {
          options.logger?.error({ err: error, task: options.name }, `interval task ${options.name ?? ''} failed`.trim());
        },
      )
      .finally(() => {
        current = undefined;
        schedule(ms);
      });
    return current;
  };

  if (options.immediate) void run();
  else schedule(ms);

  return {
    runNow: () => (stopped ? Promise.resolve() : run()),
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await current;
    },
  };
}
