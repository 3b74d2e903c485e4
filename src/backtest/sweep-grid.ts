import { z } from 'zod';
import { canonicalJson } from '../core/canonical-json.js';
import { ConfigError } from '../core/errors.js';
import { readJsonFile, validateSource } from '../config/load.js';

const value = z.union([z.number(), z.string(), z.boolean()]);

/** A parameter grid: `hedge backtest --sweep <file>` runs one backtest per combination of `params`. */
export const SweepGridSchema = z.strictObject({
  $schema: z.string().optional(),
  name: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'lower-case letters, digits, . _ - (a folder name under research/sweeps/)').describe('Names the sweep and its folder'),
  strategy: z.string().min(1).describe('Registry id, or a plugin name run ad hoc'),
  symbols: z.array(z.string().regex(/^[A-Z0-9]{2,20}$/)).min(1).optional(),
  timeframe: z.enum(['1h', '4h', '1d']).optional(),
  from: z.string().optional().describe('First bar close, ISO (UTC)'),
  to: z.string().optional().describe('Last bar close, ISO (UTC)'),
  nav: z.number().positive().optional(),
  fee: z.number().min(0).max(0.1).optional(),
  slippage_bps: z.number().min(0).max(1000).optional(),
  trade_on_close: z.boolean().default(false),
  resume_next_day: z.boolean().default(false).describe('As hedge backtest --resume-next-day'),
  params: z.record(z.string(), z.array(value).min(1)).refine((p) => Object.keys(p).length > 0, 'at least one parameter to vary').describe('Values to try, per parameter'),
  objective: z.enum(['sharpe', 'sortino', 'calmar', 'total_return_pct', 'annualized_return_pct']).default('sharpe').describe('What ranks the points (higher is better)'),
  walk_forward: z
    .strictObject({
      in_sample_days: z.number().int().min(1).max(3650).describe('Days each optimisation sees'),
      out_of_sample_days: z.number().int().min(1).max(3650).describe('Days the chosen point then trades, unseen; the windows roll by this much'),
    })
    .optional()
    .describe('Rolling in-sample optimisation and out-of-sample evaluation instead of one sweep over the whole range'),
}).refine((g) => g.walk_forward === undefined || (g.from !== undefined && g.to !== undefined), { message: 'a walk-forward needs from and to', path: ['walk_forward'] });
export type SweepGrid = z.infer<typeof SweepGridSchema>;
export type SweepPoint = Readonly<Record<string, number | string | boolean>>;

/** Reads and validates a grid file; a bad one is a ConfigError naming the file, the JSON path, what was expected and found. */
export function loadSweepGrid(file: string): SweepGrid {
  const read = readJsonFile(file);
  if (read.source === undefined) throw new ConfigError(read.issues);
  const v = validateSource(read.source, SweepGridSchema);
  if (v.value === undefined) throw new ConfigError(v.issues);
  return v.value;
}

/** Every combination of the grid's values, keys in name order, values in the order given. */
export function gridPoints(grid: SweepGrid): SweepPoint[] {
  let points: Record<string, number | string | boolean>[] = [{}];
  for (const key of Object.keys(grid.params).sort())
    points = points.flatMap((p) => (grid.params[key] ?? []).map((v) => ({ ...p, [key]: v })));
  return points;
}

/** A point's identity in results.jsonl. */
export function pointId(p: SweepPoint): string {
  return canonicalJson(p);
}

/** What must not change for a sweep to be resumed: everything but the values tried, and the config. */
export function sweepIdentity(grid: SweepGrid, configFingerprint: string): string {
  const { params, $schema, ...rest } = grid;
  void $schema;
  return canonicalJson({ ...rest, params: Object.keys(params).sort(), config: configFingerprint });
}
