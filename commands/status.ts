import { Flags } from '@oclif/core';
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
  };

  async run(): Promise<unknown> {
    const [{ readStatus }, { systemClock }, path] = await Promise.all([import('../src/sync/status.js'), import('../src/core/clock.js'), import('node:path')]);
    const stateDir = path.resolve(this.flags['state-dir']);
    const accounts = readStatus(stateDir, systemClock.nowMs(), { executorS: this.flags['max-executor-age'], syncS: this.flags['max-sync-age'], navS: this.flags['max-nav-age'] });
    const ok = accounts.length > 0 && accounts.every((a) => a.problems.length === 0);
    if (!this.jsonEnabled()) {
      if (accounts.length === 0) this.log(`no telemetry in ${stateDir}`);
      for (const a of accounts) {
        const s = (x: number | undefined) => (x === undefined ? '–' : `${x.toFixed(0)} s ago`);
        this.log(`account ${a.account}`);
        this.log(`  executor   ${a.executor === null ? 'no heartbeat' : `${a.executor.status}, cycle ${a.executor.cycle}, beat ${s(a.executor.ageS)}${a.executor.lastError === null ? '' : `, last error: ${a.executor.lastError}`}`}`);
        this.log(`  sync       ${a.sync === null ? 'no heartbeat' : `${a.sync.status}, beat ${s(a.sync.ageS)}, lag ${a.sync.lagMs ?? '–'} ms`}`);
        this.log(`  NAV        ${a.nav === null ? '–' : `${a.nav.usd.toFixed(2)} USD, ${s(a.nav.ageS)}`} · ${a.positions} open position(s)`);
        this.log(`  router     ${Object.keys(a.router.notGood).length === 0 ? 'all good' : Object.entries(a.router.notGood).map(([k, v]) => `${k} ${v}`).join(', ')} · offsets ${Object.entries(a.router.offsetsBps).map(([k, v]) => `${k} ${v}`).join(', ') || '–'} bps`);
        this.log(`  vetoes 24h ${Object.entries(a.recentVetoes).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}`);
        for (const p of a.problems) this.log(`  STALE/FAIL ${p}`);
      }
    }
    if (!ok) {
      if (this.jsonEnabled()) this.logJson({ ok, accounts });
      this.exit(3);
    }
    return { ok, accounts };
  }
}
