import type { Candle } from '../../domain/candle.js';

/**
 * The intra-bar price path the paper venue assumes, since a bar does not say which extreme came first:
 * a rising bar (close ≥ open) went open → low → high → close, a falling bar open → high → low → close.
 * Resting orders and stops fill, and positions are liquidated, in the order the path reaches their prices.
 * (The rule is the common conservative one: the adverse extreme is visited first.)
 */
export function barPath(c: Pick<Candle, 'open' | 'high' | 'low' | 'close'>): [number, number, number, number] {
  return c.close >= c.open ? [c.open, c.low, c.high, c.close] : [c.open, c.high, c.low, c.close];
}
