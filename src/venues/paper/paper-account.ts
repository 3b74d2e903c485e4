import type { LeverageBracket } from '../../domain/instrument.js';
import type { Balance, OrderSide, Position } from '../../domain/order.js';
import { isolatedLiquidationPrice, maintenanceMargin } from './liquidation.js';

export interface PositionState {
  qty: number;
  entryPrice: number;
  leverage: number;
  /** Isolated margin: posted at entry, topped by funding received, drained by funding paid. */
  margin: number;
}

/** The paper account as data, for checkpoints. */
export interface PaperAccountState {
  readonly wallet: number;
  readonly positions: [string, PositionState][];
  readonly marks: [string, number][];
}

/** What one fill did to the account. */
export interface FillEffect {
  readonly realizedPnlUsd: number;
  /** Quantity that reduced an existing position. */
  readonly closedQty: number;
}

/**
 * The paper account: USDT wallet and isolated one-way positions. Wallet balance includes the posted
 * margins; NAV (margin balance) is wallet + unrealised PnL at mark; available = wallet − posted margin.
 */
export class PaperAccount {
  private wallet: number;
  private readonly positions = new Map<string, PositionState>();
  /** Marks in boxes updated in place: a backtest moves a mark every bar, and a number stored in a Map is a new heap object each time. */
  private readonly marks = new Map<string, { price: number }>();
  /** The positions with their marks, for NAV every bar; rebuilt after a position or a symbol's first mark changes the set. */
  private held: { pos: PositionState; mark: { price: number } | undefined }[] | null = null;

  constructor(startingBalanceUsd: number) {
    this.wallet = startingBalanceUsd;
  }

  /** The account as plain data (a deep copy). */
  snapshot(): PaperAccountState {
    return { wallet: this.wallet, positions: [...this.positions].map(([k, v]) => [k, { ...v }]), marks: [...this.marks].map(([k, m]) => [k, m.price]) };
  }

  /** Replaces the account's state with a snapshot. */
  restore(state: PaperAccountState): void {
    this.wallet = state.wallet;
    this.positions.clear();
    for (const [k, v] of state.positions) this.positions.set(k, { ...v });
    this.marks.clear();
    for (const [k, v] of state.marks) this.marks.set(k, { price: v });
    this.held = null;
  }

  setMark(symbol: string, price: number): void {
    const m = this.marks.get(symbol);
    if (m !== undefined) m.price = price;
    else {
      this.marks.set(symbol, { price });
      this.held = null;
    }
  }
  markOf(symbol: string): number | undefined {
    return this.marks.get(symbol)?.price;
  }
  /** Whether no position is held. */
  isFlat(): boolean {
    return this.positions.size === 0;
  }
  /** Signed quantity held on `symbol`. */
  qtyOf(symbol: string): number {
    return this.positions.get(symbol)?.qty ?? 0;
  }

  /** Applies a fill at `price`, opening, adding to, reducing, closing or flipping the position. */
  applyFill(symbol: string, side: OrderSide, qty: number, price: number, feeUsd: number, leverage: number): FillEffect {
    const signed = side === 'buy' ? qty : -qty;
    const pos = this.positions.get(symbol) ?? { qty: 0, entryPrice: 0, leverage, margin: 0 };
    this.held = null;
    this.wallet -= feeUsd;
    let realized = 0;
    let closed = 0;
    if (pos.qty !== 0 && Math.sign(pos.qty) !== Math.sign(signed)) {
      closed = Math.min(Math.abs(pos.qty), qty);
      realized = (price - pos.entryPrice) * closed * Math.sign(pos.qty);
      this.wallet += realized;
      pos.margin -= pos.margin * (closed / Math.abs(pos.qty));
      pos.qty += Math.sign(signed) * closed;
    }
    const opened = qty - closed;
    if (opened > 0) {
      const newQty = pos.qty + Math.sign(signed) * opened;
      pos.entryPrice = pos.qty === 0 ? price : (pos.entryPrice * Math.abs(pos.qty) + price * opened) / Math.abs(newQty);
      pos.leverage = pos.qty === 0 ? leverage : pos.leverage;
      pos.margin += (opened * price) / pos.leverage;
      pos.qty = newQty;
    }
    if (Math.abs(pos.qty) < 1e-12) this.positions.delete(symbol);
    else this.positions.set(symbol, pos);
    return { realizedPnlUsd: realized, closedQty: closed };
  }

