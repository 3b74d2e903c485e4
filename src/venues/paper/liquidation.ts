import type { LeverageBracket } from '../../domain/instrument.js';

/** The bracket whose notional range holds `notional` (the last one above every cap). */
export function bracketFor(brackets: readonly LeverageBracket[], notional: number): LeverageBracket | undefined {
  // a loop, not `find` with a closure: asked for every bar a position is held. for-of, not a counted loop:
  // the first bracket holds most notionals, and a counter's increment that had never run when V8 optimised
  // the code threw it away (with the liquidation checks it is inlined in) when a NAV grew into the second
  for (const b of brackets) if (notional >= b.notionalFloor && notional < b.notionalCap) return b;
  return brackets.at(-1);
}

/** Maintenance margin of a position of `notional` USD: notional × maintMarginRatio − cum (Binance). */
export function maintenanceMargin(brackets: readonly LeverageBracket[], notional: number): number {
  const b = bracketFor(brackets, notional);
  return b === undefined ? 0 : notional * b.maintMarginRatio - b.cum;
}

/**
 * Liquidation price of an isolated one-way position, Binance's formula with no other positions:
 *   LP = (WB + cum − side·|Q|·EP) / (|Q|·MMR − side·|Q|)
 * WB is the isolated margin, side +1 long / −1 short, MMR and cum from the bracket of the position's
 * notional at `markPrice`. `null` for a flat position or one that cannot be liquidated.
 */
export function isolatedLiquidationPrice(p: { qty: number; entryPrice: number; marginUsd: number; markPrice: number; brackets: readonly LeverageBracket[] }): number | null {
  if (p.qty === 0) return null;
  const b = bracketFor(p.brackets, Math.abs(p.qty) * p.markPrice);
  if (b === undefined) return null;
  const side = p.qty > 0 ? 1 : -1;
  const q = Math.abs(p.qty);
  const lp = (p.marginUsd + b.cum - side * q * p.entryPrice) / (q * b.maintMarginRatio - side * q);
  return lp > 0 ? lp : null;
}
