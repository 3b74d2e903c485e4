import type { Fill } from '../domain/order.js';
import { objectArray } from '../core/arrays.js';

/** One round trip: a position opened from flat and closed back to flat (or still open at the end). */
export interface Trade {
  readonly strategy: string;
  readonly symbol: string;
  readonly side: 'long' | 'short';
  /** Largest size the position reached, base asset. */
  readonly qty: number;
  readonly entry_ts: number;
  /** Average entry price over the fills that opened or added. */
  readonly entry_price: number;
  /** Time of the fill that closed it; null while open. */
  readonly exit_ts: number | null;
  /** Average price of the fills that reduced it; an open trade is marked at the last close. */
  readonly exit_price: number;
  /** (exit − entry) × qty, signed by side, before fees and funding. */
  readonly gross_pnl_usd: number;
  readonly fees_usd: number;
  /** Funding received (+) or paid (−) while it was open. */
  readonly funding_usd: number;
  readonly net_pnl_usd: number;
  /** Net PnL over the entry notional, %. */
  readonly return_pct: number;
  readonly open: boolean;
  /** Closed by a liquidation. */
  readonly liquidated: boolean;
}

interface Open {
  strategy: string;
  side: 1 | -1;
  qty: number;
  maxQty: number;
  entryNotional: number;
  entryQty: number;
  exitNotional: number;
  exitQty: number;
  gross: number;
  fees: number;
  funding: number;
  entryTs: number;
}

/** Builds round trips from the fills as they happen (and funding as it is paid). */
export class TradeBook {
  readonly closed: Trade[] = objectArray<Trade>();
  private readonly open = new Map<string, Open>();
  /** Traded notional, fees and funding by strategy. */
  readonly totals = new Map<string, { notional: number; fees: number; funding: number }>();

  /**
   * `owners` names the strategy a fill that opens a trade belongs to. An object with a method, not a
   * closure: a sweep worker makes a book per point, and V8 threw away `onFill`'s code at each new closure.
   */
  constructor(private readonly owners: { strategyOf(fill: Fill): string }) {}

  onFill(f: Fill): void {
    const dir = f.side === 'buy' ? 1 : -1;
    let t = this.open.get(f.symbol);
    const strategy = t?.strategy ?? this.owners.strategyOf(f);
    const tot = this.totalsOf(strategy);
    tot.notional += f.qty * f.price;
    tot.fees += f.feeUsd;
    let qty = f.qty;
    if (t !== undefined && t.side !== dir) {
      const closing = Math.min(qty, t.qty);
      const share = closing / qty;
      t.gross += (f.price - t.entryNotional / t.entryQty) * closing * t.side;
      t.exitNotional += f.price * closing;
      t.exitQty += closing;
      t.fees += f.feeUsd * share;
      t.qty -= closing;
      qty -= closing;
      if (t.qty <= 1e-12) {
        this.closed.push(this.tradeOf(f.symbol, t, f.tsMs, t.exitNotional / t.exitQty, f.liquidation));
        this.open.delete(f.symbol);
        t = undefined;
      }
    }
    if (qty <= 1e-12) return;
    const fee = (f.feeUsd * qty) / f.qty;
    if (t === undefined) {
      t = { strategy, side: dir, qty: 0, maxQty: 0, entryNotional: 0, entryQty: 0, exitNotional: 0, exitQty: 0, gross: 0, fees: 0, funding: 0, entryTs: f.tsMs };
      this.open.set(f.symbol, t);
    }
    t.qty += qty;
    t.maxQty = Math.max(t.maxQty, t.qty);
    t.entryNotional += f.price * qty;
    t.entryQty += qty;
    t.fees += fee;
  }

  onFunding(symbol: string, paidUsd: number): void {
    const t = this.open.get(symbol);
    if (t === undefined) return;
    t.funding += paidUsd;
    this.totalsOf(t.strategy).funding += paidUsd;
  }

  /** Strategy holding `symbol` now, if any. */
  holder(symbol: string): string | undefined {
    return this.open.get(symbol)?.strategy;
  }

  /** Trades still open, marked at `markOf(symbol)` without an exit fee. */
  openTrades(markOf: (symbol: string) => number): Trade[] {
    return [...this.open].map(([symbol, t]) => {
      const mark = markOf(symbol);
      const gross = t.gross + (mark - t.entryNotional / t.entryQty) * t.qty * t.side;
      return this.tradeOf(symbol, { ...t, gross }, null, mark, false);
    });
  }

  private tradeOf(symbol: string, t: Open, exitTs: number | null, exitPrice: number, liquidated: boolean): Trade {
    const net = t.gross - t.fees + t.funding;
    return {
      strategy: t.strategy, symbol, side: t.side > 0 ? 'long' : 'short', qty: t.maxQty, entry_ts: t.entryTs, entry_price: t.entryNotional / t.entryQty, exit_ts: exitTs, exit_price: exitPrice,
      gross_pnl_usd: t.gross, fees_usd: t.fees, funding_usd: t.funding, net_pnl_usd: net, return_pct: (100 * net) / t.entryNotional, open: exitTs === null, liquidated,
    };
  }

  private totalsOf(strategy: string) {
    let tot = this.totals.get(strategy);
    if (tot === undefined) this.totals.set(strategy, (tot = { notional: 0, fees: 0, funding: 0 }));
    return tot;
  }
}
