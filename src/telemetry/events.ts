/**
 * The closed catalogue of log event names. A log line's message is one of these, never text with
 * data interpolated into it; the data goes in the object beside it.
 */
export const LogEvents = {
  'cli.started': 'a command started',
  'cli.failed': 'a command ended with an error',
  'config.loaded': 'config files validated and frozen',
  'config.rejected': 'a config file failed validation; the last good config stays in force',
  'config.reloaded': 'a changed config was validated and takes effect at the next cycle',
  'env.loaded': 'environment read (.env keys applied, never their values)',
  'audit.finished': 'hedge audit finished',
  'lineage.appended': 'an effective config fingerprint was appended to the lineage log',
  'telemetry.tail_repaired': 'a torn last line of a stream was cut off at open',
  'telemetry.torn_line_skipped': 'a reader skipped a torn last line',
  'data.loaded': 'market data loaded',
  'data.gap_detected': 'missing bars found in market data',
  'screener.finished': 'the universe was screened into intents and vetoes',
  'risk.killed': 'the kill switch was engaged',
  'executor.started': 'the executor started, with its mode',
  'executor.finished': 'the executor finished a run',
  'executor.stopping': 'the executor got SIGINT/SIGTERM: it finishes the cycle, flushes telemetry and exits',
  'executor.cycle': 'a live cycle committed: bars read, fills recorded, decisions made, telemetry written',
  'executor.cycle_failed': 'a live cycle failed; a loop keeps cycling through retryable faults',
  'executor.order_recovered': 'an order journalled before a stop was looked up by its client id at start',
  'executor.reconcile_mismatch': 'the venue and the executor books disagree; nothing is traded until they agree',
  'executor.stop_restored': 'a held position found without its protective stop at start got the stop',
  'executor.adopted': 'the operator took the venue positions and orders as they are (--adopt)',
  'backtest.started': 'a backtest started, with its strategies, range and assumptions',
  'backtest.stopping': 'a backtest got SIGINT/SIGTERM: it stops after the bar it is on and reports what it ran',
  'backtest.finished': 'a backtest finished, with its final equity and where its report went',
  'sync.started': 'the sync daemon (or one pass) started, with its sink',
  'sync.pass': 'a sync pass carried new stream bytes or snapshots to the sink',
  'sync.pass_failed': 'a sync pass failed; the daemon retries at the next interval',
  'sync.stream_rewritten': 'a local stream was cut back or rewritten, so its mirror is written again from the start',
  'sync.stopping': 'sync got SIGINT/SIGTERM: it finishes the pass and exits',
  'sync.finished': 'the sync daemon (or one pass) finished',
  'dashboard.started': 'the dashboard export is watching telemetry (and serving it, with its URL)',
  'dashboard.stopping': 'the dashboard service got SIGINT/SIGTERM and stops',
  'dashboard.finished': 'the dashboard service stopped, with how many exports it wrote',
  'risk.resumed': 'an operator lifted the kill switch or a reduce-only state',
} as const;

export type LogEvent = keyof typeof LogEvents;
