import { describe, expect, it } from 'vitest';
import { runCli, runCliAsync } from '../support/cli.js';

const SIX = ['executor', 'screener', 'sync', 'dashboard-export', 'backtest', 'audit'];

describe('hedge CLI', () => {
  it('lists the six commands in --help', () => {
    const r = runCli(['--help']);
    expect(r.code).toBe(0);
    for (const c of SIX) expect(r.stdout).toMatch(new RegExp(`^\\s+${c}\\s`, 'm'));
  });

  it.concurrent.each(SIX)('%s --help has a summary, flags, the common flags and examples', async (c) => {
    const r = await runCliAsync([c, '--help']);
    expect(r.code).toBe(0);
    for (const section of ['USAGE', 'FLAGS', 'COMMON FLAGS', 'DESCRIPTION', 'EXAMPLES']) expect(r.stdout).toContain(section);
    for (const flag of ['--config-dir', '--state-dir', '--json', '--log-level', '--profile']) expect(r.stdout).toContain(flag);
  });

  it('prints a typed error as JSON with --json', () => {
    const r = runCli(['backtest', '--strategy', 'no-such-strategy', '--json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { code: 'BAD_INPUT', exitCode: 2, retryable: false } });
  });

  it('exits 2 on a bad flag', () => {
    expect(runCli(['audit', '--no-such-flag']).code).toBe(2);
    expect(runCli(['audit', '--fail-on-risk', 'extreme']).code).toBe(2);
  });

  it('exits 2 on a bad environment before doing anything', () => {
    const r = runCli(['config', 'show'], { ENV: 'production' });
    expect(r.code).toBe(0); // config show does not read ENV
    const a = runCli(['audit', '--no-lineage'], { ENV: 'production' });
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('ENV must be one of dev, testnet, prod');
  });

  it('shows the effective config of a profile with its fingerprint', () => {
    const r = runCli(['config', 'show', '--profile', 'canary', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { fingerprint: string; profile: string; config: { risk_limits: { global: { max_leverage: number } } } };
    expect(out.profile).toBe('canary');
    expect(out.config.risk_limits.global.max_leverage).toBe(1);
    expect(out.fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('the command log', () => {
  it('writes pino JSON to <state-dir>/logs/hedge.log with catalogue events only', async () => {
    const { tempDir } = await import('../support/config-copy.js');
    const { LogEvents } = await import('../../src/telemetry/events.js');
    const { readFileSync } = await import('node:fs');
    const state = tempDir();
    runCli(['audit', '--state-dir', state.dir]);
    runCli(['executor', '--state-dir', state.dir]);
    const lines = readFileSync(`${state.dir}/logs/hedge.log`, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { msg: string; event: string });
    expect(lines.map((l) => l.event)).toEqual(['cli.started', 'audit.finished', 'cli.started', 'cli.failed']);
    for (const l of lines) expect(Object.keys(LogEvents)).toContain(l.msg);
    state.cleanup();
  });
});
