import type { z } from 'zod';
import type { Timeframe } from '../domain/timeframe.js';

/**
 * What a strategy plugin declares about itself: enough for `hedge audit` to check a config against it
 * without running it. The signal logic (`onBar`) joins the declaration in the strategies module.
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
}

/** Declares a strategy plugin; keeps the parameter type tied to its schema. */
export function defineStrategy<P extends z.ZodType>(decl: StrategyDeclaration<P>): StrategyDeclaration<P> {
  return Object.freeze(decl);
}
