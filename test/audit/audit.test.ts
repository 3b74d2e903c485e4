import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AuditResult } from '../../src/audit/run-audit.js';
import { mergePatch } from '../../src/config/merge-patch.js';
import { defaultConfigDir } from '../../src/core/paths.js';
import { readJsonl } from '../../src/telemetry/jsonl-reader.js';
import { LineageRecord } from '../../src/telemetry/records/lineage.js';
import { runCli } from '../support/cli.js';
import { configCopy, tempDir } from '../support/config-copy.js';

const gitIn = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-C', cwd, '-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { encoding: 'utf8' });

function patchFile(file: string, patch: unknown): void {
  writeFileSync(file, JSON.stringify(mergePatch(JSON.parse(readFileSync(file, 'utf8')), patch), null, 2));
}

describe('hedge audit', () => {
  it('passes on the shipped config and every profile', () => {
    const state = tempDir();
    const r = runCli(['audit', '--state-dir', state.dir, '--json']);
    expect(r.code, r.stdout).toBe(0);
    const result = JSON.parse(r.stdout) as AuditResult;
    expect(result.audited.map((a) => [a.profile, a.valid])).toEqual([['base', true], ['canary', true]]);
    expect(result.counts.error).toBe(0);
    expect(result.jsonSchemas).toBe(path.join(defaultConfigDir, 'schema'));
    state.cleanup();
  });

  it('appends each fingerprint to the lineage log with the git commit of the config', () => {
    const repo = tempDir('hedge-repo-');
    const state = tempDir();
    cpSync(defaultConfigDir, path.join(repo.dir, 'config'), { recursive: true });
    gitIn(repo.dir, 'init', '-q');
    gitIn(repo.dir, 'add', '.');
    gitIn(repo.dir, 'commit', '-qm', 'config');
    const head = gitIn(repo.dir, 'rev-parse', 'HEAD').trim();
    const r = runCli(['audit', '--config-dir', path.join(repo.dir, 'config'), '--state-dir', state.dir, '--json']);
    const result = JSON.parse(r.stdout) as AuditResult;
    const lineage = readJsonl(path.join(state.dir, 'logs', 'config_lineage.jsonl'), LineageRecord);
    expect(lineage.badLines).toEqual([]);
    expect(lineage.records.map((l) => [l.profile, l.fingerprint, l.git_commit, l.git_dirty, l.audit_ok])).toEqual([
      [null, result.audited[0]?.fingerprint, head, false, true],
      ['canary', result.audited[1]?.fingerprint, head, false, true],
    ]);
    runCli(['audit', '--config-dir', path.join(repo.dir, 'config'), '--state-dir', state.dir]);
    expect(readJsonl(path.join(state.dir, 'logs', 'config_lineage.jsonl')).records).toHaveLength(4);
    repo.cleanup();
    state.cleanup();
  });

  it('flags risk increases against a git baseline and fails on high severity', () => {
    const repo = tempDir('hedge-repo-');
    const config = path.join(repo.dir, 'deploy', 'config');
    cpSync(defaultConfigDir, config, { recursive: true });
    gitIn(repo.dir, 'init', '-q');
    gitIn(repo.dir, 'add', '.');
    gitIn(repo.dir, 'commit', '-qm', 'baseline');
    patchFile(path.join(config, 'risk_limits.json'), { global: { max_leverage: 5, daily_loss_limit_pct: 2 }, per_strategy: { 'momentum-1h': { max_leverage: 3 } } });
    patchFile(path.join(config, 'strategy_config.json'), { strategies: { 'momentum-1h': { leverage: 3 } } });
    patchFile(path.join(config, 'strategy_registry.json'), { strategies: { 'smart-money-1h': { enabled: true, stage: 'paper' } } });

    const r = runCli(['audit', '--config-dir', config, '--baseline', 'HEAD', '--no-lineage', '--only-profile', 'canary', '--json']);
    expect(r.code).toBe(3);
    const result = JSON.parse(r.stdout) as AuditResult;
    // enabling smart-money in the base enables it in the canary profile too, whose limits cannot hold it
    const errors = result.findings.filter((f) => f.severity === 'error');
    expect(errors.length).toBe(4);
    expect(errors.every((f) => f.profile === 'canary' && f.code === 'cap_above_global' && f.path.startsWith('$.strategies["smart-money-1h"]'))).toBe(true);
    const base = result.diff?.find((d) => d.profile === 'base');
    const byPath = new Map(base?.changes.map((c) => [c.path, c]));
    expect(byPath.get('risk_limits.global.max_leverage')).toMatchObject({ before: 3, after: 5, risk: 'increase', severity: 'high' });
    expect(byPath.get('strategy_config.strategies.momentum-1h.leverage')).toMatchObject({ risk: 'increase', severity: 'high' });
    expect(byPath.get('risk_limits.global.daily_loss_limit_pct')).toMatchObject({ before: 3, after: 2, risk: 'decrease' });
    expect(byPath.get('strategy_registry.strategies.smart-money-1h.enabled')).toMatchObject({ risk: 'increase', severity: 'medium' });
    // the canary profile pins leverage at 1, so the same change does not raise its risk
    const canary = result.diff?.find((d) => d.profile === 'canary');
    expect(canary?.changes.some((c) => c.path === 'risk_limits.global.max_leverage')).toBe(false);

    // with smart-money left as it was, only the leverage increases remain
    patchFile(path.join(config, 'strategy_registry.json'), { strategies: { 'smart-money-1h': { enabled: false, stage: 'research' } } });
    const human = runCli(['audit', '--config-dir', config, '--baseline', 'HEAD', '--no-lineage']);
    expect(human.code).toBe(3);
    expect(human.stdout).toMatch(/HIGH\s+↑ risk risk_limits\.global\.max_leverage: 3 → 5 \(leverage raised\)/);
    expect(runCli(['audit', '--config-dir', config, '--baseline', 'HEAD', '--no-lineage', '--fail-on-risk', 'none']).code).toBe(0);
    repo.cleanup();
  });

  it('flags production writes enabled against a folder baseline', () => {
    const copy = configCopy([
      { file: 'venues.json', patch: { accounts: { 'binance-main': { trading: 'live', strategies: ['momentum-1h'] } } } },
      { file: 'strategy_registry.json', patch: { strategies: { 'momentum-1h': { stage: 'live' } } } },
    ]);
    const r = runCli(['audit', '--config-dir', copy.dir, '--baseline', defaultConfigDir, '--no-lineage', '--json']);
    expect(r.code).toBe(3);
    const changes = (JSON.parse(r.stdout) as AuditResult).diff?.[0]?.changes ?? [];
    expect(changes.find((c) => c.path === 'venues.accounts.binance-main.trading')).toMatchObject({ after: 'live', severity: 'high', note: 'production writes enabled for an account' });
    expect(changes.find((c) => c.path === 'strategy_registry.strategies.momentum-1h.stage')).toMatchObject({ severity: 'high' });
    copy.cleanup();
  });

  it('reads an inserted symbol as one addition, not a shift of every index', () => {
    const copy = configCopy([{ file: 'strategy_config.json', replace: ['"universe": ["BTCUSDT",', '"universe": ["AVAXUSDT", "BTCUSDT",'] }]);
    const r = runCli(['audit', '--config-dir', copy.dir, '--baseline', defaultConfigDir, '--no-lineage', '--only-profile', 'canary', '--json']);
    const result = JSON.parse(r.stdout) as AuditResult;
    const base = result.diff?.find((d) => d.profile === 'base');
    expect(base?.changes.map((c) => c.path)).toEqual(['strategy_config.universe["AVAXUSDT"]']);
    expect(base?.changes[0]).toMatchObject({ risk: 'increase', severity: 'medium' });
    // AVAXUSDT is a real perpetual, but hedge has no bundled history for it
    expect(result.findings.find((f) => f.code === 'no_bundled_history')).toMatchObject({ severity: 'info', path: '$.universe[0]' });
    expect(r.code).toBe(0);
    copy.cleanup();
  });

  it('says which baseline is neither a folder nor a git ref', () => {
    const r = runCli(['audit', '--baseline', 'no-such-ref-or-dir', '--no-lineage']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('neither a directory nor a git ref');
  });

  it('reports a stale JSON Schema file', () => {
    const copy = configCopy([{ file: 'schema/sync.schema.json', patch: { title: 'edited by hand' } }]);
    const r = runCli(['audit', '--config-dir', copy.dir, '--no-lineage', '--json']);
    expect(r.code).toBe(3);
    expect((JSON.parse(r.stdout) as AuditResult).findings[0]).toMatchObject({ code: 'schema_file_stale', severity: 'error' });
    copy.cleanup();
  });
});
