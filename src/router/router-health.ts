import type { RouterPolicyConfig } from '../config/schemas/router-policy.js';
import { TELEMETRY_SCHEMA_VERSION } from '../telemetry/records/common.js';
import type { RouterHealthSnapshot } from '../telemetry/records/router-health.js';

export type HealthState = 'good' | 'broken' | 'bad';

/** One order's outcome, as the router saw it. */
export interface RouteSample {
  readonly filled: boolean;
  readonly rejected: boolean;
  readonly timeToFillMs: number | null;
  /** Fill price vs the mid at decision, in bps, signed so that positive is worse for us. */
  readonly slippageBps: number | null;
  readonly latencyMs: number;
  /** A maker order that expired unfilled: the offset tightens. */
  readonly missed: boolean;
}

export interface SymbolState {
  state: HealthState;
  sinceMs: number;
  pending: HealthState | null;
  pendingCount: number;
  offsetBps: number;
  samples: RouteSample[];
}

/**
 * Router health per symbol from its recent orders: fill rate, time to fill, slippage vs mid at
 * decision, reject rate and latency over the last `window` orders. A symbol is `good` when every figure
 * is within the good thresholds, `bad` when any passes a bad threshold, `broken` in between; the state
 * changes only after `hysteresis_samples` consecutive orders agree on the new one. The limit offset
 * tightens by `tighten_step` after a missed maker fill and widens by `widen_step` after an adverse fill,
 * within [min, max]. Snapshots to router_health.json and warm-starts from it.
 */
export class RouterHealth {
  private readonly symbols = new Map<string, SymbolState>();
  constructor(private policy: RouterPolicyConfig) {}

  /** A reloaded router_policy.json: thresholds and per-symbol settings change, states and offsets carry on. */
  setPolicy(policy: RouterPolicyConfig): void {
    this.policy = policy;
  }

  /** The effective routing settings of a symbol: its overrides on the defaults. */
  settingsOf(symbol: string): RouterPolicyConfig['defaults'] {
    return { ...this.policy.defaults, ...this.policy.per_symbol[symbol] } as RouterPolicyConfig['defaults'];
  }

  stateOf(symbol: string): HealthState {
    return this.symbols.get(symbol)?.state ?? 'good';
  }

  offsetOf(symbol: string): number {
    return this.entry(symbol, 0).offsetBps;
  }

  /** Records an order's outcome and updates the symbol's figures, state and offset. */
  record(symbol: string, sample: RouteSample, atMs: number): HealthState {
    const s = this.entry(symbol, atMs);
    const h = this.policy.health;
    s.samples.push(sample);
    if (s.samples.length > h.window) s.samples.shift();
    const o = this.settingsOf(symbol).offset_bps;
    if (sample.missed) s.offsetBps = Math.max(o.min, s.offsetBps - o.tighten_step);
    else if (sample.filled && sample.slippageBps !== null && sample.slippageBps > h.good.slippage_bps) s.offsetBps = Math.min(o.max, s.offsetBps + o.widen_step);
    if (s.samples.length < h.min_samples) return s.state;
    const raw = this.classify(this.figures(s));
    if (raw === s.state) {
      s.pending = null;
      s.pendingCount = 0;
    } else {
      s.pendingCount = raw === s.pending ? s.pendingCount + 1 : 1;
      s.pending = raw;
      if (s.pendingCount >= Math.max(1, h.hysteresis_samples)) {
        s.state = raw;
        s.sinceMs = atMs;
        s.pending = null;
        s.pendingCount = 0;
      }
    }
    return s.state;
  }

  /** router_health.json. */
  snapshot(account: string, atMs: number): RouterHealthSnapshot {
    const symbols: RouterHealthSnapshot['symbols'] = {};
    for (const [symbol, s] of this.symbols) {
      const f = this.figures(s);
      symbols[symbol] = {
        state: s.state, since_ts: s.sinceMs, samples: s.samples.length, fill_rate: f.fillRate, avg_time_to_fill_ms: f.avgTimeToFillMs, slippage_bps: f.slippageBps,
        reject_rate: f.rejectRate, latency_ms: f.latencyMs, offset_bps: s.offsetBps, pending_state: s.pending, pending_count: s.pendingCount,
      };
    }
    return { schema_version: TELEMETRY_SCHEMA_VERSION, ts: atMs, account, symbols };
  }