  /** Pays or receives funding on `symbol`: longs pay `rate × notional at mark` when the rate is positive. */
  applyFunding(symbol: string, rate: number, markPrice: number): number {
    const pos = this.positions.get(symbol);
    if (pos === undefined) return 0;
    const payment = -pos.qty * markPrice * rate;
    this.wallet += payment;
    pos.margin += payment;
    return payment;
  }

  /**
   * Whether the position on `symbol` is liquidated at `price`: isolated margin + unrealised PnL at that
   * price has fallen to the maintenance margin of the bracket. Returns the liquidation price if so.
   */
  liquidationAt(symbol: string, price: number, brackets: readonly LeverageBracket[]): number | null {
    const pos = this.positions.get(symbol);
    if (pos === undefined) return null;
    const equity = pos.margin + (price - pos.entryPrice) * pos.qty;
    if (equity > maintenanceMargin(brackets, Math.abs(pos.qty) * price)) return null;
    return isolatedLiquidationPrice({ qty: pos.qty, entryPrice: pos.entryPrice, marginUsd: pos.margin, markPrice: price, brackets }) ?? price;
  }

  /** Closes the position as the venue's liquidation does: the whole isolated margin is lost. */
  liquidate(symbol: string): { qty: number; realizedPnlUsd: number } {
    const pos = this.positions.get(symbol);
    if (pos === undefined) return { qty: 0, realizedPnlUsd: 0 };
    this.positions.delete(symbol);
    this.held = null;
    this.wallet -= pos.margin;
    return { qty: pos.qty, realizedPnlUsd: -pos.margin };
  }

  /** Every position at its mark, in the order they were opened. */
  allPositions(bracketsOf: (symbol: string) => readonly LeverageBracket[]): Position[] {
    const out: Position[] = [];
    for (const [symbol, pos] of this.positions) {
      const mark = this.marks.get(symbol)?.price ?? pos.entryPrice;
      out.push({
        symbol,
        qty: pos.qty,
        entryPrice: pos.entryPrice,
        leverage: pos.leverage,
        marginUsd: pos.margin,
        markPrice: mark,
        unrealizedPnlUsd: (mark - pos.entryPrice) * pos.qty,
        liquidationPrice: isolatedLiquidationPrice({ qty: pos.qty, entryPrice: pos.entryPrice, marginUsd: pos.margin, markPrice: mark, brackets: bracketsOf(symbol) }),
      });
    }
    return out;
  }

  /** wallet + unrealised PnL at mark, summed as `balance` sums it. */
  marginBalance(): number {
    let held = this.held;
    if (held === null) {
      // pushed, not mapped: Array.prototype.map's arrays change elements kind with the caller's tier (V8)
      held = [];
      for (const [symbol, pos] of this.positions) held.push({ pos, mark: this.marks.get(symbol) });
      this.held = held;
    }
    let upnl = 0;
    for (let k = 0; k < held.length; k++) {
      const { pos, mark } = held[k] as (typeof held)[number];
      upnl += ((mark?.price ?? pos.entryPrice) - pos.entryPrice) * pos.qty;
    }
    return this.wallet + upnl;
  }

  balance(reservedUsd = 0): Balance {
    let upnl = 0;
    let posted = 0;
    for (const [symbol, pos] of this.positions) {
      upnl += ((this.marks.get(symbol)?.price ?? pos.entryPrice) - pos.entryPrice) * pos.qty;
      posted += pos.margin;
    }
    return {
      asset: 'USDT',
      walletBalance: this.wallet,
      unrealizedPnl: upnl,
      marginBalance: this.wallet + upnl,
      availableBalance: this.wallet - posted - reservedUsd + Math.min(0, upnl),
    };
  }
}
