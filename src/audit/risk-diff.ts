import type { ConfigSet } from '../config/files.js';
import { isLoopbackHost } from '../config/schemas/dashboard.js';

/** Whether a change lets hedge take more risk, less, or neither. */
export type RiskDirection = 'increase' | 'decrease' | 'neutral';
export type DiffSeverity = 'high' | 'medium' | 'low';

/** One semantic difference between the baseline and the current effective config. */
export interface ConfigChange {
  /** Dotted path, e.g. `risk_limits.global.max_leverage`. */
  readonly path: string;
  readonly kind: 'added' | 'removed' | 'changed';
  readonly before: unknown;
  readonly after: unknown;
  readonly risk: RiskDirection;
  readonly severity: DiffSeverity;
  /** Why it was classed so, for people. */
  readonly note: string;
}

type Rule = { test: RegExp; up: RiskDirection; severity: DiffSeverity; note: string };

// For numeric changes: does a larger value mean more risk?
const NUMERIC_RULES: Rule[] = [
  { test: /(^|\.)(max_)?leverage$/, up: 'increase', severity: 'high', note: 'leverage' },
  { test: /\.(daily_loss_limit_pct|max_drawdown_pct)$/, up: 'increase', severity: 'high', note: 'loss limit' },
  { test: /\.(max_gross_exposure_pct|max_net_exposure_pct|max_symbol_nav_pct|max_nav_pct|max_trade_nav_pct|trade_nav_percentage|max_order_notional_usd)$/, up: 'increase', severity: 'medium', note: 'exposure cap' },
  { test: /\.(max_concurrent_positions|max_open_orders|symbol_slots|orders_per_10s|orders_per_minute)$/, up: 'increase', severity: 'medium', note: 'concurrency or rate cap' },
  { test: /\.nav_max_age_s$/, up: 'increase', severity: 'medium', note: 'staler NAV accepted' },
  { test: /\.(cooldown_after_loss_s|cooldown_s)$/, up: 'decrease', severity: 'low', note: 'cooldown' },
  { test: /\.stop\.(multiple|pct)$/, up: 'increase', severity: 'low', note: 'wider protective stop' },
  { test: /\.starting_nav_usd$/, up: 'increase', severity: 'low', note: 'paper capital' },
  { test: /\.(taker_bps|maker_bps|spread_bps|impact_bps_per_10k_usd)$/, up: 'decrease', severity: 'low', note: 'simulated costs' },
];

/** Compares two effective config sets and classes every difference by its effect on risk. */
export function diffConfigs(before: ConfigSet, after: ConfigSet): ConfigChange[] {
  const a = flatten(before);
  const b = flatten(after);
  const changes: ConfigChange[] = [];
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(key);
    const y = b.get(key);
    if (JSON.stringify(x) === JSON.stringify(y)) continue;
    const kind = x === undefined ? 'added' : y === undefined ? 'removed' : 'changed';
    changes.push({ path: key, kind, before: x, after: y, ...classify(key, kind, x, y) });
  }
  return changes.sort((p, q) => rank(q) - rank(p) || p.path.localeCompare(q.path));
}

function rank(c: ConfigChange): number {
  const s = { high: 3, medium: 2, low: 1 }[c.severity];
  return c.risk === 'increase' ? 10 + s : s;
}

function classify(key: string, kind: ConfigChange['kind'], x: unknown, y: unknown): Pick<ConfigChange, 'risk' | 'severity' | 'note'> {
  if (/^venues\.accounts\.[^.]+\.trading$/.test(key)) {
    if (y === 'live') return { risk: 'increase', severity: 'high', note: 'production writes enabled for an account' };
    if (x === 'live') return { risk: 'decrease', severity: 'medium', note: 'production writes disabled for an account' };
  }
  if (/^venues\.venues\.[^.]+\.type$/.test(key) && kind === 'added') return { risk: 'increase', severity: 'medium', note: 'a new venue' };
  if (/^venues\.accounts\.[^.]+\.venue$/.test(key)) return { risk: 'increase', severity: 'medium', note: 'an account on a new or different venue' };
  if (/\.endpoints\.(prod|testnet)\.(rest|ws)$/.test(key)) return { risk: 'increase', severity: 'medium', note: 'a venue endpoint changed' };
  if (/^strategy_registry\.strategies\.[^.]+\.stage$/.test(key) && y === 'live') return { risk: 'increase', severity: 'high', note: 'a strategy promoted to live' };
  if (/^strategy_registry\.strategies\.[^.]+\.enabled$/.test(key) && y === true) return { risk: 'increase', severity: 'medium', note: 'a strategy enabled' };
  if (/^strategy_registry\.strategies\.[^.]+\.enabled$/.test(key) && y === false) return { risk: 'decrease', severity: 'low', note: 'a strategy disabled' };
  if (/\.require_stop$/.test(key) && y === false) return { risk: 'increase', severity: 'high', note: 'entries without a protective stop allowed' };
  if (/\.stop\.type$/.test(key) && y === 'none') return { risk: 'increase', severity: 'high', note: 'a strategy opted out of protective stops' };
  if (/^risk_limits\.per_symbol\.[^.]+\.enabled$/.test(key) && y === true) return { risk: 'increase', severity: 'medium', note: 'a symbol re-enabled' };
  if (/^strategy_config\.universe\[/.test(key) && kind === 'added') return { risk: 'increase', severity: 'medium', note: 'a symbol added to the universe' };
  if (/^strategy_config\.strategies\.[^.]+\.symbols\[/.test(key) && kind === 'added') return { risk: 'increase', severity: 'low', note: 'a symbol added to a strategy' };
  if (key === 'dashboard.host' && typeof y === 'string' && !isLoopbackHost(y)) return { risk: 'increase', severity: 'medium', note: 'dashboard reachable beyond this machine' };
  if (/^risk_limits\.per_(symbol|strategy)\.[^.]+\.[a-z_]+$/.test(key) && kind === 'removed' && typeof x === 'number')
    return { risk: 'increase', severity: 'medium', note: 'a narrowing limit removed; the wider one applies' };
  if (typeof x === 'number' && typeof y === 'number') {
    const rule = NUMERIC_RULES.find((r) => r.test.test(key));
    if (rule !== undefined) {
      const up = y > x;
      const risk: RiskDirection = rule.up === 'neutral' ? 'neutral' : up === (rule.up === 'increase') ? 'increase' : 'decrease';
      return { risk, severity: risk === 'increase' ? rule.severity : 'low', note: `${rule.note} ${up ? 'raised' : 'lowered'}` };
    }
  }
  return { risk: 'neutral', severity: 'low', note: 'no direct effect on risk' };
}

/**
 * Flattens to dotted paths. Arrays of scalars (symbol lists, tags) are sets: each member becomes
 * `path[<json of member>]`, so inserting a symbol reads as one addition, not a shift of every index.
 */
function flatten(value: unknown, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (Array.isArray(value)) {
    if (value.length === 0) out.set(prefix, []);
    else if (value.every((v) => v === null || typeof v !== 'object')) for (const v of value) out.set(`${prefix}[${JSON.stringify(v)}]`, v);
    else value.forEach((v, i) => flatten(v, `${prefix}[${i}]`, out));
  } else if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0 && prefix !== '') out.set(prefix, {});
    for (const [k, v] of entries) flatten(v, prefix === '' ? k : `${prefix}.${k}`, out);
  } else out.set(prefix, value);
  return out;
}
