import path from 'node:path';
import type { Clock } from '../core/clock.js';
import { ConfigError } from '../core/errors.js';
import type { RuntimeEnv } from '../config/env.js';
import { fingerprintOf, listProfiles, loadConfig, readConfigSources, validateConfigSources, type LoadedConfig } from '../config/load.js';
import { loadBundledInstruments } from '../market/instrument-provider.js';
import { statePaths } from '../telemetry/state-paths.js';
import { resolveBaseline } from './baseline.js';
import { checkConsistency, checkUniverse } from './consistency.js';
import type { Finding } from './finding.js';
import { findingOf } from './finding.js';
import { appendLineage } from './lineage.js';
import { diffConfigs, type ConfigChange, type DiffSeverity } from './risk-diff.js';
import { checkSchemas, loadJsonSchemas } from './schema-check.js';

/** What `hedge audit` is asked to do. */
export interface AuditOptions {
  readonly configDir: string;
  readonly stateDir: string;
  /** Profiles to audit besides the base; `undefined` audits every profile in `config/profiles/`. */
  readonly profiles?: readonly string[] | undefined;
  /** A directory or git ref to diff the effective config against. */
  readonly baseline?: string | undefined;
  /** Risk increases at or above this severity fail the audit; `none` only reports them. */
  readonly failOnRisk: DiffSeverity | 'none';
  /** Append each valid effective config's fingerprint to the lineage log. */
  readonly writeLineage: boolean;
  readonly env: RuntimeEnv;
  readonly clock: Clock;
}

/** One audited effective config (the base, or the base with a profile). */
export interface AuditedConfig {
  readonly profile: string;
  readonly valid: boolean;
  readonly fingerprint: string | null;
}

/** The typed result of `hedge audit`; `--json` prints it as is. */
export interface AuditResult {
  readonly ok: boolean;
  readonly configDir: string;
  readonly jsonSchemas: string;
  readonly audited: AuditedConfig[];
  readonly findings: Finding[];
  readonly counts: { readonly error: number; readonly warning: number; readonly info: number; readonly riskIncreases: number; readonly failingRiskIncreases: number };
  readonly diff: { readonly baseline: string; readonly profile: string; readonly changes: ConfigChange[] }[] | null;
  readonly lineage: { readonly file: string; readonly appended: number } | null;
}

const findingKey = (f: Finding) => `${f.code}|${f.file}|${f.path}|${f.expected}|${f.found}`;

const SEVERITY_RANK: Record<DiffSeverity, number> = { low: 1, medium: 2, high: 3 };

/** Runs every audit check and returns the result; it never throws for a bad config, it reports it. */
export function runAudit(options: AuditOptions): AuditResult {
  const profiles = ['base', ...(options.profiles ?? listProfiles(options.configDir))];
  const schemas = loadJsonSchemas(options.configDir);
  const instruments = loadBundledInstruments();
  const findings: Finding[] = [...schemas.findings];
  const audited: AuditedConfig[] = [];
  const loaded = new Map<string, LoadedConfig>();

  for (const profile of profiles) {
    const read = readConfigSources({ configDir: options.configDir, profile: profile === 'base' ? undefined : profile });
    // a profile repeats what is wrong with the base; say it once
    const seen = new Set(findings.filter((x) => x.profile === 'base').map(findingKey));
    findings.push(...checkSchemas(read, schemas, profile).filter((x) => profile === 'base' || !seen.has(findingKey(x))));
    const { config } = validateConfigSources(read);
    if (config === undefined) {
      const universe = (read.sources.strategy_config?.value as { universe?: unknown } | undefined)?.universe;
      if (Array.isArray(universe)) findings.push(...checkUniverse(universe, read, instruments, profile).filter((x) => profile === 'base' || !seen.has(findingKey(x))));
      audited.push({ profile, valid: false, fingerprint: null });
      continue;
    }
    findings.push(...checkConsistency(config, read, instruments, profile).filter((x) => profile === 'base' || !seen.has(findingKey(x))));
    const fingerprint = fingerprintOf(config);
    audited.push({ profile, valid: true, fingerprint });
    loaded.set(profile, { configDir: options.configDir, profile: profile === 'base' ? null : profile, config, fingerprint, fileHashes: read.fileHashes });
  }

  let diff: AuditResult['diff'] = null;
  if (options.baseline !== undefined) {
    diff = [];
    const base = resolveBaseline(options.baseline, options.configDir);
    try {
      for (const [profile, current] of loaded) {
        const baselineProfile = profile === 'base' || !listProfiles(base.dir).includes(profile) ? undefined : profile;
        try {
          const before = loadConfig({ configDir: base.dir, profile: baselineProfile });
          diff.push({ baseline: base.label, profile, changes: diffConfigs(before.config, current.config) });
        } catch (err) {
          if (!(err instanceof ConfigError)) throw err;
          for (const issue of err.issues)
            findings.push(findingOf({ ...issue, file: `${base.label}:${path.relative(base.dir, issue.file)}` }, 'baseline_invalid', profile, 'warning'));
        }
      }
    } finally {
      base.cleanup();
    }
  }

  const changes = (diff ?? []).flatMap((d) => d.changes).filter((c) => c.risk === 'increase');
  const failing = options.failOnRisk === 'none' ? [] : changes.filter((c) => SEVERITY_RANK[c.severity] >= SEVERITY_RANK[options.failOnRisk as DiffSeverity]);
  const count = (s: Finding['severity']) => findings.filter((f) => f.severity === s).length;
  const ok = count('error') === 0 && failing.length === 0;

  let lineage: AuditResult['lineage'] = null;
  if (options.writeLineage && loaded.size > 0) {
    const file = statePaths(options.stateDir).lineage;
    for (const l of loaded.values()) appendLineage(file, l, { by: 'audit', env: options.env.env, clock: options.clock, auditOk: ok });
    lineage = { file, appended: loaded.size };
  }

  return {
    ok,
    configDir: options.configDir,
    jsonSchemas: schemas.origin,
    audited,
    findings,
    counts: { error: count('error'), warning: count('warning'), info: count('info'), riskIncreases: changes.length, failingRiskIncreases: failing.length },
    diff,
    lineage,
  };
}
