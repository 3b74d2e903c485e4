import { z } from 'zod';
import { idField, leverageField, pctField, schemaRefField, schemaVersionField, symbolField, timeframeField } from '../fields.js';

/** How a strategy's protective stop is placed. */
export const StopSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('atr'),
    multiple: z.number().positive().max(50).describe('Stop distance in ATR(14) multiples'),
  }),
  z.strictObject({
    type: z.literal('pct'),
    pct: pctField('Stop distance from entry', 50),
  }),
  z.strictObject({
    type: z.literal('none'),
    reason: z.string().min(10).describe('Why this strategy trades without a stop; `hedge audit` reports it'),
  }),
]);

/** Per-strategy settings. */
export const StrategySettingsSchema = z
  .strictObject({
    timeframe: timeframeField,
    symbols: z
      .array(symbolField)
      .min(1)
      .optional()
      .describe('Symbols this strategy trades; omitted means the whole universe'),
    leverage: leverageField.default(2),
    max_nav_pct: pctField('Largest share of NAV this strategy may hold across its positions').default(25),
    trade_nav_percentage: pctField('Share of NAV a new entry aims for').default(2),
    max_trade_nav_pct: pctField('Largest share of NAV one entry may take').default(5),
    max_concurrent_positions: z.number().int().min(1).max(100).default(3).describe('Open positions at once'),
    symbol_slots: z.number().int().min(1).max(10).default(1).describe('Concurrent entries per symbol'),
    signal_granularity: z
      .enum(['bar_close', 'cycle'])
      .default('bar_close')
      .describe('bar_close: evaluate once per closed bar; cycle: every executor cycle'),
    stop: StopSchema.default({ type: 'atr', multiple: 2 }).describe('Protective stop placed with every entry'),
    take_profit_pct: pctField('Optional take-profit distance from entry', 500).optional(),
    params: z
      .record(z.string(), z.unknown())
      .default({})
      .describe("The plugin's parameters; validated by the plugin's own schema in `hedge audit` and at load"),
  })
  .superRefine((s, ctx) => {
    if (s.trade_nav_percentage > s.max_trade_nav_pct)
      ctx.addIssue({
        code: 'custom',
        path: ['trade_nav_percentage'],
        message: `at most max_trade_nav_pct (${s.max_trade_nav_pct})`,
      });
    if (s.max_trade_nav_pct > s.max_nav_pct)
      ctx.addIssue({ code: 'custom', path: ['max_trade_nav_pct'], message: `at most max_nav_pct (${s.max_nav_pct})` });
  });

/** A volatility bucket: bars whose ATR% is at most `max_atr_pct` (no bound for the last). */
export const VolatilityBucketSchema = z.strictObject({
  name: idField,
  max_atr_pct: z.number().positive().nullable().describe('Upper bound of ATR(14) as % of close; null = unbounded'),
  tradable: z.boolean().default(true).describe('Whether entries are allowed in this bucket'),
});

/** `config/strategy_config.json`: the universe and how each strategy trades it. */
export const StrategyConfigSchema = z
  .strictObject({
    $schema: schemaRefField,
    schema_version: schemaVersionField,
    universe: z.array(symbolField).min(1).describe('Every symbol any strategy may trade'),
    volatility_buckets: z
      .array(VolatilityBucketSchema)
      .min(1)
      .describe('Ascending buckets by ATR%; the last must be unbounded (null)'),
    strategies: z.record(idField, StrategySettingsSchema).describe('Settings per strategy id of the registry'),
  })
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.universe.forEach((s, i) => {
      if (seen.has(s)) ctx.addIssue({ code: 'custom', path: ['universe', i], message: `a symbol listed once (${s} repeats)` });
      seen.add(s);
    });
    let prev = 0;
    c.volatility_buckets.forEach((b, i) => {
      const last = i === c.volatility_buckets.length - 1;
      if (last && b.max_atr_pct !== null)
        ctx.addIssue({ code: 'custom', path: ['volatility_buckets', i, 'max_atr_pct'], message: 'null (the last bucket is unbounded)' });
      if (!last && b.max_atr_pct === null)
        ctx.addIssue({ code: 'custom', path: ['volatility_buckets', i, 'max_atr_pct'], message: 'a number (only the last bucket is unbounded)' });
      if (b.max_atr_pct !== null && b.max_atr_pct <= prev)
        ctx.addIssue({ code: 'custom', path: ['volatility_buckets', i, 'max_atr_pct'], message: `a bound above the previous bucket's (${prev})` });
      if (b.max_atr_pct !== null) prev = b.max_atr_pct;
    });
    const universe = new Set(c.universe);
    for (const [id, s] of Object.entries(c.strategies))
      s.symbols?.forEach((sym, i) => {
        if (!universe.has(sym))
          ctx.addIssue({ code: 'custom', path: ['strategies', id, 'symbols', i], message: `a symbol of the universe (${sym} is not in it)` });
      });
  });
export type StrategyConfig = z.infer<typeof StrategyConfigSchema>;
export type StrategySettings = z.infer<typeof StrategySettingsSchema>;
