import { Flags } from '@oclif/core';
import { BaseCommand } from './base-command.js';

export default class Executor extends BaseCommand<typeof Executor> {
  static override summary = 'Run the trading cycle: signals → intents → risk → sizing → router → venue → telemetry.';
  static override description = `DRY-RUN on the paper venue by default. PRODUCTION only with ENV=prod (or testnet) and ALLOW_PROD_WRITE=1
and an account whose trading mode is "live".
--replay --from --to runs the cycle over cached history on the paper venue, as fast as it goes, writing every telemetry file
(orders.jsonl, risk_vetoes.jsonl, nav.jsonl, positions.json, heartbeat, risk state) under --state-dir.
--once and --loop run live cycles on the venue's clock with Binance market data and the order router (maker limits with TTL
cancel/replace and taker fallback). Before any order they reconcile with the venue and refuse to trade while the venue and
hedge's books disagree (--adopt takes the venue's state as it is). A loop cycles every --interval seconds until SIGINT/SIGTERM.`;
  static override examples = [
    { description: 'Dry-run replay of a month of bundled history', command: 'ENV=dev <%= config.bin %> <%= command.id %> --replay --from 2024-01-01 --to 2024-02-01' },
    { description: 'One cycle, then exit', command: '<%= config.bin %> <%= command.id %> --once' },
    { description: 'Run until stopped (what PM2 runs as hedge-executor)', command: '<%= config.bin %> <%= command.id %> --loop' },
  ];
  static override flags = {
    once: Flags.boolean({ summary: 'Run one cycle and exit.', exclusive: ['loop', 'replay'] }),
    loop: Flags.boolean({ summary: 'Run cycles until stopped (SIGINT finishes the cycle and flushes telemetry).', exclusive: ['once', 'replay'] }),
    replay: Flags.boolean({ summary: 'Dry-run over bundled history as fast as it goes.', exclusive: ['once', 'loop'] }),
    from: Flags.string({ summary: 'Replay start (ISO date, UTC).', dependsOn: ['replay'] }),
    to: Flags.string({ summary: 'Replay end (ISO date, UTC).', dependsOn: ['replay'] }),
    account: Flags.string({ summary: 'Account of venues.json to run (default: default_account).' }),
    interval: Flags.integer({ summary: 'Seconds between live cycles in --loop.', default: 60, min: 1, max: 3_600 }),
    adopt: Flags.boolean({ summary: "Take the venue's positions and open orders as they are when they disagree with hedge's books (live cycles)." }),
  };

  async run(): Promise<unknown> {
    if (!this.flags.replay && !this.flags.once && !this.flags.loop) throw new (await import('../src/core/errors.js')).UsageError('say how to run: --once, --loop, or --replay --from <date> --to <date>');
    return this.flags.replay ? this.replay() : this.live();
  }

  private async live(): Promise<unknown> {
    const [{ runLive }, { loadConfig }, { appendLineage }, { readRuntimeEnv }, { systemClock }, { statePaths }, path] = await Promise.all([
      import('../src/kernel/live.js'), import('../src/config/load.js'), import('../src/audit/lineage.js'), import('../src/config/env.js'),
      import('../src/core/clock.js'), import('../src/telemetry/state-paths.js'), import('node:path'),
    ]);
    const runtime = readRuntimeEnv();
    const stateDir = path.resolve(this.flags['state-dir']);
    const configOptions = { configDir: path.resolve(this.flags['config-dir']), profile: this.flags.profile };
    const loaded = loadConfig(configOptions);
    appendLineage(statePaths(stateDir).lineage, loaded, { by: 'executor', env: runtime.env, clock: systemClock, auditOk: null });
    const log = await this.logger();
    const summary = await this.withStopSignal('executor.stopping', 'finishing the cycle, then stopping', (stop) =>
      runLive({
        loaded, configOptions, stateDir, runtime, account: this.flags.account, once: this.flags.once, intervalS: this.flags.interval, adopt: this.flags.adopt, log, stop,
        onMode: (m) => {
          log.info('executor.started', { mode: m.mode, why: m.why, account: m.account, endpoint: m.endpoint, config_fingerprint: loaded.fingerprint });
          if (m.mode === 'PRODUCTION') {
            this.logToStderr('='.repeat(78));
            this.logToStderr(`hedge executor: PRODUCTION — REAL ORDERS on account ${m.account} at ${m.endpoint}`);
            this.logToStderr(`  because ${m.why}`);
            this.logToStderr('='.repeat(78));
          } else if (!this.jsonEnabled()) this.logToStderr(`hedge executor: DRY-RUN on the paper venue (${m.why}); market data from ${m.endpoint}; no order leaves this machine`);
        },
      }),
    );
    log.info('executor.finished', { stopped: summary.stopped, cycles: summary.cycles, orders: summary.orders, nav_usd: summary.navUsd });
    if (!this.jsonEnabled()) {
      if (summary.stopped) this.log(`stopped after cycle ${summary.cycles}; run the same command again to continue`);
      this.log(`${summary.mode} · ${summary.cycles} cycle(s) · orders submitted ${summary.orders.submitted}, fills ${summary.orders.filled}, rejected ${summary.orders.rejected}, vetoed ${summary.orders.vetoed}`);
      this.log(`NAV ${summary.navUsd.toFixed(2)} USD · open positions: ${summary.positions.map((p) => `${p.symbol} ${p.qty} (${p.strategy})`).join(', ') || 'none'}`);
      for (const [k, f] of Object.entries(summary.files)) this.log(`  ${k.padEnd(12)} ${f}`);
    }
    return summary;
  }

