import { z } from 'zod';
import { idField, leverageField, pctField, schemaRefField, schemaVersionField, symbolField } from '../fields.js';

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Limits that apply to the whole account. */
export const GlobalLimitsSchema = z
  .strictObject({
    max_leverage: leverageField.default(3).describe('Highest leverage any position may use'),
    max_gross_exposure_pct: pctField('Sum of |notional| over NAV', 1000).default(150),
    max_net_exposure_pct: pctField('|Σ signed notional| over NAV', 1000).default(100),
    daily_loss_limit_pct: pctField('Loss from the day-start NAV that moves trading to reduce-only').default(3),
    max_drawdown_pct: pctField('Drawdown from the high-water mark that moves trading to reduce-only').default(15),
    nav_max_age_s: z.number().int().min(1).max(86_400).default(300).describe('NAV older than this blocks new risk'),
    max_trade_nav_pct: pctField('Largest share of NAV one order may add').default(5),
    max_symbol_nav_pct: pctField('Largest share of NAV one symbol may hold').default(25),
    max_order_notional_usd: z.number().positive().default(5_000).describe('Largest notional of one order, USD'),
    max_concurrent_positions: z.number().int().min(1).max(500).default(8).describe('Open positions at once'),
    max_open_orders: z.number().int().min(1).max(1000).default(20).describe('Resting orders at once'),
    day_reset_timezone: z
      .string()
      .refine(isTimeZone, 'an IANA time zone such as "UTC" or "Europe/London"')
      .default('UTC')
      .describe('Time zone whose midnight starts a new trading day for the daily loss limit'),
    cooldown_after_loss_s: z.number().int().min(0).default(3_600).describe('No new entry on a symbol for this long after a losing exit'),
    veto_streak: z
      .strictObject({
        count: z.number().int().min(1).default(5),
        window_s: z.number().int().min(1).default(900),
        cooldown_s: z.number().int().min(0).default(1_800),
      })
      .default({ count: 5, window_s: 900, cooldown_s: 1_800 })
      .describe('count vetoes on one symbol within window_s pause it for cooldown_s'),
    require_stop: z.boolean().default(true).describe('Entries without a protective stop are vetoed (missing_stop)'),
  })
  .superRefine((g, ctx) => {
    if (g.max_net_exposure_pct > g.max_gross_exposure_pct)
      ctx.addIssue({ code: 'custom', path: ['max_net_exposure_pct'], message: `at most max_gross_exposure_pct (${g.max_gross_exposure_pct})` });
    if (g.max_trade_nav_pct > g.max_symbol_nav_pct)
      ctx.addIssue({ code: 'custom', path: ['max_trade_nav_pct'], message: `at most max_symbol_nav_pct (${g.max_symbol_nav_pct})` });
  });

/** Limits that narrow the global ones for one symbol. */
export const SymbolLimitsSchema = z.strictObject({
  max_leverage: leverageField.optional(),
  max_nav_pct: pctField('Largest share of NAV this symbol may hold').optional(),
  max_order_notional_usd: z.number().positive().optional(),
  enabled: z.boolean().default(true).describe('false blocks new entries on this symbol (exits stay allowed)'),
});

/** Limits that narrow the global ones for one strategy. */
export const StrategyLimitsSchema = z.strictObject({
  max_leverage: leverageField.optional(),
  max_nav_pct: pctField('Largest share of NAV this strategy may hold').optional(),
  max_concurrent_positions: z.number().int().min(1).optional(),
  max_open_orders: z.number().int().min(1).optional(),
  daily_loss_limit_pct: pctField('Loss of this strategy from day start that pauses it').optional(),
});

/** `config/risk_limits.json`: what the risk engine enforces. */
export const RiskLimitsSchema = z.strictObject({
  $schema: schemaRefField,
  schema_version: schemaVersionField,
  global: GlobalLimitsSchema,
  order_rate: z
    .strictObject({
      orders_per_10s: z.number().int().min(1).default(50),
      orders_per_minute: z.number().int().min(1).default(300),
    })
    .default({ orders_per_10s: 50, orders_per_minute: 300 })
    .describe("Our own order-rate ceiling per account; must stay under the venue's"),
  portfolio: z
    .strictObject({
      target_vol_pct: z.number().positive().max(500).default(60).describe('Annualised portfolio volatility the covariance-aware allocator scales proposals down to'),
      cov_lookback_bars: z.number().int().min(24).max(20_000).default(720).describe('1h bars of returns in the rolling covariance'),
    })
    .default({ target_vol_pct: 60, cov_lookback_bars: 720 })
    .describe('Covariance-aware allocation of the proposed positions'),
  per_symbol: z.record(symbolField, SymbolLimitsSchema).default({}),
  per_strategy: z.record(idField, StrategyLimitsSchema).default({}),
});
export type RiskLimitsConfig = z.infer<typeof RiskLimitsSchema>;
