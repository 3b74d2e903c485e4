import { Flags } from '@oclif/core';
import { BaseCommand } from './base-command.js';

export default class Audit extends BaseCommand<typeof Audit> {
  static override summary = 'Check the config before it reaches money: schemas, cross-file rules, risky diffs, fingerprint.';
  static override description = `Validates every config file twice (zod, and ajv against config/schema/*.schema.json; the two must agree),
checks cross-file consistency (strategies resolve to plugins, symbols exist on the venue, per-strategy caps within global caps,
leverage within the venue's brackets, order rates under the venue's limits, entries above the venue's minimum notional), audits
the base config and every profile, diffs the effective config against --baseline (a git ref or a folder) flagging risk increases,
and appends the SHA-256 fingerprint of each effective config to logs/config_lineage.jsonl with the time and git commit.

Exit codes: 0 passed, 2 bad flags, 3 the audit found errors or risk increases at or above --fail-on-risk.`;
  static override examples = [
    { description: 'Audit the shipped config and every profile', command: '<%= config.bin %> <%= command.id %>' },
    { description: 'What CI runs on a pull request: fail on high-severity risk increases against main', command: '<%= config.bin %> <%= command.id %> --baseline origin/main --json' },
    { description: 'Only the canary profile, any risk increase fails', command: '<%= config.bin %> <%= command.id %> --only-profile canary --baseline HEAD~1 --fail-on-risk low' },
  ];
  static override flags = {
    baseline: Flags.string({ summary: 'Git ref or folder of a baseline config to diff against.' }),
    'fail-on-risk': Flags.option({ options: ['high', 'medium', 'low', 'none'] as const, default: 'high', summary: 'Risk increases at or above this severity fail the audit.' })(),
    'only-profile': Flags.string({ summary: 'Audit the base and only these profiles (repeatable); default: every profile.', multiple: true }),
    'no-lineage': Flags.boolean({ summary: 'Do not append fingerprints to the lineage log.', default: false }),
  };

  async run(): Promise<unknown> {
    const [{ runAudit }, { formatAudit }, { readRuntimeEnv }, { systemClock }, path] = await Promise.all([
      import('../src/audit/run-audit.js'),
      import('../src/audit/format.js'),
      import('../src/config/env.js'),
      import('../src/core/clock.js'),
      import('node:path'),
    ]);
    const result = runAudit({
      configDir: path.resolve(this.flags['config-dir']),
      stateDir: path.resolve(this.flags['state-dir']),
      profiles: this.flags['only-profile'] ?? (this.flags.profile === undefined ? undefined : [this.flags.profile]),
      baseline: this.flags.baseline,
      failOnRisk: this.flags['fail-on-risk'],
      writeLineage: !this.flags['no-lineage'],
      env: readRuntimeEnv(),
      clock: systemClock,
    });
    (await this.logger()).info('audit.finished', {
      ok: result.ok,
      counts: result.counts,
      fingerprints: Object.fromEntries(result.audited.map((a) => [a.profile, a.fingerprint])),
    });
    if (!result.ok) {
      if (this.jsonEnabled()) this.logJson(result);
      else this.log(formatAudit(result));
      this.exit(3);
    }
    if (!this.jsonEnabled()) this.log(formatAudit(result));
    return result;
  }
}
