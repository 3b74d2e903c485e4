/** Machine-readable reasons an intent or order is dropped or cut. Closed set; extend here only. */
export const VetoReasons = [
  'trade_gt_nav_pct',
  'leverage_exceeded',
  'min_notional',
  'symbol_exposure',
  'strategy_exposure',
  'global_exposure',
  'net_exposure',
  'order_notional',
  'max_positions',
  'symbol_slots',
  'max_open_orders',
  'order_rate',
  'cooldown',
  'veto_streak',
  'nav_stale',
  'nav_missing',
  'daily_loss',
  'drawdown',
  'kill_switch',
  'reduce_only_state',
  'missing_stop',
  'symbol_disabled',
  'volatility_bucket',
  'router_blocked',
  'covariance_cut',
] as const;
export type VetoReason = (typeof VetoReasons)[number];

/** Where in the cycle a veto was decided. */
export const VetoStages = ['screener', 'intent_builder', 'risk', 'allocator', 'router'] as const;
export type VetoStage = (typeof VetoStages)[number];
