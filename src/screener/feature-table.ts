import { UsageError } from '../core/errors.js';
import type { Timeframe } from '../domain/timeframe.js';
import { computeFeatures, FeatureColumns, type FeatureColumn } from '../indicators/feature-table.js';
import { CandleStore } from '../market/candle-store.js';
import { GaussianHmm, univariate } from '../ml/hmm.js';
import { initialParams } from '../ml/hmm-init.js';
import { dataHash } from '../ml/model-store.js';
import { labelRegimes, type Regime } from '../ml/regimes.js';

/** Input of `hedge screener --features`. */
export interface FeatureTableOptions {
  readonly stateDir: string;
  readonly symbol: string;
  readonly timeframe: Exclude<Timeframe, '1m'>;
  /** Open time of the first row printed (the indicators warm up on earlier bars when there are any). */
  readonly fromMs?: number | undefined;
  readonly toMs?: number | undefined;
  readonly regimeStates: number;
  readonly seed: number;
}

export type FeatureRow = { time: string; open: number; high: number; low: number; close: number; volume: number; regime: Regime | null } & Record<FeatureColumn, number | null>;

export interface FeatureTable {
  readonly symbol: string;
  readonly timeframe: string;
  readonly columns: readonly string[];
  readonly rows: FeatureRow[];
  /** The regime model behind the `regime` column: fitted on the log returns of every bar up to the last row. */
  readonly regimeModel: { readonly states: number; readonly labels: readonly Regime[]; readonly means: number[]; readonly variances: number[]; readonly trainingBars: number; readonly dataSha256: string };
}

/**
 * The per-bar feature table of one symbol: OHLCV, every research indicator (null during warm-up) and
 * the HMM regime. Indicators are computed over all history before the first row, so their warm-up is
 * spent on earlier bars. The regime at a bar is the filtered state (forward probabilities: only bars up
 * to it count) of a model fitted on the log returns up to the last row.
 */
export function featureTable(o: FeatureTableOptions): FeatureTable {
  const { series } = new CandleStore(o.stateDir).load(o.symbol, o.timeframe);
  let end = series.length;
  if (o.toMs !== undefined) while (end > 0 && (series.openTimeMs[end - 1] ?? 0) > o.toMs) end--;
  let start = 0;
  if (o.fromMs !== undefined) while (start < end && (series.openTimeMs[start] ?? 0) < o.fromMs) start++;
  if (start >= end) throw new UsageError(`no ${o.timeframe} bars of ${o.symbol} in the range asked`);
  const features = computeFeatures(series);

  const returns = Array.from({ length: end - 1 }, (_, i) => Math.log((series.close[i + 1] ?? 1) / (series.close[i] ?? 1)));
  const x = univariate(returns);
  const fit = new GaussianHmm(initialParams(x, o.regimeStates, o.seed)).fit(x, { iterations: 100, tol: 1e-3 });
  const model = new GaussianHmm(fit.params);
  const labels = labelRegimes(fit.params);
  const states = model.filteredStates(x);

  const rows: FeatureRow[] = [];
  for (let i = start; i < end; i++) {
    const row = {
      time: new Date(series.openTimeMs[i] ?? 0).toISOString(),
      open: series.open[i] ?? Number.NaN,
      high: series.high[i] ?? Number.NaN,
      low: series.low[i] ?? Number.NaN,
      close: series.close[i] ?? Number.NaN,
      volume: series.volume[i] ?? Number.NaN,
      regime: i === 0 ? null : (labels[states[i - 1] ?? 0] ?? null),
    } as FeatureRow;
    for (const c of FeatureColumns) row[c] = features[c][i] ?? null;
    rows.push(row);
  }
  return {
    symbol: o.symbol,
    timeframe: o.timeframe,
    columns: ['time', 'open', 'high', 'low', 'close', 'volume', ...FeatureColumns, 'regime'],
    rows,
    regimeModel: {
      states: o.regimeStates,
      labels,
      means: fit.params.means.map((m) => m[0] ?? 0),
      variances: fit.params.covars.map((c) => c[0] ?? 0),
      trainingBars: returns.length,
      dataSha256: dataHash(x),
    },
  };
}
