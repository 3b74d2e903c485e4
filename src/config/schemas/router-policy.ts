import { z } from 'zod';
import { schemaRefField, schemaVersionField, symbolField } from '../fields.js';

/** maker: post-only limits; taker: market orders; maker_first: post-only, then taker on TTL expiry if urgent. */
export const RouterModes = ['maker', 'taker', 'maker_first'] as const;

const OffsetSchema = z
  .strictObject({
    initial: z.number().min(0).max(100).describe('Starting limit offset from mid, bps'),
    min: z.number().min(0).max(100),
    max: z.number().min(0).max(100),
    tighten_step: z.number().min(0).max(50).describe('Offset change after a missed fill, bps'),
    widen_step: z.number().min(0).max(50).describe('Offset change after an adverse fill, bps'),
  })
  .superRefine((o, ctx) => {
    if (o.min > o.max) ctx.addIssue({ code: 'custom', path: ['min'], message: `at most max (${o.max})` });
    if (o.initial < o.min || o.initial > o.max)
      ctx.addIssue({ code: 'custom', path: ['initial'], message: `between min (${o.min}) and max (${o.max})` });
  });

/** How one symbol's orders are routed. */
export const SymbolPolicySchema = z.strictObject({
  mode: z.enum(RouterModes).default('maker_first'),
  offset_bps: OffsetSchema.default({ initial: 1, min: 0, max: 10, tighten_step: 0.5, widen_step: 1 }),
  ttl_s: z.number().int().min(1).max(3_600).default(30).describe('Resting time before cancel/replace'),
  max_replaces: z.number().int().min(0).max(50).default(3),
  taker_fallback: z.boolean().default(true).describe('Cross the spread after max_replaces when the intent is urgent'),
});

/**
 * A symbol's overrides: only what is written here differs from `defaults` (no defaults of its own, or
 * every override would silently reset the other fields to the schema's defaults).
 */
export const SymbolOverrideSchema = z.strictObject({
  mode: z.enum(RouterModes).optional(),
  offset_bps: OffsetSchema.optional(),
  ttl_s: z.number().int().min(1).max(3_600).optional(),
  max_replaces: z.number().int().min(0).max(50).optional(),
  taker_fallback: z.boolean().optional(),
});

const HealthThresholdsSchema = z.strictObject({
  fill_rate: z.number().min(0).max(1),
  slippage_bps: z.number().min(0),
  reject_rate: z.number().min(0).max(1),
});

/** `config/router_policy.json`: maker/taker policy and the router health model. */
export const RouterPolicySchema = z
  .strictObject({
    $schema: schemaRefField,
    schema_version: schemaVersionField,
    defaults: SymbolPolicySchema.default(SymbolPolicySchema.parse({})),
    per_symbol: z.record(symbolField, SymbolOverrideSchema).default({}),
    health: z
      .strictObject({
        window: z.number().int().min(5).max(10_000).default(50).describe('Orders considered per symbol'),
        min_samples: z.number().int().min(1).default(10),
        good: HealthThresholdsSchema.describe('At least this fill rate, at most this slippage and reject rate'),
        bad: HealthThresholdsSchema.describe('At most this fill rate, or at least this slippage or reject rate'),
        hysteresis_samples: z.number().int().min(0).default(5).describe('Consecutive samples before a state change'),
      })
      .superRefine((h, ctx) => {
        if (h.bad.fill_rate >= h.good.fill_rate)
          ctx.addIssue({ code: 'custom', path: ['bad', 'fill_rate'], message: `below good.fill_rate (${h.good.fill_rate})` });
        if (h.bad.slippage_bps <= h.good.slippage_bps)
          ctx.addIssue({ code: 'custom', path: ['bad', 'slippage_bps'], message: `above good.slippage_bps (${h.good.slippage_bps})` });
        if (h.bad.reject_rate <= h.good.reject_rate)
          ctx.addIssue({ code: 'custom', path: ['bad', 'reject_rate'], message: `above good.reject_rate (${h.good.reject_rate})` });
      }),
    bad_symbol_action: z.enum(['taker_only', 'block']).default('taker_only').describe('What the router does with a bad symbol'),
  });
export type RouterPolicyConfig = z.infer<typeof RouterPolicySchema>;
