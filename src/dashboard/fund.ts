import { mean, sampleCorrelation, sampleStandardDeviation } from 'simple-statistics';

/** What the blend reads of an account (the dashboard model's account view has it). */
export interface NavSource {
  readonly account: string;
  /** [ts, nav_usd], oldest first. */
  readonly nav: readonly (readonly [number, number])[];
  readonly lastNav: { readonly nav_usd: number; readonly gross_exposure_usd: number; readonly net_exposure_usd: number } | null;
  /** By strategy: [ts, PnL since the first cycle]. */
  readonly strategies?: Readonly<Record<string, readonly (readonly [number, number])[]>>;
}

/** Pearson correlation of the strategies' daily PnL changes; null where two have fewer than 3 days in common or one never moves. */
export interface StrategyCorrelation {
  /** `<strategy>`, or `<node>/<account>:<strategy>` when the fund has more than one account. */
  readonly labels: readonly string[];
  readonly matrix: readonly (readonly (number | null)[])[];
  /** Days each pair had in common. */
  readonly days: readonly (readonly number[])[];
}

/** The fund across every account of every node. */
export interface BlendedFund {
  readonly accounts: readonly { readonly node: string; readonly account: string; readonly navUsd: number | null }[];
  /** [ts, Σ NAV] at every instant any account recorded a NAV, each account at its last NAV (from its first record on). */
  readonly nav: [number, number][];
  /**
   * [ts, index] of the fund's chained return (1 at the start): each step is the NAV change of the accounts
   * that recorded both before and now over their NAV before, so an account joining (new capital) is no return.
   */
  readonly index: [number, number][];
  readonly navUsd: number | null;
  readonly grossExposureUsd: number;
  readonly netExposureUsd: number;
  /** Of the index, now and at worst, percent. */
  readonly drawdownPct: number;
  readonly maxDrawdownPct: number;
  /** [day start ts, Sharpe] over the trailing `sharpeDays` daily returns of the index, annualised ×√365 (24/7 markets). */
  readonly rollingSharpe: [number, number][];
  readonly sharpeDays: number;
  /** Of the strategies of every account; null with fewer than two strategy series. */
  readonly correlation: StrategyCorrelation | null;
}

const DAY_MS = 86_400_000;

/** The blended fund of every account of every node. */
export function blend(nodes: readonly { readonly node: string; readonly data: { readonly accounts: readonly NavSource[] } }[], sharpeDays: number): BlendedFund {
  const series = nodes.flatMap((n) => n.data.accounts.map((a) => ({ node: n.node, account: a.account, nav: a.nav, last: a.lastNav })));
  const times = instantsOf(series.map((s) => s.nav));
  // each account's position in its series, its NAV there, and whether it has one yet (typed: a check of a
  // fleet of year-long logs steps through ~10^6 instants, and allocated an array or two at each)
  const cursor = new Int32Array(series.length).fill(-1);
  const prev = new Float64Array(series.length);
  const nav: [number, number][] = new Array<[number, number]>(times.length);
  const index: [number, number][] = new Array<[number, number]>(times.length);
  let level = 1;
  for (let j = 0; j < times.length; j++) {
    const t = times[j] as number;
    let change = 0;
    let before = 0;
    let sum = 0;
    for (let k = 0; k < series.length; k++) {
      const s = (series[k] as (typeof series)[number]).nav;
      const was = cursor[k] as number;
      let i = was;
      while (i + 1 < s.length && (s[i + 1] as readonly [number, number])[0] <= t) i++;
      if (i < 0) continue;
      cursor[k] = i;
      const x = (s[i] as readonly [number, number])[1];
      // the accounts that had a NAV before and have one now: their change is the fund's return
      if (was >= 0) {
        change += x - (prev[k] as number);
        before += prev[k] as number;
      }
      prev[k] = x;
      sum += x;
    }
    if (before > 0) level *= 1 + change / before;
    nav[j] = [t, sum];
    index[j] = [t, level];
  }
  let peak = Number.NEGATIVE_INFINITY;
  let maxDd = 0;
  for (const [, x] of index) {
    peak = Math.max(peak, x);
    maxDd = Math.max(maxDd, (100 * (peak - x)) / peak);
  }
  const lastLevel = index.at(-1)?.[1];
  const drawdownPct = lastLevel === undefined ? 0 : (100 * (peak - lastLevel)) / peak;
  // daily returns of the index (its last value of each UTC day), then the trailing window's Sharpe
  const daily: [number, number][] = [];
  for (const [t, x] of index) {
    const day = Math.floor(t / DAY_MS) * DAY_MS;
    if (daily.at(-1)?.[0] === day) (daily.at(-1) as [number, number])[1] = x;
    else daily.push([day, x]);
  }
  const rets = daily.slice(1).map(([d, x], i) => [d, x / (daily[i] as [number, number])[1] - 1] as [number, number]);
  const rollingSharpe: [number, number][] = [];
  for (let i = sharpeDays - 1; i < rets.length; i++) {
    const w = rets.slice(i - sharpeDays + 1, i + 1).map(([, r]) => r);
    const sd = sampleStandardDeviation(w);
    if (sd > 0) rollingSharpe.push([(rets[i] as [number, number])[0], (mean(w) / sd) * Math.sqrt(365)]);
  }
  return {
    accounts: series.map((s) => ({ node: s.node, account: s.account, navUsd: s.last?.nav_usd ?? null })),
    nav, index,
    navUsd: nav.at(-1)?.[1] ?? null,
    grossExposureUsd: series.reduce((a, s) => a + (s.last?.gross_exposure_usd ?? 0), 0),
    netExposureUsd: series.reduce((a, s) => a + (s.last?.net_exposure_usd ?? 0), 0),
    drawdownPct, maxDrawdownPct: maxDd, rollingSharpe, sharpeDays,
    correlation: strategyCorrelation(nodes),
  };
}

