import { Flags } from '@oclif/core';
import { BaseCommand } from './base-command.js';

export default class Sync extends BaseCommand<typeof Sync> {
  static override summary = 'Mirror telemetry and the config lineage to a directory (or S3), incrementally and resumably.';
  static override description = `Mirrors logs/ (and accounts/<id>/logs/) of --state-dir: JSONL streams by their new whole lines, JSON snapshots
when they change, the config lineage log; not the pino log. Progress is recorded in cache/sync_state_<node>.json after every
confirmed write, so a sync killed at any instant resumes exactly where it stopped: the sink's copy is always a prefix of the
local stream and ends byte-identical. The sink comes from config/sync.json (dir: <path>/<node_id>/ with the same relative paths);
--sink overrides it for one run. Writes logs/heartbeat_sync.json after every pass. SIGINT/SIGTERM finish the pass, then exit 0.`;
  static override examples = [
    { description: 'One incremental pass to a mounted volume', command: '<%= config.bin %> <%= command.id %> --once --sink dir:/mnt/fund-mirror' },
    { description: 'Daemon mode (what PM2 runs as hedge-sync)', command: '<%= config.bin %> <%= command.id %>' },
  ];
  static override flags = {
    once: Flags.boolean({ summary: 'One pass, then exit.' }),
    sink: Flags.string({ summary: 'Override the configured sink for this run: dir:<path> or s3://bucket/prefix.' }),
  };

  async run(): Promise<unknown> {
    const [{ runSync, parseSinkFlag }, { loadConfig }, { systemClock }, path] = await Promise.all([
      import('../src/sync/run-sync.js'), import('../src/config/load.js'), import('../src/core/clock.js'), import('node:path'),
    ]);
    const stateDir = path.resolve(this.flags['state-dir']);
    const loaded = loadConfig({ configDir: path.resolve(this.flags['config-dir']), profile: this.flags.profile });
    const sinkOverride = this.flags.sink === undefined ? undefined : parseSinkFlag(this.flags.sink);
    const log = await this.logger();
    const summary = await this.withStopSignal('sync.stopping', 'finishing the pass, then stopping', (stop) =>
      runSync({ stateDir, config: loaded.config.sync, sinkOverride, once: this.flags.once, clock: systemClock, log, stop }),
    );
    if (!this.jsonEnabled()) this.log(`${summary.passes} pass(es) to ${summary.sink} · ${summary.streamBytes} stream bytes, ${summary.snapshots} snapshot(s)${summary.stopped ? ' · stopped' : ''}`);
    return summary;
  }
}
