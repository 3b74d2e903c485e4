/**
 * Risk-state writer for the restart test: runs a risk engine on seeded random events, saving the state
 * atomically after each and printing `P <hash>` before and `A <hash>` after each save, until killed.
 * It warm-starts from the file, as the executor does. Usage: node dist/test/support/risk-writer.js <file> <seed>
 */
import { canonicalJson, sha256Hex } from '../../src/core/canonical-json.js';
import { ManualClock } from '../../src/core/clock.js';
import { loadConfig } from '../../src/config/load.js';
import { defaultConfigDir } from '../../src/core/paths.js';
import { loadBundledInstruments } from '../../src/market/instrument-provider.js';
import { seededRandom } from '../../src/ml/random.js';
import { RiskEngine } from '../../src/risk/risk-engine.js';
import { loadRiskState, saveRiskState } from '../../src/risk/risk-state.js';

const [file = 'risk_state.json', seedText = '1'] = process.argv.slice(2);
const rand = seededRandom(Number(seedText));
const config = loadConfig({ configDir: defaultConfigDir }).config;
const instruments = loadBundledInstruments();
const state = loadRiskState(file, Date.UTC(2024, 0, 1));
const clock = new ManualClock(Math.max(Date.UTC(2024, 0, 1), state.updated_ms));
const engine = new RiskEngine(config.risk_limits, config.strategy_config, instruments, clock, state);
process.stdout.write(`R ${sha256Hex(canonicalJson(engine.state))}\n`);
let nav = state.day?.start_nav_usd ?? 10_000;
for (;;) {
  clock.setMs(clock.nowMs() + Math.floor(rand() * 600_000));
  const r = rand();
  if (r < 0.4) {
    nav *= 1 + (rand() - 0.5) * 0.02;
    engine.observeNav(nav, clock.nowMs());
  } else if (r < 0.6) engine.observeClose(['BTCUSDT', 'ETHUSDT', 'SOLUSDT'][Math.floor(rand() * 3)] ?? 'BTCUSDT', (rand() - 0.6) * 50, clock.nowMs());
  else engine.check({ strategy: 'momentum-1h', symbol: 'ETHUSDT', venue: 'paper', side: 'buy', qty: rand(), price: 2000, reduceOnly: false, leverage: 1 + Math.floor(rand() * 3), stopPrice: 1900 }, { navUsd: nav, navTsMs: clock.nowMs(), positions: [], openOrders: 0 });
  if (engine.tradingState !== 'ACTIVE' && rand() < 0.1) engine.resume('test operator');
  const hash = sha256Hex(canonicalJson(engine.state));
  process.stdout.write(`P ${hash}\n`);
  saveRiskState(file, engine.state);
  process.stdout.write(`A ${hash}\n`);
}
