import type { MatchingPhase, MatchingProgress } from '../services/onboarding';

/** Share of the whole run each phase stands for (reads dominate: one call per 1,000–2,000 rows). */
const PHASES: Array<{ phase: MatchingPhase; label: string; weight: number }> = [
  { phase: 'accounts', label: 'Salesforce Accounts', weight: 3 },
  { phase: 'products', label: 'Salesforce products', weight: 1 },
  { phase: 'customers', label: 'QuickBooks customers', weight: 3 },
  { phase: 'items', label: 'QuickBooks items', weight: 1 },
  { phase: 'match-customers', label: 'matching customers', weight: 2 },
  { phase: 'match-items', label: 'matching items', weight: 1 },
];

export interface ProgressOutput {
  write(text: string): unknown;
  /** A terminal gets one line redrawn in place; a file or pipe gets one line per finished phase. */
  isTTY?: boolean;
}

export interface ProgressBar {
  update(progress: MatchingProgress): void;
  /** Ends the bar's line (terminal). */
  finish(): void;
}

const count = (n: number) => n.toLocaleString('en-US');

/** Fraction of the run done, 0..1, from the latest report of each phase. */
export function progressFraction(state: Map<MatchingPhase, MatchingProgress>): number {
  let done = 0;
  let total = 0;
  for (const { phase, weight } of PHASES) {
    total += weight;
    const p = state.get(phase);
    if (!p) continue;
    if (p.finished) done += weight;
    else if (p.total) done += weight * Math.min(1, p.done / p.total);
  }
  return done / total;
}

/** `[########------------]  40%  <label>` for any run that knows the fraction it has done. */
export function renderBar(fraction: number, label: string, width = 24): string {
  const bounded = Math.min(1, Math.max(0, fraction));
  const filled = Math.round(bounded * width);
  const percent = `${Math.floor(bounded * 100)}%`.padStart(4);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${percent}  ${label}`;
}

/** `[########------------]  40%  Salesforce Accounts 2,000/5,000 · QuickBooks customers…` */
export function renderProgress(state: Map<MatchingPhase, MatchingProgress>, width = 24): string {
  const fraction = progressFraction(state);
  const active = PHASES.filter(({ phase }) => state.has(phase) && !state.get(phase)!.finished).map(({ phase, label }) => {
    const p = state.get(phase)!;
    return p.total === null ? `${label}…` : `${label} ${count(p.done)}/${count(p.total)}`;
  });
  return renderBar(fraction, active.join(' · ') || (fraction >= 1 ? 'done' : 'starting'), width);
}

/** A plain text progress bar (no dependency): redrawn at most every `intervalMs` on a terminal. */
export function createProgressBar(out: ProgressOutput, options: { intervalMs?: number; now?: () => number } = {}): ProgressBar {
  const state = new Map<MatchingPhase, MatchingProgress>();
  const now = options.now ?? Date.now;
  const intervalMs = options.intervalMs ?? 100;
  let drawnAt = -Infinity;
  let drawn = false;
  return {
    update(progress) {
      const before = state.get(progress.phase);
      state.set(progress.phase, progress);
      if (!out.isTTY) {
        if (progress.finished && !before?.finished) {
          const label = PHASES.find((p) => p.phase === progress.phase)!.label;
          out.write(`${progress.phase.startsWith('match') ? `${label}: done` : `read ${count(progress.done)} ${label}`}\n`);
        }
        return;
      }
      if (!progress.finished && now() - drawnAt < intervalMs) return;
      drawnAt = now();
      drawn = true;
      out.write(`\r${renderProgress(state)}\x1b[K`);
    },
    finish() {
      if (out.isTTY && drawn) out.write(`\r${renderProgress(state)}\x1b[K\n`);
    },
  };
}
