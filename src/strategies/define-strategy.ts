import type { z } from 'zod';
import type { CandleSeries } from '../domain/candle.js';
import type { Timeframe } from '../domain/timeframe.js';
import type { Regime } from '../ml/regimes.js';

/** Closed bars of one symbol up to and including the bar being decided on: nothing later exists here. */
export type BarsView = Omit<CandleSeries, 'symbol' | 'timeframe'>;

/** What a strategy may read when it decides. Read-only; no venue, no risk engine, no clock. */
export interface StrategyContext {
  /** Close time of the bar being decided on, UTC epoch ms. */
  readonly timeMs: number;
  readonly timeframe: Timeframe;
  /** Symbols this strategy instance trades. */
  readonly symbols: readonly string[];
  /** Bars of `symbol` up to this one, or `undefined` when there is no history. */
  bars(symbol: string): BarsView | undefined;
  /** The regime of `symbol` at this bar, when a regime model is available. */
  regime(symbol: string): Regime | null;
  /** A model score in [0, 1] for `symbol` from the feature pipeline (the ML hook), when available. */
  score(model: string, symbol: string): number | undefined;
}

/** What a strategy wants for one symbol now. Signals are proto-intents' raw material, never orders. */
export interface Signal {
  readonly symbol: string;
  /** `flat` asks to hold nothing. */
  readonly direction: 'long' | 'short' | 'flat';
  /** How strongly, for ranking across the universe (a z-score or similar; larger is stronger). */
  readonly strength: number;
  /** A target weight of NAV (notional), when the strategy sizes itself (vol target); else the config's trade size applies. */
  readonly targetNavPct?: number;
  /** Why, for people: the numbers that decided it. */
  readonly reason: string;
}

/** `directions()` value of a bar where the strategy says nothing. */
export const NO_SIGNAL = 2;

/** A strategy with its parameters bound, ready to decide bar after bar. */
export interface StrategyInstance {
  onBar(ctx: StrategyContext): Signal[];
  /**
   * Optional, for single-symbol strategies that read neither regimes nor scores: the direction `onBar`
   * gives at every bar of `bars` at once (1 long, −1 short, 0 flat, `NO_SIGNAL`), bar i decided on bars
   * 0..i only. A backtest uses it to skip the bars where nothing can happen; it must agree with `onBar`
   * bar for bar (the look-ahead test checks every plugin that declares it).
   */
  directions?(bars: BarsView): Int8Array;
}

/**
 * A strategy plugin: what it declares about itself (enough for `hedge audit` to check a config
 * without running it) and how to create an instance from its parameters.
 */
export interface StrategyDeclaration<P extends z.ZodType = z.ZodType> {
  /** Registry name, as `plugin` in strategy_registry.json. */
  readonly name: string;
  /** Version of the plugin contract it implements. */
  readonly apiVersion: 1;
  /** One line for people. */
  readonly summary: string;
  /** Timeframes the strategy can trade. */
  readonly timeframes: readonly Timeframe[];
  /** Strict zod schema of its parameters, with defaults. */
  readonly params: P;
  /** Bars of history it needs before its first signal, given its parameters. */
  warmupBars(params: z.infer<P>): number;
  /** Binds parameters (already validated by `params`). */
  create(params: z.infer<P>): StrategyInstance;
}

/** Declares a strategy plugin; keeps the parameter type tied to its schema. */
export function defineStrategy<P extends z.ZodType>(decl: StrategyDeclaration<P>): StrategyDeclaration<P> {
  return Object.freeze(decl);
}
