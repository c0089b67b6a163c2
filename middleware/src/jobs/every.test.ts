import { createLogger } from '../logger';
import { every } from './every';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('every', () => {
  it('repeats, never overlaps a slow run, and stop waits for the run in progress', async () => {
    let runs = 0;
    let inFlight = 0;
    let maxInFlight = 0;
    let finished = 0;
    const task = every(5, async () => {
      runs += 1;
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await sleep(25); // five times the interval
      inFlight -= 1;
      finished += 1;
    }, { immediate: true });
    await sleep(140);
    await task.runNow(); // joins the current run instead of starting a second one
    await task.stop();
    expect(runs).toBeGreaterThanOrEqual(2);
    expect(maxInFlight).toBe(1);
    expect(finished).toBe(runs); // stop() returned only after the last run ended
    const after = runs;
    await sleep(40);
    expect(runs).toBe(after);
  });

  it('waits one interval before the first run unless immediate', async () => {
    let runs = 0;
    const task = every(60_000, () => {
      runs += 1;
    });
    await sleep(20);
    expect(runs).toBe(0);
    await task.runNow();
    expect(runs).toBe(1);
    await task.stop();
    await task.runNow();
    expect(runs).toBe(1);
  });

  it('logs a failed run and keeps the schedule', async () => {
    const lines: Array<{ msg: string; task?: string }> = [];
    const logger = createLogger({ level: 'error' }, { write: (text: string) => void lines.push(JSON.parse(text)) });
    let runs = 0;
    const task = every(5, () => {
      runs += 1;
      throw new Error('sweep failed');
    }, { logger, name: 'cdc-sweeper', immediate: true });
    await sleep(60);
    await task.stop();
    expect(runs).toBeGreaterThanOrEqual(2);
    expect(lines[0]).toMatchObject({ msg: 'interval task cdc-sweeper failed', task: 'cdc-sweeper' });
  });
});
