// Generates test/fixtures/talib/*.json.br: TA-Lib's own values for the indicators hedge computes, on the
// bundled 1h history of every symbol. TA-Lib is not a dependency of hedge; install it beside, then run:
//   npm run build && npm install --no-save talib@1.1.6 && node test/support/make-talib-fixtures.mjs
// (the talib package compiles TA-Lib 0.4 from source with node-gyp; it needs python3, make and g++.)
// To keep the repository lean, each output is sampled: every value for the 300 bars after its warm-up
// (where seeding differences would show), then every 97th bar, and the last bar. The recursive
// indicators carry their state through every bar, so agreement at the samples is agreement throughout.
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const talib = require(process.env.TALIB_PATH ?? 'talib');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const { bundledSymbols } = await import(path.join(root, 'dist/src/market/bundled.js'));
const { loadBundledCandles } = await import(path.join(root, 'dist/src/market/history.js'));

const run = (name, args) => talib.execute({ name, startIdx: 0, endIdx: args.close.length - 1, ...args });

function sample(begIndex, values, total) {
  const out = {};
  values.forEach((v, i) => {
    const idx = begIndex + i;
    if (i < 300 || i % 97 === 0 || idx === total - 1) out[idx] = v;
  });
  return out;
}

const outDir = path.join(root, 'test', 'fixtures', 'talib');
mkdirSync(outDir, { recursive: true });
for (const symbol of bundledSymbols) {
  const s = loadBundledCandles(symbol).series;
  const high = Array.from(s.high), low = Array.from(s.low), close = Array.from(s.close), inReal = close;
  const columns = {};
  const put = (name, r, key) => (columns[name] = sample(r.begIndex, r.result[key], close.length));
  put('sma_20', run('SMA', { close, inReal, optInTimePeriod: 20 }), 'outReal');
  put('ema_20', run('EMA', { close, inReal, optInTimePeriod: 20 }), 'outReal');
  put('rsi_14', run('RSI', { close, inReal, optInTimePeriod: 14 }), 'outReal');
  put('atr_14', run('ATR', { high, low, close, optInTimePeriod: 14 }), 'outReal');
  const macd = run('MACD', { close, inReal, optInFastPeriod: 12, optInSlowPeriod: 26, optInSignalPeriod: 9 });
  put('macd_12_26_9', macd, 'outMACD');
  put('macd_signal_12_26_9', macd, 'outMACDSignal');
  put('macd_hist_12_26_9', macd, 'outMACDHist');
  const bb = run('BBANDS', { close, inReal, optInTimePeriod: 20, optInNbDevUp: 2, optInNbDevDn: 2, optInMAType: 0 });
  put('bb_upper_20_2', bb, 'outRealUpperBand');
  put('bb_middle_20_2', bb, 'outRealMiddleBand');
  put('bb_lower_20_2', bb, 'outRealLowerBand');
  put('stddev_20', run('STDDEV', { close, inReal, optInTimePeriod: 20, optInNbDev: 1 }), 'outReal');
  put('adx_14', run('ADX', { high, low, close, optInTimePeriod: 14 }), 'outReal');
  const st = run('STOCH', { high, low, close, optInFastK_Period: 14, optInSlowK_Period: 3, optInSlowK_MAType: 0, optInSlowD_Period: 3, optInSlowD_MAType: 0 });
  put('stoch_k_14_3_3', st, 'outSlowK');
  put('stoch_d_14_3_3', st, 'outSlowD');
  const doc = { generator: `TA-Lib ${talib.version} via the npm talib package, default compatibility, unstable periods 0`, symbol, bars: close.length, columns };
  const text = JSON.stringify(doc);
  const packed = brotliCompressSync(Buffer.from(text), { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });
  writeFileSync(path.join(outDir, `${symbol}_1h.json.br`), packed);
  console.log(`${symbol}: ${Object.values(columns).reduce((n, c) => n + Object.keys(c).length, 0)} values, ${packed.length} bytes`);
}