  private async replay(): Promise<unknown> {
    const [{ runReplay }, { loadConfig }, { appendLineage }, { readRuntimeEnv }, { parseIsoMs, systemClock }, { UsageError }, { statePaths }, path] = await Promise.all([
      import('../src/kernel/replay.js'), import('../src/config/load.js'), import('../src/audit/lineage.js'), import('../src/config/env.js'),
      import('../src/core/clock.js'), import('../src/core/errors.js'), import('../src/telemetry/state-paths.js'), import('node:path'),
    ]);
    const fromMs = this.flags.from === undefined ? undefined : parseIsoMs(this.flags.from);
    const toMs = this.flags.to === undefined ? undefined : parseIsoMs(this.flags.to);
    if (fromMs === undefined || toMs === undefined || toMs <= fromMs) throw new UsageError(`--replay needs --from and --to as ISO dates with from < to, were ${this.flags.from ?? '(none)'} and ${this.flags.to ?? '(none)'}`);
    const env = readRuntimeEnv();
    const stateDir = path.resolve(this.flags['state-dir']);
    const loaded = loadConfig({ configDir: path.resolve(this.flags['config-dir']), profile: this.flags.profile });
    appendLineage(statePaths(stateDir).lineage, loaded, { by: 'executor', env: env.env, clock: systemClock, auditOk: null });
    const log = await this.logger();
    log.info('executor.started', { mode: 'DRY-RUN replay', from: this.flags.from, to: this.flags.to, config_fingerprint: loaded.fingerprint });
    if (!this.jsonEnabled()) this.logToStderr(`hedge executor: DRY-RUN replay on the paper venue (${this.flags.from} → ${this.flags.to}); no order leaves this machine`);
    const summary = await this.withStopSignal('executor.stopping', 'finishing the cycle, then stopping', (stop) => runReplay({ loaded, stateDir, fromMs, toMs, env: env.env, account: this.flags.account, stop }));
    log.info('executor.finished', { stopped: summary.stopped, cycles: summary.cycles, orders: summary.orders, nav_end_usd: summary.navEndUsd });
    if (!this.jsonEnabled()) {
      if (summary.stopped) this.log(`stopped after cycle ${summary.cycles}; run the same command again to continue from there`);
      this.log(`${summary.cycles} cycle(s) · orders submitted ${summary.orders.submitted}, fills ${summary.orders.filled}, rejected ${summary.orders.rejected}, vetoed ${summary.orders.vetoed}`);
      this.log(`NAV ${summary.navStartUsd.toFixed(2)} → ${summary.navEndUsd.toFixed(2)} USD · open positions: ${summary.positions.map((p) => `${p.symbol} ${p.qty} (${p.strategy})`).join(', ') || 'none'}`);
      for (const [k, f] of Object.entries(summary.files)) this.log(`  ${k.padEnd(10)} ${f}`);
    }
    return summary;
  }
}
