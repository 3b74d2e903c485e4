import type { ConfigIssue } from '../core/errors.js';

/** How bad a finding is. `error` fails the audit (exit 3). */
export type Severity = 'error' | 'warning' | 'info';

/** One thing the audit found, located like a config issue. */
export interface Finding extends ConfigIssue {
  readonly severity: Severity;
  /** Stable, machine-readable kind, e.g. `schema`, `unknown_symbol`, `leverage_above_bracket`. */
  readonly code: string;
  /** `base`, or the profile the finding is about. */
  readonly profile: string;
}

/** A finding from a located config issue. */
export function findingOf(issue: ConfigIssue, code: string, profile: string, severity: Severity = 'error'): Finding {
  return { severity, code, profile, ...issue };
}
