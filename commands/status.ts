import { Flags } from '@oclif/core';
import type { AccountStatus, StatusThresholds } from '../src/sync/status.js';
import { BaseCommand } from './base-command.js';

export default class Status extends BaseCommand<typeof Status> {
  static override summary = 'Health of the services and accounts of a state dir; exits 3 when anything is stale or failing.';
  static override description = `Reads what the services write (heartbeats, NAV log, positions, router health, vetoes) for every account of
--state-dir and prints executor heartbeat age and state, sync heartbeat age and lag, NAV and its age, open positions, symbols
whose router health is not good with every symbol's limit offset, and the veto reasons of the last 24 h of records. Exit 0
when all is fresh, 3 when something is stale beyond its threshold or a service is degraded (for cron and monitoring).`;
  static override examples = [
    { description: 'A table', command: '<%= config.bin %> <%= command.id %>' },
    { description: 'For a monitor', command: '<%= config.bin %> <%= command.id %> --json --max-executor-age 300' },
  ];
  static override flags = {
    'max-executor-age': Flags.integer({ summary: 'Seconds after which the executor heartbeat is stale.', default: 180, min: 1 }),
    'max-sync-age': Flags.integer({ summary: 'Seconds after which the sync heartbeat is stale.', default: 60, min: 1 }),
    'max-nav-age': Flags.integer({ summary: 'Seconds after which the last NAV record is stale.', default: 7_200, min: 1 }),
    fleet: Flags.string({ summary: 'Every node synced to a sink instead of --state-dir: "sink" (sync.json\'s), dir:<path> or s3://bucket/prefix.' }),
  };

  async run(): Promise<unknown> {
    const [{ readStatus }, { systemClock }, path] = await Promise.all([import('../src/sync/status.js'), import('../src/core/clock.js'), import('node:path')]);
    const stateDir = path.resolve(this.flags['state-dir']);
    const thresholds = { executorS: this.flags['max-executor-age'], syncS: this.flags['max-sync-age'], navS: this.flags['max-nav-age'] };
    const now = systemClock.nowMs();
    if (this.flags.fleet !== undefined) return this.fleet(this.flags.fleet, stateDir, now, thresholds);
    const accounts = readStatus(stateDir, now, thresholds);
    const ok = accounts.length > 0 && accounts.every((a) => a.problems.length === 0);
    if (!this.jsonEnabled()) {
      if (accounts.length === 0) this.log(`no telemetry in ${stateDir}`);
      this.printAccounts(accounts, '');
    }
    if (!ok) {
      if (this.jsonEnabled()) this.logJson({ ok, accounts });
      this.exit(3);
    }
    return { ok, accounts };
  }

  /** --fleet: every node of a sink, each account's health, and the blended fund. */
  private async fleet(spec: string, stateDir: string, now: number, thresholds: StatusThresholds): Promise<unknown> {
    const [{ readFleetStatus }, { parseSinkFlag }, { loadConfig }, path] = await Promise.all([
      import('../src/sync/fleet.js'), import('../src/sync/run-sync.js'), import('../src/config/load.js'), import('node:path'),
    ]);
    const source = spec === 'sink' ? loadConfig({ configDir: path.resolve(this.flags['config-dir']), profile: this.flags.profile }).config.sync.sink : parseSinkFlag(spec);
    const view = await readFleetStatus(source, { cacheDir: path.join(stateDir, 'cache', 'fleet'), nowMs: now, baseDir: stateDir }, thresholds);
    const nodes = view.nodes;
    for (const w of view.warnings) this.warn(w);
    const ok = nodes.length > 0 && nodes.every((n) => n.accounts.length > 0 && n.accounts.every((a) => a.problems.length === 0));
    const b = view.blended;
    const fund = {
      accounts: b.accounts.length, nav_usd: b.navUsd, gross_exposure_usd: b.grossExposureUsd, net_exposure_usd: b.netExposureUsd, drawdown_pct: b.drawdownPct, max_drawdown_pct: b.maxDrawdownPct,
      sharpe: b.rollingSharpe.at(-1)?.[1] ?? null, sharpe_days: b.sharpeDays,
    };
    if (!this.jsonEnabled()) {
      if (nodes.length === 0) this.log(`no node at ${view.source}`);
      for (const n of nodes) {
        this.log(`node ${n.node}`);
        this.printAccounts(n.accounts, '  ');
      }
      this.log(`fund       ${fund.nav_usd === null ? '–' : `${fund.nav_usd.toFixed(2)} USD`} across ${fund.accounts} account(s) · gross ${fund.gross_exposure_usd.toFixed(2)} USD, net ${fund.net_exposure_usd.toFixed(2)} USD · drawdown ${fund.drawdown_pct.toFixed(2)}% (max ${fund.max_drawdown_pct.toFixed(2)}%) · Sharpe ${fund.sharpe_days}d ${fund.sharpe === null ? '–' : fund.sharpe.toFixed(2)}`);
    }
    const result = { ok, source: view.source, nodes, fund, warnings: view.warnings };
    if (!ok) {
      if (this.jsonEnabled()) this.logJson(result);
      this.exit(3);
    }
    return result;
  }

  private printAccounts(accounts: readonly AccountStatus[], indent: string): void {
    for (const a of accounts) {
      const s = (x: number | undefined) => (x === undefined ? '–' : `${x.toFixed(0)} s ago`);
      this.log(`${indent}account ${a.account}`);
      this.log(`${indent}  executor   ${a.executor === null ? 'no heartbeat' : `${a.executor.status}, cycle ${a.executor.cycle}, beat ${s(a.executor.ageS)}${a.executor.lastError === null ? '' : `, last error: ${a.executor.lastError}`}`}`);
      this.log(`${indent}  sync       ${a.sync === null ? 'no heartbeat' : `${a.sync.status}, beat ${s(a.sync.ageS)}, lag ${a.sync.lagMs ?? '–'} ms`}`);
      this.log(`${indent}  NAV        ${a.nav === null ? '–' : `${a.nav.usd.toFixed(2)} USD, ${s(a.nav.ageS)}`} · ${a.positions} open position(s)`);
      this.log(`${indent}  router     ${Object.keys(a.router.notGood).length === 0 ? 'all good' : Object.entries(a.router.notGood).map(([k, v]) => `${k} ${v}`).join(', ')} · offsets ${Object.entries(a.router.offsetsBps).map(([k, v]) => `${k} ${v}`).join(', ') || '–'} bps`);
      this.log(`${indent}  vetoes 24h ${Object.entries(a.recentVetoes).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}`);
      for (const p of a.problems) this.log(`${indent}  STALE/FAIL ${p}`);
    }
  }
}
