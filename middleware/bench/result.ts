import { writeFileSync } from 'node:fs';

/**
 * Prints a bench's result as JSON and, when `bench/run.ts` asked for it (BENCH_RESULT_FILE), writes it
 * there too so the run can evaluate issue #19's goals from every bench's figures.
 */
export function report(result: object): void {
  console.log(JSON.stringify(result, null, 2));
  const file = process.env.BENCH_RESULT_FILE;
  if (file) writeFileSync(file, JSON.stringify(result));
}
