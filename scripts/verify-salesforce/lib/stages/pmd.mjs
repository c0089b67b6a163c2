// Stage 4: Apex static analysis with Salesforce Code Analyzer (PMD 7 on Java 17, plus the regex engine).
// Runs the engines' Recommended Apex rules; fails on severity 1 (Critical) and 2 (High).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { requireFromRepo } from '../paths.mjs';
import { checkAll } from './prettier.mjs';

const APEX = /\.(cls|trigger)$/;
const FAIL_AT_OR_ABOVE = 2; // severity 1 = Critical, 2 = High

// House rules (STYLE.md habits 1 and 3) that PMD ships as Moderate (3) are raised to High so they fail:
// no SOQL/DML in loops, no logic in triggers, and an explicit sharing declaration on every class.
export const SEVERITY_OVERRIDES = {
  OperationWithLimitsInLoop: 2,
  AvoidLogicInTrigger: 2,
  ApexSharingViolations: 2
};

const SELECTORS = ['pmd:Recommended:Apex', 'regex:Recommended'];

export async function runPmd(ctx) {
  const apex = ctx.tree.kept.filter((f) => APEX.test(f));
  if (apex.length === 0) return { problems: [], notes: ['no Apex: skipped'] };
  // PMD silently skips files it cannot parse; those are reported by the apex-syntax stage instead.
  const parsed = await checkAll(ctx, apex); // cached when the apex-syntax stage ran
  const unparsable = new Set(parsed.filter(([, result]) => result.status === 'syntax').map(([file]) => file));
  const targets = apex.filter((f) => !unparsable.has(f));
  const notes = unparsable.size ? [`${unparsable.size} Apex files with syntax errors not analysed`] : [];
  if (targets.length === 0) return { problems: [], notes };

  const core = requireFromRepo('@salesforce/code-analyzer-core');
  const logFolder = mkdtempSync(path.join(tmpdir(), 'verify-salesforce-pmd-'));
  try {
    const rules = { pmd: {}, regex: {} };
    for (const [name, severity] of Object.entries(SEVERITY_OVERRIDES)) rules.pmd[name] = { severity };
    const config = core.CodeAnalyzerConfig.fromObject({ log_folder: logFolder, rules }, ctx.tree.root);
    const analyzer = new core.CodeAnalyzer(config);
    const errors = [];
    analyzer.onEvent(core.EventType.LogEvent, (event) => {
      if (event.logLevel === core.LogLevel.Error) errors.push(event.message);
    });
    await analyzer.addEnginePlugin(requireFromRepo('@salesforce/code-analyzer-pmd-engine').createEnginePlugin());
    await analyzer.addEnginePlugin(requireFromRepo('@salesforce/code-analyzer-regex-engine').createEnginePlugin());
    const workspace = await analyzer.createWorkspace([ctx.tree.root], targets);
    const selection = await analyzer.selectRules(SELECTORS, { workspace });
    const results = await analyzer.run(selection, { workspace });

    const problems = errors.map((message) => ({ file: ctx.tree.root, message: `code analyzer error: ${message}` }));
    let advisory = 0;
    for (const violation of results.getViolations()) {
      const rule = violation.getRule();
      const severity = rule.getSeverityLevel();
      const location = violation.getPrimaryLocation();
      const entry = {
        file: location.getFile() ?? ctx.tree.root,
        line: location.getStartLine(),
        message: `${rule.getEngineName()}:${rule.getName()} (severity ${severity}) ${violation.getMessage().trim()}`
      };
      if (severity <= FAIL_AT_OR_ABOVE) problems.push(entry);
      else {
        advisory += 1;
        if (ctx.verbose) ctx.log(`  advisory ${entry.file}:${entry.line ?? ''} ${entry.message}`);
      }
    }
    notes.push(`${targets.length} Apex files, ${selection.getCount()} rules`);
    if (advisory)
      notes.push(`${advisory} advisory findings (severity 3-5${ctx.verbose ? '' : '; --verbose lists them'})`);
    return { problems, notes };
  } finally {
    rmSync(logFolder, { recursive: true, force: true });
  }
}
