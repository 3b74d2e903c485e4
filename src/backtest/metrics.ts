import { mean, sampleStandardDeviation } from 'simple-statistics';
import type { Trade } from './trades.js';

const YEAR_MS = 365 * 86_400_000;

/** How returns are annualised: crypto perpetuals trade 24/7, so a year is 365 days of 24 hours. */
export interface Annualisation {
  readonly periods_per_year: number;
  readonly basis: string;
  readonly risk_free_rate: 0;
}

export function annualisationOf(barMs: number): Annualisation {
  return { periods_per_year: YEAR_MS / barMs, basis: `365 days × 24 h (a 24/7 market), ${barMs / 3_600_000} h bars`, risk_free_rate: 0 };
}

/** The numbers of a run, of the fund (blended) or of one strategy. */
export interface Metrics {
  readonly start_equity_usd: number;
  readonly final_equity_usd: number;
  readonly pnl_usd: number;
  readonly total_return_pct: number;
  /** Compound annual growth over the run's span (365-day years). */
  readonly annualized_return_pct: number;
  /** σ of the bar returns (sample), annualised by √periods_per_year. */
  readonly volatility_pct: number;
  /** mean / σ of the bar returns × √periods_per_year (risk-free 0); null when σ is 0. */
  readonly sharpe: number | null;
  /** mean / downside deviation (√ mean of min(r, 0)²) × √periods_per_year; null without a losing bar. */
  readonly sortino: number | null;
  /** Annualised return / max drawdown; null without a drawdown. */
  readonly calmar: number | null;
  readonly max_drawdown_pct: number;
  /** Longest stretch below a previous high (to the new high, or the end), days. */
  readonly max_drawdown_duration_days: number;
  /** Closed round trips (open ones are listed, not counted). */
  readonly trades: number;
  readonly win_rate_pct: number | null;
  /** Gross wins / gross losses of the closed trades, net of fees and funding; null without a losing trade. */
  readonly profit_factor: number | null;
  /** Share of bars with a position open, %. */
  readonly exposure_pct: number;
  /** Traded notional over the mean equity (× NAV), and the same per year. */
  readonly turnover: number;
  readonly turnover_per_year: number;
  readonly fees_usd: number;
  /** Funding paid (+) or received (−). */
  readonly funding_paid_usd: number;
}

export interface MetricsInput {
  readonly startUsd: number;
  /** Equity after each bar. */
  readonly levels: Float64Array;
  /** Return of each bar (for a strategy: its PnL over the fund's equity before the bar). */
  readonly returns: Float64Array;
  readonly spanMs: number;
  readonly annualisation: Annualisation;
  readonly trades: readonly Trade[];
  readonly exposedBars: number;
  readonly notionalUsd: number;
  readonly feesUsd: number;
  readonly fundingUsd: number;
}

/**
 * The figures of a run. Its loops are small functions of their own: called once or twice per backtest,
 * this one does not get hot in a 64-point sweep, and V8 optimises the loops alone (in a sweep worker,
 * where compiles run on the worker's own thread, this function with its loops inlined took two ~13 ms
 * on-stack compiles, and was thrown away again when a real run's bar length was not a whole number of ms).
 */
export function metricsOf(m: MetricsInput): Metrics {
  const n = m.levels.length;
  const final = n === 0 ? m.startUsd : (m.levels[n - 1] as number);
  const total = final / m.startUsd - 1;
  const years = m.spanMs / YEAR_MS;
  const cagr = years > 0 && final > 0 ? (final / m.startUsd) ** (1 / years) - 1 : final > 0 ? 0 : -1;
  // simple-statistics reads any array-like; a million returns are not copied into an Array
  const r = m.returns as unknown as number[];
  const sd = r.length > 1 ? sampleStandardDeviation(r) : 0;
  const mu = r.length > 0 ? mean(r) : 0;
  const k = Math.sqrt(m.annualisation.periods_per_year);
  const { down, losing } = lossesOf(m.returns);
  const dd = Math.sqrt(down / Math.max(1, r.length));
  const { maxDd, longest } = drawdownOf(m.levels, m.startUsd);
  const barMs = m.spanMs / Math.max(1, n);
  const closed = m.trades.filter((t) => !t.open);
  const wins = closed.filter((t) => t.net_pnl_usd > 0);
  const won = wins.reduce((a, t) => a + t.net_pnl_usd, 0);
  const lost = -closed.filter((t) => t.net_pnl_usd < 0).reduce((a, t) => a + t.net_pnl_usd, 0);
  const meanEquity = n === 0 ? m.startUsd : sumOf(m.levels) / n;
  const turnover = meanEquity > 0 ? m.notionalUsd / meanEquity : 0;
  return {
    start_equity_usd: m.startUsd,
    final_equity_usd: final,
    pnl_usd: final - m.startUsd,
    total_return_pct: 100 * total,
    annualized_return_pct: 100 * cagr,
    volatility_pct: 100 * sd * k,
    sharpe: sd > 0 ? (mu / sd) * k : null,
    sortino: losing > 0 && dd > 0 ? (mu / dd) * k : null,
    calmar: maxDd > 0 ? cagr / maxDd : null,
    max_drawdown_pct: 100 * maxDd,
    max_drawdown_duration_days: (longest * barMs) / 86_400_000,
    trades: closed.length,
    win_rate_pct: closed.length > 0 ? (100 * wins.length) / closed.length : null,
    profit_factor: lost > 0 ? won / lost : null,
    exposure_pct: n > 0 ? (100 * m.exposedBars) / n : 0,
    turnover,
    turnover_per_year: years > 0 ? turnover / years : 0,
    fees_usd: m.feesUsd,
    funding_paid_usd: -m.fundingUsd,
  };
}

/** Σ of the squared losing returns, and how many there are. */
function lossesOf(r: Float64Array): { down: number; losing: number } {
  let down = 0;
  let losing = 0;
  for (let i = 0; i < r.length; i++) {
    const x = r[i] as number;
    if (x < 0) {
      down += x * x;
      losing++;
    }
  }
  return { down, losing };
}

/** The deepest fall from a previous high (a fraction of it), and the longest stretch below one, in bars (to the new high, or the end). */
function drawdownOf(levels: Float64Array, start: number): { maxDd: number; longest: number } {
  const n = levels.length;
  let peak = start;
  let peakAt = 0;
  let maxDd = 0;
  let longest = 0;
  for (let i = 0; i < n; i++) {
    const v = levels[i] as number;
    if (v >= peak) {
      longest = Math.max(longest, i - peakAt);
      peak = v;
      peakAt = i;
    } else maxDd = Math.max(maxDd, (peak - v) / peak);
  }
  return { maxDd, longest: Math.max(longest, n - 1 - peakAt) };
}

/** Σ of the levels, in order. */
function sumOf(xs: Float64Array): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i] as number;
  return s;
}

/** The return of each bar from the equity after each bar, the first against `start`. */
export function returnsOf(levels: Float64Array, start: number): Float64Array {
  const r = new Float64Array(levels.length);
  let prev = start;
  for (let i = 0; i < levels.length; i++) {
    const v = levels[i] as number;
    r[i] = v / prev - 1;
    prev = v;
  }
  return r;
}
