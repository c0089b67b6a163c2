import type { MatchingPhase, MatchingProgress } from '../services/onboarding/onboarding';
import { createProgressBar, progressFraction, renderProgress } from './progress-bar';

const p = (phase: MatchingPhase, done: number, total: number | null, finished = false): MatchingProgress => ({ phase, done, total, finished });

describe('progress bar', () => {
  it('weighs the phases: reads of Accounts and customers count most, unknown totals count nothing until finished', () => {
    const state = new Map<MatchingPhase, MatchingProgress>([['accounts', p('accounts', 2000, 4000)]]);
    expect(progressFraction(state)).toBeCloseTo(1.5 / 11);
    state.set('customers', p('customers', 0, null));
    expect(progressFraction(state)).toBeCloseTo(1.5 / 11);
    state.set('customers', p('customers', 900, 900, true));
    expect(progressFraction(state)).toBeCloseTo(4.5 / 11);
  });

  it('draws the bar, the percentage and what is under way', () => {
    const state = new Map<MatchingPhase, MatchingProgress>([
      ['accounts', p('accounts', 12000, 50000)],
      ['customers', p('customers', 0, null)],
    ]);
    expect(renderProgress(state, 10)).toBe('[#---------]   6%  Salesforce Accounts 12,000/50,000 · QuickBooks customers…');
    const all = new Map<MatchingPhase, MatchingProgress>(
      (['accounts', 'products', 'customers', 'items', 'match-customers', 'match-items'] as const).map((ph) => [ph, p(ph, 1, 1, true)]),
    );
    expect(renderProgress(all, 10)).toBe('[##########] 100%  done');
  });

  it('redraws one line on a terminal, at most every interval, and always on a finished phase', () => {
    const written: string[] = [];
    let now = 0;
    const bar = createProgressBar({ write: (t: string) => written.push(t), isTTY: true }, { intervalMs: 100, now: () => now });
    bar.update(p('accounts', 2000, 10000));
    now = 50;
    bar.update(p('accounts', 4000, 10000));
    now = 60;
    bar.update(p('accounts', 10000, 10000, true));
    bar.finish();
    expect(written).toHaveLength(3);
    expect(written[0]).toMatch(/^\r\[.*Salesforce Accounts 2,000\/10,000\x1b\[K$/);
    expect(written[1]).not.toContain('4,000');
    expect(written[2]!.endsWith('\x1b[K\n')).toBe(true);
  });

  it('writes one plain line per finished phase to a file or pipe', () => {
    const written: string[] = [];
    const bar = createProgressBar({ write: (t: string) => written.push(t), isTTY: false });
    bar.update(p('accounts', 2000, 5000));
    bar.update(p('accounts', 5000, 5000, true));
    bar.update(p('accounts', 5000, 5000, true));
    bar.update(p('match-items', 3, 3, true));
    bar.finish();
    expect(written).toEqual(['read 5,000 Salesforce Accounts\n', 'matching items: done\n']);
  });
});