  /** Warm start: states and offsets come back; the figures refill from new orders. */
  restore(snapshot: RouterHealthSnapshot): void {
    for (const [symbol, r] of Object.entries(snapshot.symbols))
      this.symbols.set(symbol, { state: r.state, sinceMs: r.since_ts, pending: r.pending_state, pendingCount: r.pending_count, offsetBps: r.offset_bps, samples: [] });
  }

  /** Everything, samples included, as plain data: what a replay checkpoint carries so a restart continues exactly. */
  dump(): [string, SymbolState][] {
    return [...this.symbols].map(([k, v]) => [k, { ...v, samples: [...v.samples] }]);
  }

  load(state: readonly [string, SymbolState][]): void {
    this.symbols.clear();
    for (const [k, v] of state) this.symbols.set(k, { ...v, samples: [...v.samples] });
  }

  private entry(symbol: string, atMs: number): SymbolState {
    let s = this.symbols.get(symbol);
    if (s === undefined) {
      s = { state: 'good', sinceMs: atMs, pending: null, pendingCount: 0, offsetBps: this.settingsOf(symbol).offset_bps.initial, samples: [] };
      this.symbols.set(symbol, s);
    }
    return s;
  }

  /** The window's figures, in one pass (the router asks after every order). */
  private figures(s: SymbolState) {
    const n = s.samples.length;
    let filled = 0;
    let rejected = 0;
    let ttf = 0;
    let ttfN = 0;
    let slip = 0;
    let slipN = 0;
    let latency = 0;
    for (const x of s.samples) {
      latency += x.latencyMs;
      if (x.rejected) rejected++;
      if (!x.filled) continue;
      filled++;
      if (x.timeToFillMs !== null) {
        ttf += x.timeToFillMs;
        ttfN++;
      }
      if (x.slippageBps !== null) {
        slip += x.slippageBps;
        slipN++;
      }
    }
    return {
      fillRate: n === 0 ? null : filled / n,
      rejectRate: n === 0 ? null : rejected / n,
      avgTimeToFillMs: ttfN === 0 ? null : ttf / ttfN,
      slippageBps: slipN === 0 ? null : slip / slipN,
      latencyMs: n === 0 ? null : latency / n,
    };
  }

  private classify(f: ReturnType<RouterHealth['figures']>): HealthState {
    const { good, bad } = this.policy.health;
    const fill = f.fillRate ?? 1;
    const slip = f.slippageBps ?? 0;
    const rej = f.rejectRate ?? 0;
    if (fill <= bad.fill_rate || slip >= bad.slippage_bps || rej >= bad.reject_rate) return 'bad';
    if (fill >= good.fill_rate && slip <= good.slippage_bps && rej <= good.reject_rate) return 'good';
    return 'broken';
  }
}

/** How the next order of a symbol is routed. */
export type RouteDecision =
  | { readonly type: 'maker'; readonly offsetBps: number; readonly ttlS: number; readonly takerFallback: boolean }
  | { readonly type: 'taker' }
  | { readonly type: 'blocked'; readonly reason: string };

/**
 * The routing policy: the symbol's mode (maker, taker, maker first), its adaptive offset and TTL, and
 * what its health allows. A `bad` symbol goes taker-only or is blocked, as `bad_symbol_action` says; an
 * urgent order (a protective exit) always goes taker.
 */
export function decideRoute(health: RouterHealth, policy: RouterPolicyConfig, symbol: string, urgent: boolean): RouteDecision {
  const s = health.settingsOf(symbol);
  // read on every call, not only once a symbol is bad: V8 optimises the router before any symbol is, and
  // would throw that code away at the first bad one for a property it had never seen read here
  const blocks = policy.bad_symbol_action === 'block' && !urgent;
  if (health.stateOf(symbol) === 'bad') {
    if (blocks) return { type: 'blocked', reason: `${symbol} router health is bad` };
    return { type: 'taker' };
  }
  if (urgent || s.mode === 'taker') return { type: 'taker' };
  return { type: 'maker', offsetBps: health.offsetOf(symbol), ttlS: s.ttl_s, takerFallback: s.mode === 'maker_first' && s.taker_fallback };
}
