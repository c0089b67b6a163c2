/** The local stack lives in src/demo (the demo and benchmarks use it too). */
import { waitFor, type Stack } from '../../src/demo/stack';

export * from '../../src/demo/stack';

/**
 * The jobs of one key once none of them is queued or running. A deal's status is written inside its job, before
 * the job records its own end, so a test that saw the deal settle must wait for this before reading job states.
 */
export async function settledJobs(stack: Stack, key: string, timeoutMs = 30_000) {
  return waitFor(
    async () => {
      const jobs = await stack.ledgerline.queue.list({ key });
      return jobs.length > 0 && jobs.every((j) => j.state !== 'queued' && j.state !== 'running') ? jobs : undefined;
    },
    timeoutMs,
    `jobs of ${key} to finish`,
  );
}
