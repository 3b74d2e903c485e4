import { z } from 'zod';
import { idField, schemaRefField, schemaVersionField } from '../fields.js';

/** Lifecycle stage of a strategy: which environments may run it. */
export const StrategyStages = ['research', 'paper', 'live'] as const;

/** One strategy instance: a registered plugin under an id of its own, with its metadata. */
export const StrategyEntrySchema = z.strictObject({
  plugin: idField.describe('Name of the registered strategy plugin this instance runs'),
  enabled: z.boolean().default(true).describe('Disabled strategies are validated but never run'),
  stage: z
    .enum(StrategyStages)
    .default('paper')
    .describe('research: backtests only; paper: also dry-run; live: also production'),
  version: z
    .string()
    .regex(/^\d+\.\d+\.\d+$/, 'a semantic version such as "1.0.0"')
    .default('1.0.0')
    .describe('Version of this instance; bump it when its parameters change meaning'),
  description: z.string().max(500).default('').describe('What the instance is for, for people'),
  owner: z.string().max(100).default('').describe('Who answers for it'),
  tags: z.array(z.string().max(40)).max(20).default([]).describe('Free labels for grouping on the dashboard'),
});

/** `config/strategy_registry.json`: which strategies exist and which are enabled. */
export const StrategyRegistrySchema = z.strictObject({
  $schema: schemaRefField,
  schema_version: schemaVersionField,
  strategies: z
    .record(idField, StrategyEntrySchema)
    .refine((s) => Object.keys(s).length > 0, 'at least one strategy')
    .describe('Strategy instances keyed by id'),
});
export type StrategyRegistryConfig = z.infer<typeof StrategyRegistrySchema>;
export type StrategyEntry = z.infer<typeof StrategyEntrySchema>;
