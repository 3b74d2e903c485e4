/** Exchange filters of a symbol, as numbers, from Binance exchangeInfo. */
export interface InstrumentFilters {
  readonly tickSize: number;
  readonly minPrice: number;
  readonly maxPrice: number;
  readonly stepSize: number;
  readonly minQty: number;
  readonly maxQty: number;
  readonly marketStepSize: number;
  readonly marketMinQty: number;
  readonly marketMaxQty: number;
  /** Smallest order notional in quote currency; reduce-only orders are exempt on Binance. */
  readonly minNotional: number;
  /** PERCENT_PRICE bounds as multipliers of the mark price. */
  readonly percentPriceUp: number;
  readonly percentPriceDown: number;
  readonly maxNumOrders: number;
  readonly maxNumAlgoOrders: number;
}

/** One leverage / maintenance-margin bracket (Binance `/fapi/v1/leverageBracket`). */
export interface LeverageBracket {
  readonly bracket: number;
  readonly initialLeverage: number;
  readonly notionalFloor: number;
  readonly notionalCap: number;
  readonly maintMarginRatio: number;
  /** Maintenance amount: maintenance margin = notional × maintMarginRatio − cum. */
  readonly cum: number;
}

/** A tradable contract with its filters and brackets. */
export interface InstrumentSpec {
  readonly symbol: string;
  readonly baseAsset: string;
  readonly quoteAsset: string;
  readonly marginAsset: string;
  readonly contractType: string;
  readonly status: string;
  readonly filters: InstrumentFilters;
  /** Text of tick and step as the venue wrote them, which fixes the decimals of what we send. */
  readonly tickSizeText: string;
  readonly stepSizeText: string;
  readonly brackets: readonly LeverageBracket[];
}

/** The whole number of grid units `units` stands for, when it is within float noise of one. */
export function gridUnits(units: number): number | undefined {
  const nearest = Math.round(units);
  return Math.abs(units - nearest) <= 1e-9 + Math.abs(units) * 1e-12 ? nearest : undefined;
}

/** Decimals implied by a grid size written as text: "0.10" → 1, "0.001" → 3, "1" → 0. */
export function decimalsOf(sizeText: string): number {
  const dot = sizeText.indexOf('.');
  if (dot < 0) return 0;
  return sizeText.slice(dot + 1).replace(/0+$/, '').length;
}

/**
 * Instruments by symbol (an `InstrumentCatalog` is one). Passed as the object, not as a closure over it:
 * hot code calling a closure made per run (a sweep worker makes a run per point) was compiled by V8
 * against the first run's closure and thrown away at the next run's.
 */
export interface InstrumentLookup {
  get(symbol: string): Instrument | undefined;
}

/**
 * An instrument: the one place that puts prices and quantities on the venue's grid and writes them
 * as exact decimal strings.
 */
export class Instrument {
  readonly priceDecimals: number;
  readonly qtyDecimals: number;
  constructor(readonly spec: InstrumentSpec) {
    this.priceDecimals = decimalsOf(spec.tickSizeText);
    this.qtyDecimals = decimalsOf(spec.stepSizeText);
  }
  get symbol(): string {
    return this.spec.symbol;
  }
  get minNotional(): number {
    return this.spec.filters.minNotional;
  }
  /** Highest leverage the venue allows at all (the first bracket's). */
  get maxLeverage(): number {
    return this.spec.brackets.reduce((m, b) => Math.max(m, b.initialLeverage), 0);
  }
  /** Highest leverage the venue allows for a position of `notional`. */
  maxLeverageAt(notional: number): number {
    const b = this.spec.brackets.find((x) => notional >= x.notionalFloor && notional < x.notionalCap) ?? this.spec.brackets.at(-1);
    return b?.initialLeverage ?? 0;
  }
  /** Largest notional a position may reach at `leverage` under the brackets. */
  maxNotionalAtLeverage(leverage: number): number {
    return this.spec.brackets.filter((b) => b.initialLeverage >= leverage).reduce((m, b) => Math.max(m, b.notionalCap), 0);
  }
  /** Rounds a quantity down to the lot step; rounding up could exceed the risk budget. */
  roundQtyDown(qty: number): number {
    return this.toGrid(qty, this.spec.filters.stepSize, this.qtyDecimals, Math.floor);
  }
  /** Rounds a price to the tick: down for buys, up for sells, so a limit never becomes more aggressive. */
  roundPrice(price: number, side: 'buy' | 'sell'): number {
    return this.toGrid(price, this.spec.filters.tickSize, this.priceDecimals, side === 'buy' ? Math.floor : Math.ceil);
  }
  /** Exact decimal text of a quantity already on the grid. */
  formatQty(qty: number): string {
    return qty.toFixed(this.qtyDecimals);
  }
  /** Exact decimal text of a price already on the grid. */
  formatPrice(price: number): string {
    return price.toFixed(this.priceDecimals);
  }
  /**
   * A value within float noise of a grid point is that grid point (0.003 / 0.001 is 2.9999999999999996);
   * anything else is rounded the safe way.
   */
  private toGrid(value: number, size: number, decimals: number, round: (x: number) => number): number {
    const units = value / size;
    return Number(((gridUnits(units) ?? round(units)) * size).toFixed(decimals));
  }
}
