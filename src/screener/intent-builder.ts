import type { ConfigSet } from '../config/files.js';
import type { Instrument } from '../domain/instrument.js';
import type { VetoReason } from '../domain/veto.js';

/** What the screener proposes before any limit is applied. */
export interface ProtoIntent {
  readonly strategy: string;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly strength: number;
  readonly price: number;
  /** Share of NAV the strategy asks for (its own target, or the config's trade_nav_percentage). */
  readonly requestedNavPct: number;
  readonly leverage: number;
  readonly stopPrice: number | null;
  readonly tradable: boolean;
  readonly reason: string;
}

/** A proto-intent that passed: sized, on the venue's grid. */
export interface Intent extends ProtoIntent {
  readonly rank: number;
  readonly navPct: number;
  readonly notionalUsd: number;
  readonly qty: number;
  /** Cuts applied on the way (e.g. `trade_gt_nav_pct`), with the sizes before and after. */
  readonly cuts: readonly VetoReason[];
}

/** A proto-intent dropped or cut, with the numbers that decided it. */
export interface Decision {
  readonly intent: ProtoIntent;
  readonly outcome: 'veto' | 'cut';
  readonly reasons: VetoReason[];
  readonly requestedNotionalUsd: number;
  readonly approvedNotionalUsd: number;
  readonly details: Record<string, number | string | boolean | null>;
}

/**
 * Turns ranked proto-intents into intents under the config's cheap limits, strongest first: trade size
 * (`trade_nav_percentage`, capped by `max_trade_nav_pct`), per-symbol exposure and order notional,
 * leverage (strategy ≤ limits ≤ the venue's brackets), the venue's minimum notional, strategy and global
 * concurrency, per-symbol slots, strategy exposure, gross and net exposure. A dropped intent is a veto,
 * a reduced one a cut; neither is silent.
 */
export function buildIntents(protos: readonly ProtoIntent[], config: ConfigSet, navUsd: number, instrumentOf: (s: string) => Instrument | undefined): { intents: Intent[]; decisions: Decision[] } {
  const risk = config.risk_limits;
  const g = risk.global;
  const intents: Intent[] = [];
  const decisions: Decision[] = [];
  const perStrategy = new Map<string, { count: number; navPct: number }>();
  const perSlot = new Map<string, number>();
  let gross = 0;
  let net = 0;
  const ordered = [...protos].sort((a, b) => b.strength - a.strength || a.strategy.localeCompare(b.strategy) || a.symbol.localeCompare(b.symbol));
  for (const p of ordered) {
    const s = config.strategy_config.strategies[p.strategy];
    const inst = instrumentOf(p.symbol);
    const requestedUsd = (navUsd * p.requestedNavPct) / 100;
    const veto = (reasons: VetoReason[], details: Decision['details']) =>
      decisions.push({ intent: p, outcome: 'veto', reasons, requestedNotionalUsd: requestedUsd, approvedNotionalUsd: 0, details });
    if (s === undefined || inst === undefined) {
      veto(['symbol_disabled'], { known_strategy: s !== undefined, known_symbol: inst !== undefined });
      continue;
    }
    const symLim = risk.per_symbol[p.symbol];
    const stratLim = risk.per_strategy[p.strategy];
    if (symLim?.enabled === false) {
      veto(['symbol_disabled'], { symbol: p.symbol });
      continue;
    }
    if (!p.tradable) {
      veto(['volatility_bucket'], { reason: p.reason });
      continue;
    }
    const maxLev = Math.min(g.max_leverage, stratLim?.max_leverage ?? Infinity, symLim?.max_leverage ?? Infinity, inst.maxLeverage || Infinity);
    if (p.leverage > maxLev) {
      veto(['leverage_exceeded'], { leverage: p.leverage, limit: maxLev });
      continue;
    }
    // cuts: trade size, symbol exposure, order notional
    const cuts: VetoReason[] = [];
    let pct = p.requestedNavPct;
    const tradeCap = Math.min(s.max_trade_nav_pct, g.max_trade_nav_pct);
    if (pct > tradeCap) {
      cuts.push('trade_gt_nav_pct');
      pct = tradeCap;
    }
    const symbolCap = symLim?.max_nav_pct ?? g.max_symbol_nav_pct;
    if (pct > symbolCap) {
      cuts.push('symbol_exposure');
      pct = symbolCap;
    }
    const notionalCap = symLim?.max_order_notional_usd ?? g.max_order_notional_usd;
    if ((navUsd * pct) / 100 > notionalCap) {
      cuts.push('order_notional');
      pct = (100 * notionalCap) / navUsd;
    }
    const qty = inst.roundQtyDown((navUsd * pct) / 100 / p.price);
    const notionalUsd = qty * p.price;
    if (notionalUsd < inst.minNotional) {
      veto(['min_notional'], { notional_usd: notionalUsd, min_notional_usd: inst.minNotional, nav_pct: pct });
      continue;
    }
    const st = perStrategy.get(p.strategy) ?? { count: 0, navPct: 0 };
    if (st.count >= Math.min(s.max_concurrent_positions, stratLim?.max_concurrent_positions ?? Infinity)) {
      veto(['max_positions'], { strategy_positions: st.count, limit: s.max_concurrent_positions });
      continue;
    }
    const slot = `${p.strategy}|${p.symbol}`;
    if ((perSlot.get(slot) ?? 0) >= s.symbol_slots) {
      veto(['symbol_slots'], { slots: s.symbol_slots });
      continue;
    }
    const navPct = (100 * notionalUsd) / navUsd;
    const strategyCap = Math.min(s.max_nav_pct, stratLim?.max_nav_pct ?? Infinity);
    if (st.navPct + navPct > strategyCap + 1e-9) {
      veto(['strategy_exposure'], { strategy_nav_pct: st.navPct, trade_nav_pct: navPct, limit_pct: strategyCap });
      continue;
    }
    if (intents.length >= g.max_concurrent_positions) {
      veto(['max_positions'], { positions: intents.length, limit: g.max_concurrent_positions });
      continue;
    }
    if (gross + navPct > g.max_gross_exposure_pct + 1e-9) {
      veto(['global_exposure'], { gross_pct: gross, trade_nav_pct: navPct, limit_pct: g.max_gross_exposure_pct });
      continue;
    }
    const signed = p.side === 'buy' ? navPct : -navPct;
    if (Math.abs(net + signed) > g.max_net_exposure_pct + 1e-9) {
      veto(['net_exposure'], { net_pct: net, trade_nav_pct: signed, limit_pct: g.max_net_exposure_pct });
      continue;
    }
    if (cuts.length > 0)
      decisions.push({ intent: p, outcome: 'cut', reasons: cuts, requestedNotionalUsd: requestedUsd, approvedNotionalUsd: notionalUsd, details: { requested_nav_pct: p.requestedNavPct, approved_nav_pct: navPct, trade_cap_pct: tradeCap, symbol_cap_pct: symbolCap, order_notional_cap_usd: notionalCap } });
    perStrategy.set(p.strategy, { count: st.count + 1, navPct: st.navPct + navPct });
    perSlot.set(slot, (perSlot.get(slot) ?? 0) + 1);
    gross += navPct;
    net += signed;
    intents.push({ ...p, rank: intents.length + 1, navPct, notionalUsd, qty, cuts });
  }
  return { intents, decisions };
}
