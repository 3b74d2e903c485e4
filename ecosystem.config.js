// PM2 services of hedge. PM2 7 loads this ESM file through its `apps` export (not `export default`).
// Start: npx pm2 start ecosystem.config.js    Status: npx pm2 status    Logs: npx pm2 logs hedge-executor
const common = {
  cwd: import.meta.dirname,
  script: 'bin/run.js',
  interpreter: 'node',
  autorestart: true,
  // a service that keeps failing at start is not restarted forever
  min_uptime: '30s',
  max_restarts: 10,
  exp_backoff_restart_delay: 1000,
  // SIGINT lets the executor finish its cycle and flush telemetry before it exits
  kill_timeout: 15000,
  time: true,
  merge_logs: true,
  env: { ENV: 'dev', NODE_ENV: 'production' },
};

// a batch job (research): it runs to the end and exits; PM2 starts it again only at its cron_restart time
const batch = {
  cwd: common.cwd,
  script: common.script,
  interpreter: common.interpreter,
  kill_timeout: common.kill_timeout,
  time: common.time,
  merge_logs: common.merge_logs,
  env: common.env,
  autorestart: false,
};

export const apps = [
  {
    ...common,
    name: 'hedge-executor',
    args: 'executor --loop',
    out_file: 'logs/pm2-executor.out.log',
    error_file: 'logs/pm2-executor.err.log',
  },
  {
    ...common,
    name: 'hedge-sync',
    args: 'sync',
    out_file: 'logs/pm2-sync.out.log',
    error_file: 'logs/pm2-sync.err.log',
  },
  {
    ...common,
    name: 'hedge-dashboard',
    args: 'dashboard-export --watch --serve',
    out_file: 'logs/pm2-dashboard.out.log',
    error_file: 'logs/pm2-dashboard.err.log',
  },
  {
    ...batch,
    // the research sweep: runs at start, then PM2 restarts it every night at 03:00 (server time); each day's
    // results go to research/sweeps/<name>/<UTC date>/, and a restart on the same day resumes, never reruns a point.
    // A batch job: it exits when done and is not restarted (no backoff restarts, unlike the services)
    name: 'hedge-research',
    args: 'backtest --sweep research/grids/sma-cross-btc.json --dated',
    cron_restart: '0 3 * * *',
    out_file: 'logs/pm2-research.out.log',
    error_file: 'logs/pm2-research.err.log',
  },
  {
    ...batch,
    // the nightly regime-model refit of the universe: report in research/regimes/<UTC date>.json; a batch job like the sweep
    name: 'hedge-regimes',
    args: 'regime refit --dated',
    cron_restart: '30 2 * * *',
    out_file: 'logs/pm2-regimes.out.log',
    error_file: 'logs/pm2-regimes.err.log',
  },
  {
    ...batch,
    // the guardian: one pass of config/guardian.json's playbooks every minute (alerts, kill switch, pm2 restart of a
    // stale service); each run exits when done, its memory (cooldowns, rate limits) in cache/guardian_state.json
    name: 'hedge-guardian',
    args: 'guardian --once',
    cron_restart: '* * * * *',
    out_file: 'logs/pm2-guardian.out.log',
    error_file: 'logs/pm2-guardian.err.log',
  },
];
