/**
 * ACTIVE: everything allowed. REDUCING: only orders that reduce a position (a critical guard tripped:
 * daily loss, drawdown, repeated venue errors, stale data). HALTED: the kill switch; no new risk, resting
 * orders cancelled. Leaving REDUCING or HALTED takes an explicit operator command.
 */
export const TradingStates = ['ACTIVE', 'REDUCING', 'HALTED'] as const;
export type TradingState = (typeof TradingStates)[number];

/** Severity order: a guard can only make the state stricter on its own. */
export const strictness: Record<TradingState, number> = { ACTIVE: 0, REDUCING: 1, HALTED: 2 };
