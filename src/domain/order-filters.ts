import { gridUnits, type Instrument } from './instrument.js';

/** The exchange filter an order breaks, as Binance names it, with the numbers. */
export interface FilterViolation {
  readonly filter: 'PRICE_FILTER' | 'LOT_SIZE' | 'MARKET_LOT_SIZE' | 'MIN_NOTIONAL' | 'PERCENT_PRICE';
  readonly detail: string;
}

/** What the filters look at in an order. */
export interface FilterableOrder {
  /** Market orders are checked against MARKET_LOT_SIZE, the others against LOT_SIZE and PRICE_FILTER. */
  readonly type: 'market' | 'limit' | 'stop_market' | 'take_profit_market';
  readonly qty: number;
  /** Limit price; absent for market and stop-market orders. */
  readonly price?: number | undefined;
  /** Trigger price of stop and take-profit orders. */
  readonly stopPrice?: number | undefined;
  /** Mark price now: prices market-order notional and bounds PERCENT_PRICE. */
  readonly markPrice: number;
  readonly reduceOnly: boolean;
}

/** True when `value` is a whole multiple of `size` (up to float noise). */
export function onGrid(value: number, size: number): boolean {
  return size <= 0 || gridUnits(value / size) !== undefined;
}

/** Whether the order's quantity and prices already sit on the instrument's step and tick grids. */
export function orderOnGrid(inst: Instrument, o: { readonly qty: number; readonly price?: number | undefined; readonly stopPrice?: number | undefined }): boolean {
  const { stepSize, tickSize } = inst.spec.filters;
  return onGrid(o.qty, stepSize) && (o.price === undefined || onGrid(o.price, tickSize)) && (o.stopPrice === undefined || onGrid(o.stopPrice, tickSize));
}

/**
 * Checks an order against the symbol's filters as Binance USD-M does, returning every violation
 * (empty when the venue would accept it). Reduce-only orders are exempt from MIN_NOTIONAL, as on Binance
 * (`-4164 … unless you choose reduce only`): closing must always be possible.
 */
export function checkOrderFilters(inst: Instrument, o: FilterableOrder): FilterViolation[] {
  const f = inst.spec.filters;
  const out: FilterViolation[] = [];
  const isMarket = o.type === 'market' || o.type === 'stop_market' || o.type === 'take_profit_market';
  const [lot, minQty, maxQty, step] = isMarket
    ? (['MARKET_LOT_SIZE', f.marketMinQty, f.marketMaxQty, f.marketStepSize] as const)
    : (['LOT_SIZE', f.minQty, f.maxQty, f.stepSize] as const);
  if (!(o.qty >= minQty && o.qty <= maxQty)) out.push({ filter: lot, detail: `quantity ${o.qty} outside [${minQty}, ${maxQty}]` });
  if (!onGrid(o.qty, step)) out.push({ filter: lot, detail: `quantity ${o.qty} is not a multiple of the step ${step}` });
  for (const [name, px] of [['price', o.price], ['stop price', o.stopPrice]] as const) {
    if (px === undefined) continue;
    if (!(px >= f.minPrice && px <= f.maxPrice)) out.push({ filter: 'PRICE_FILTER', detail: `${name} ${px} outside [${f.minPrice}, ${f.maxPrice}]` });
    if (!onGrid(px, f.tickSize)) out.push({ filter: 'PRICE_FILTER', detail: `${name} ${px} is not a multiple of the tick ${f.tickSize}` });
  }
  if (o.price !== undefined) {
    const lo = o.markPrice * f.percentPriceDown;
    const hi = o.markPrice * f.percentPriceUp;
    if (o.price < lo || o.price > hi) out.push({ filter: 'PERCENT_PRICE', detail: `price ${o.price} outside [${lo}, ${hi}] around mark ${o.markPrice}` });
  }
  const notional = o.qty * (o.price ?? o.markPrice);
  if (!o.reduceOnly && notional < f.minNotional) out.push({ filter: 'MIN_NOTIONAL', detail: `notional ${notional} below ${f.minNotional}` });
  return out;
}
