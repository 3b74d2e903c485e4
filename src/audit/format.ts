import { formatConfigIssue } from '../core/errors.js';
import type { AuditResult } from './run-audit.js';

const show = (v: unknown) => (v === undefined ? '∅' : JSON.stringify(v));

/** The audit result as text for people. */
export function formatAudit(r: AuditResult): string {
  const lines: string[] = [];
  lines.push(`hedge audit of ${r.configDir} (JSON Schemas: ${r.jsonSchemas})`);
  for (const a of r.audited)
    lines.push(`  ${a.profile.padEnd(10)} ${a.valid ? `valid    fingerprint ${a.fingerprint ?? ''}` : 'INVALID'}`);
  lines.push(`findings: ${r.counts.error} error(s), ${r.counts.warning} warning(s), ${r.counts.info} info`);
  const order = { error: 0, warning: 1, info: 2 } as const;
  for (const f of [...r.findings].sort((a, b) => order[a.severity] - order[b.severity]))
    lines.push(`  ${f.severity.padEnd(7)} [${f.code}] ${f.profile === 'base' ? '' : `(${f.profile}) `}${formatConfigIssue(f)}`);
  for (const d of r.diff ?? []) {
    const up = d.changes.filter((c) => c.risk === 'increase').length;
    lines.push(`diff of ${d.profile} against ${d.baseline}: ${d.changes.length} change(s), ${up} risk increase(s)`);
    for (const c of d.changes) {
      const arrow = c.risk === 'increase' ? '↑ risk' : c.risk === 'decrease' ? '↓ risk' : '  —   ';
      lines.push(`  ${c.severity.toUpperCase().padEnd(6)} ${arrow} ${c.path}: ${show(c.before)} → ${show(c.after)} (${c.note})`);
    }
  }
  if (r.lineage !== null) lines.push(`lineage: appended ${r.lineage.appended} record(s) to ${r.lineage.file}`);
  lines.push(
    r.ok
      ? 'audit passed'
      : `audit FAILED: ${r.counts.error} error(s)${r.counts.failingRiskIncreases > 0 ? `, ${r.counts.failingRiskIncreases} risk increase(s) at or above the --fail-on-risk level` : ''}`,
  );
  return lines.join('\n');
}
