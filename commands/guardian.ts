import { Flags } from '@oclif/core';
import { BaseCommand } from './base-command.js';

export default class Guardian extends BaseCommand<typeof Guardian> {
  static override summary = 'Apply the health playbooks of config/guardian.json: alerts, kill switch, PM2 restarts; each action recorded.';
  static override description = `Judges every account of --state-dir by each enabled playbook of config/guardian.json (executor heartbeat stale or
degraded, sync stale, drawdown from the NAV high-water mark, orders the venue rejected in a window). A check that fires makes its
playbook act: an alert to every sink of "alerts" (a JSON Lines file; a webhook for Slack, Discord or a Telegram bot, its URL from
the environment), the account's kill switch, or pm2 restart <app>. A playbook that acted waits cooldown_s before acting again on
the same account and acts at most max_per_hour times an hour; firings held back, and checks that clear, are recorded too, in
logs/guardian_actions.jsonl. Memory across runs: cache/guardian_state.json. --once: one pass (what PM2 cron runs as
hedge-guardian); without it, a pass every interval_s until SIGINT/SIGTERM.`;
  static override examples = [
    { description: 'One pass (PM2 cron)', command: '<%= config.bin %> <%= command.id %> --once' },
    { description: 'Daemon mode', command: '<%= config.bin %> <%= command.id %>' },
  ];
  static override flags = { once: Flags.boolean({ summary: 'One pass, then exit.' }) };

  async run(): Promise<unknown> {
    const [{ runGuardian }, { loadConfig }, { systemClock }, path] = await Promise.all([
      import('../src/guardian/guardian.js'), import('../src/config/load.js'), import('../src/core/clock.js'), import('node:path'),
    ]);
    const configDir = path.resolve(this.flags['config-dir']);
    const loaded = loadConfig({ configDir, profile: this.flags.profile });
    const log = await this.logger();
    const summary = await this.withStopSignal('guardian.stopping', 'finishing the pass, then stopping', (stop) =>
      runGuardian({
        stateDir: path.resolve(this.flags['state-dir']), config: loaded.config, configFile: path.join(configDir, 'guardian.json'), nodeId: loaded.config.sync.node_id, once: this.flags.once, clock: systemClock, log, stop,
      }),
    );
    if (this.flags.once) this.exitWhenDone();
    if (!this.jsonEnabled())
      this.log(`${summary.passes} pass(es) · ${summary.fired} firing(s): ${summary.acted} acted, ${summary.suppressed} held back · ${summary.alertsSent} alert(s) sent${summary.alertFailures > 0 ? `, ${summary.alertFailures} failed` : ''}`);
    return summary;
  }
}
