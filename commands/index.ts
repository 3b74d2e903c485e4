import Audit from './audit.js';
import Backtest from './backtest.js';
import ConfigSchema from './config/schema.js';
import ConfigShow from './config/show.js';
import DashboardExport from './dashboard-export.js';
import DataFetch from './data/fetch.js';
import Executor from './executor.js';
import Guardian from './guardian.js';
import Kill from './kill.js';
import RegimeFit from './regime/fit.js';
import RegimeRefit from './regime/refit.js';
import Resume from './resume.js';
import Screener from './screener.js';
import Status from './status.js';
import Sync from './sync.js';

/** The explicit command map oclif loads (package.json `oclif.commands`): no folder scanning. */
export const COMMANDS = {
  executor: Executor,
  screener: Screener,
  sync: Sync,
  guardian: Guardian,
  'dashboard-export': DashboardExport,
  backtest: Backtest,
  audit: Audit,
  'config:schema': ConfigSchema,
  'config:show': ConfigShow,
  'data:fetch': DataFetch,
  'regime:fit': RegimeFit,
  'regime:refit': RegimeRefit,
  kill: Kill,
  resume: Resume,
  status: Status,
};
