import type { Instrument } from '../domain/instrument.js';

/** What a strategy asks for. */
export type SizeTarget =
  /** A share of NAV as notional. */
  | { readonly kind: 'nav_pct'; readonly pct: number }
  /** Notional whose annualised volatility meets a target: pct = 100 · target / realised. */
  | { readonly kind: 'vol_target'; readonly targetVolPct: number; readonly realizedVolPct: number };

/** Inputs of the size model. */
export interface SizeInput {
  readonly navUsd: number;
  readonly price: number;
  readonly side: 'buy' | 'sell';
  readonly target: SizeTarget;
  readonly instrument: Instrument;
  readonly caps: {
    readonly maxTradeNavPct: number;
    readonly maxSymbolNavPct: number;
    readonly maxOrderNotionalUsd: number;
    readonly maxLeverage: number;
  };
  /** The strategy's configured leverage. */
  readonly leverage: number;
  /** Optional Kelly scaling: f* = edge / variance of returns, times `fraction`, never above `capPct`. */
  readonly kelly?: { readonly edge: number; readonly variance: number; readonly fraction: number; readonly capPct: number };
}

/** One cap or rule that changed the size, and the size before and after it. */
export interface Binding {
  readonly rule: 'max_trade_nav_pct' | 'max_symbol_nav_pct' | 'max_order_notional_usd' | 'kelly' | 'leverage_bracket' | 'lot_step' | 'min_notional';
  readonly beforeNavPct: number;
  readonly afterNavPct: number;
}

export interface SizeResult {
  readonly side: 'buy' | 'sell';
  readonly navPct: number;
  readonly notionalUsd: number;
  readonly qty: number;
  readonly leverage: number;
  /** Every rule that bound, in the order applied: the size explains itself. */
  readonly bindings: Binding[];
}

/**
 * The deterministic size model: NAV, price, volatility and caps in; notional, side, leverage and a
 * quantity rounded down to the venue's lot out. Each cap that bound is recorded. A size below the venue's
 * minimum notional comes out as zero (with its binding), never rounded up.
 */
export function sizeOrder(i: SizeInput): SizeResult {
  const bindings: Binding[] = [];
  let pct = i.target.kind === 'nav_pct' ? i.target.pct : (100 * i.target.targetVolPct) / Math.max(i.target.realizedVolPct, 1e-9);
  const bind = (rule: Binding['rule'], to: number) => {
    if (to < pct - 1e-12) {
      bindings.push({ rule, beforeNavPct: pct, afterNavPct: to });
      pct = to;
    }
  };
  if (i.kelly !== undefined && i.kelly.variance > 0) bind('kelly', Math.max(0, Math.min(i.kelly.capPct, (100 * i.kelly.fraction * i.kelly.edge) / i.kelly.variance)));
  bind('max_trade_nav_pct', i.caps.maxTradeNavPct);
  bind('max_symbol_nav_pct', i.caps.maxSymbolNavPct);
  bind('max_order_notional_usd', (100 * i.caps.maxOrderNotionalUsd) / i.navUsd);
  // leverage: what the strategy asks, within the caps and the venue's bracket at this notional
  let leverage = Math.min(i.leverage, i.caps.maxLeverage);
  const bracketCap = i.instrument.maxNotionalAtLeverage(leverage);
  if (bracketCap > 0) bind('leverage_bracket', (100 * bracketCap) / i.navUsd);
  leverage = Math.max(1, Math.min(leverage, i.instrument.maxLeverageAt((i.navUsd * pct) / 100) || leverage));
  const qty = i.instrument.roundQtyDown((i.navUsd * pct) / 100 / i.price);
  bind('lot_step', (100 * qty * i.price) / i.navUsd);
  let notionalUsd = qty * i.price;
  let finalQty = qty;
  if (notionalUsd < i.instrument.minNotional) {
    bindings.push({ rule: 'min_notional', beforeNavPct: pct, afterNavPct: 0 });
    pct = 0;
    notionalUsd = 0;
    finalQty = 0;
  }
  return { side: i.side, navPct: pct, notionalUsd, qty: finalQty, leverage, bindings };
}