/** Every instant of the series, ascending, each once (a merge of series that are oldest first, as NAV logs are; sorted otherwise). */
function instantsOf(series: readonly (readonly (readonly [number, number])[])[]): Float64Array {
  let total = 0;
  let ordered = true;
  for (const s of series) {
    total += s.length;
    for (let i = 1; i < s.length && ordered; i++) if ((s[i] as readonly [number, number])[0] < (s[i - 1] as readonly [number, number])[0]) ordered = false;
  }
  const all = new Float64Array(total);
  let n = 0;
  if (ordered) {
    const at = new Int32Array(series.length);
    for (;;) {
      let min = Number.POSITIVE_INFINITY;
      for (let k = 0; k < series.length; k++) {
        const s = series[k] as readonly (readonly [number, number])[];
        const i = at[k] as number;
        if (i < s.length && (s[i] as readonly [number, number])[0] < min) min = (s[i] as readonly [number, number])[0];
      }
      if (min === Number.POSITIVE_INFINITY) break;
      all[n++] = min;
      for (let k = 0; k < series.length; k++) {
        const s = series[k] as readonly (readonly [number, number])[];
        let i = at[k] as number;
        while (i < s.length && (s[i] as readonly [number, number])[0] === min) i++;
        at[k] = i;
      }
    }
    return all.subarray(0, n);
  }
  let k = 0;
  for (const s of series) for (const [t] of s) all[k++] = t;
  all.sort();
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[i - 1]) all[n++] = all[i] as number;
  return all.subarray(0, n);
}

/** The strategies' daily PnL changes (last PnL of each UTC day, differenced) and their pairwise Pearson correlation. */
export function strategyCorrelation(nodes: readonly { readonly node: string; readonly data: { readonly accounts: readonly NavSource[] } }[]): StrategyCorrelation | null {
  const accounts = nodes.flatMap((n) => n.data.accounts.map((a) => ({ node: n.node, a })));
  const many = accounts.length > 1;
  const series: { label: string; daily: Map<number, number> }[] = [];
  for (const { node, a } of accounts)
    for (const [id, points] of Object.entries(a.strategies ?? {})) {
      const last = new Map<number, number>();
      for (const [t, v] of points) last.set(Math.floor(t / DAY_MS), v);
      const days = [...last.keys()].sort((x, y) => x - y);
      const daily = new Map<number, number>();
      for (let i = 1; i < days.length; i++) daily.set(days[i] as number, (last.get(days[i] as number) as number) - (last.get(days[i - 1] as number) as number));
      series.push({ label: many ? `${node === 'local' ? '' : `${node}/`}${a.account}:${id}` : id, daily });
    }
  if (series.length < 2) return null;
  series.sort((x, y) => x.label.localeCompare(y.label));
  const matrix: (number | null)[][] = [];
  const days: number[][] = [];
  for (const x of series) {
    const row: (number | null)[] = [];
    const drow: number[] = [];
    for (const y of series) {
      const common = [...x.daily.keys()].filter((d) => y.daily.has(d));
      drow.push(common.length);
      row.push(common.length < 3 ? null : pearson(common.map((d) => x.daily.get(d) as number), common.map((d) => y.daily.get(d) as number)));
    }
    matrix.push(row);
    days.push(drow);
  }
  return { labels: series.map((x) => x.label), matrix, days };
}

function pearson(a: readonly number[], b: readonly number[]): number | null {
  if (sampleStandardDeviation(a as number[]) === 0 || sampleStandardDeviation(b as number[]) === 0) return null;
  const r = sampleCorrelation(a as number[], b as number[]);
  return Number.isFinite(r) ? r : null;
}
