import { Flags } from '@oclif/core';
import type { AccountFold } from '../src/dashboard/model.js';
import { BaseCommand } from './base-command.js';

export default class DashboardExport extends BaseCommand<typeof DashboardExport> {
  static override summary = 'Fold telemetry into a self-contained dashboard bundle (index.html and its data), and serve it.';
  static override description = `Writes <out>/index.html (one self-contained page: styles, TradingView's lightweight-charts and the data inlined; it works
from file:// with no network) and <out>/data.json from the telemetry of --state-dir (and its accounts/<id>/): NAV and equity curve,
positions, router health, the veto stream (filterable by reason, strategy, symbol), order counts, service heartbeats.
Re-run, it rewrites nothing unless telemetry changed. --watch re-exports when it does (and every 15 s); --serve also serves the
bundle read-only on dashboard.json host:port (127.0.0.1 by default; any other address needs the token named by token_env),
and the served page refreshes itself; with guardian.json metrics.enabled it also answers /metrics (Prometheus text: NAV, PnL,
drawdown, vetoes by code, order events and latency, guard triggers, router states and offsets, heartbeat ages, sync lag).
SIGINT/SIGTERM stop it cleanly.`;
  static override examples = [
    { description: 'Export the current state', command: '<%= config.bin %> <%= command.id %> --out research/dashboard' },
    { description: 'The dashboard service (what PM2 runs as hedge-dashboard)', command: '<%= config.bin %> <%= command.id %> --watch --serve' },
  ];
  static override flags = {
    out: Flags.string({ summary: 'Output folder (default: dashboard.json out_dir, under the state dir).' }),
    watch: Flags.boolean({ summary: 'Re-export when telemetry changes, until stopped.' }),
    serve: Flags.boolean({ summary: 'Serve the bundle on dashboard.json host and port while watching.', dependsOn: ['watch'] }),
    port: Flags.integer({ summary: 'Port to serve on (default: dashboard.json port; 0 picks a free one).', min: 0, max: 65_535 }),
    fleet: Flags.string({ summary: 'Every node synced to a sink, blended into one fund: "sink" (sync.json\'s), dir:<path> or s3://bucket/prefix.' }),
  };

  async run(): Promise<unknown> {
    const [{ exportDashboard, exportFleetDashboard, watchAndExport }, { serveDashboard }, { loadConfig }, { systemClock, sleepUnlessStopped }, { readSecret }, path] = await Promise.all([
      import('../src/dashboard/export.js'), import('../src/dashboard/server.js'), import('../src/config/load.js'), import('../src/core/clock.js'), import('../src/config/env.js'), import('node:path'),
    ]);
    const stateDir = path.resolve(this.flags['state-dir']);
    const config = loadConfig({ configDir: path.resolve(this.flags['config-dir']), profile: this.flags.profile }).config;
    const cfg = config.dashboard;
    const out = path.resolve(stateDir, this.flags.out ?? cfg.out_dir);
    const g = config.risk_limits.global;
    const page = { title: cfg.title, refreshS: cfg.refresh_s, limits: { max_gross_exposure_pct: g.max_gross_exposure_pct, max_net_exposure_pct: g.max_net_exposure_pct, daily_loss_limit_pct: g.daily_loss_limit_pct, max_drawdown_pct: g.max_drawdown_pct } };
    const fleet = this.flags.fleet === undefined ? undefined : this.flags.fleet === 'sink' ? config.sync.sink : (await import('../src/sync/run-sync.js')).parseSinkFlag(this.flags.fleet);
    // each account's streams as folded so far, for the exports of --watch to read only what is appended
    const folds = new Map<string, AccountFold>();
    const once = async () => (fleet === undefined ? exportDashboard(stateDir, out, systemClock, page, folds) : exportFleetDashboard(fleet, { cacheDir: path.join(stateDir, 'cache', 'fleet'), baseDir: stateDir, folds }, out, systemClock, page));
    const first = await once();
    if (!this.flags.watch) {
      if (!this.jsonEnabled()) this.log(`${first.written ? 'exported' : 'unchanged'}: ${path.join(out, 'index.html')} (${first.accounts} account(s), ${first.ms} ms)`);
      return first;
    }
    const log = await this.logger();
    const token = cfg.token_env === undefined ? undefined : readSecret(cfg.token_env);
    const metrics = this.flags.serve && config.guardian.metrics.enabled ? new (await import('../src/dashboard/metrics.js')).TelemetryMetrics(stateDir, systemClock) : undefined;
    const served = this.flags.serve ? await serveDashboard(out, cfg.host, this.flags.port ?? cfg.port, token, metrics) : undefined;
    log.info('dashboard.started', { out, url: served?.url ?? null });
    if (!this.jsonEnabled()) this.logToStderr(`hedge dashboard-export: watching ${stateDir}${served === undefined ? '' : `, serving ${served.url}`}`);
    let exports = 1;
    await this.withStopSignal('dashboard.stopping', 'stopping', async (stop) => {
      if (fleet === undefined)
        return watchAndExport(stateDir, out, systemClock, page, (r) => {
          if (r.written) exports++;
        }, stop, folds);
      // a fleet is remote: read again every refresh_s (what is new only)
      while (!(await sleepUnlessStopped(systemClock, Math.max(5, cfg.refresh_s) * 1000, stop))) {
        try {
          if ((await once()).written) exports++;
        } catch (err) {
          log.warn('dashboard.export_failed', { error: (err as Error).message });
        }
      }
    });
    if (served !== undefined) await new Promise<void>((resolve) => served.server.close(() => resolve()));
    log.info('dashboard.finished', { exports });
    return { out, exports, url: served?.url ?? null };
  }
}
