import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Clock } from '../core/clock.js';
import { DataError, UsageError } from '../core/errors.js';
import { GaussianHmm, type GaussianHmmParams, type Observations } from './hmm.js';
import { initialParams } from './hmm-init.js';
import { dataHash, saveModel } from './model-store.js';
import type { Regime } from './regimes.js';
import { labelRegimes } from './regimes.js';

/** `hedge regime fit` input. */
export interface FitRegimeOptions {
  readonly input: string;
  readonly column: string;
  readonly states: number;
  /** A JSON file with `startprob`, `transmat`, `means`, `covars` to start from; else k-means from `seed`. */
  readonly init?: string | undefined;
  readonly iterations: number;
  readonly tol: number;
  readonly seed: number;
  /** Save the model under `<stateDir>/cache/models/` and append it to the lineage log. */
  readonly save: boolean;
  readonly stateDir: string;
  readonly clock: Clock;
}

/** `hedge regime fit --json` output. */
export interface FitRegimeResult {
  readonly loglikHistory: number[];
  readonly startprob: number[];
  readonly transmat: number[][];
  readonly means: number[][];
  readonly covars: number[][];
  readonly viterbi: number[];
  readonly score: number;
  readonly iterations: number;
  readonly converged: boolean;
  readonly regimes: Regime[];
  readonly model: { readonly fingerprint: string; readonly file: string } | null;
}

const matrix = z.array(z.array(z.number().finite()));
const InitSchema = z.strictObject({ startprob: z.array(z.number().min(0)), transmat: matrix, means: matrix, covars: matrix });

/** Reads one numeric column of a CSV with a header row; the `t`/`time`/`open_time_ms` column, if any, gives the range. */
export function readCsvColumn(file: string, column: string): { x: Observations; from: string | null; to: string | null } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`--input ${file}: no such readable file`);
  }
  const lines = text.split('\n').filter((l) => l.trim().length > 0);
  const header = (lines[0] ?? '').split(',').map((h) => h.trim());
  const ci = header.indexOf(column);
  if (ci < 0) throw new UsageError(`--column ${column} is not in ${file}; its columns are ${header.join(', ')}`);
  const ti = header.findIndex((h) => ['t', 'time', 'open_time_ms', 'timestamp'].includes(h));
  const values = new Float64Array(lines.length - 1);
  for (let i = 1; i < lines.length; i++) {
    const v = Number((lines[i] ?? '').split(',')[ci]);
    if (!Number.isFinite(v)) throw new DataError(file, `line ${i + 1}: column ${column} is not a number: "${(lines[i] ?? '').slice(0, 80)}"`);
    values[i - 1] = v;
  }
  const at = (i: number) => (ti < 0 ? null : ((lines[i] ?? '').split(',')[ti] ?? null));
  return { x: { data: values, length: values.length, dims: 1 }, from: at(1), to: at(lines.length - 1) };
}

/** Fits the HMM to one column of a CSV, decodes it, names its regimes and optionally saves it. */
export function fitRegime(o: FitRegimeOptions): FitRegimeResult {
  const { x, from, to } = readCsvColumn(o.input, o.column);
  let start: GaussianHmmParams;
  if (o.init !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(o.init, 'utf8')) as unknown;
    } catch {
      throw new UsageError(`--init ${o.init}: not a readable JSON file`);
    }
    const parsed = InitSchema.safeParse(json);
    if (!parsed.success) throw new UsageError(`--init ${o.init}: ${parsed.error.issues.map((i) => `$.${i.path.join('.')}: ${i.message}`).join('; ')}`);
    start = parsed.data;
    if (start.startprob.length !== o.states) throw new UsageError(`--init has ${start.startprob.length} states, --states is ${o.states}`);
  } else start = initialParams(x, o.states, o.seed);

  const fit = new GaussianHmm(start).fit(x, { iterations: o.iterations, tol: o.tol });
  const model = new GaussianHmm(fit.params);
  const score = model.score(x);
  const viterbi = Array.from(model.viterbi(x).path);
  const saved = o.save
    ? saveModel(o.stateDir, {
        params: fit.params,
        training: { source: o.input, column: o.column, rows: x.length, from, to, data_sha256: dataHash(x) },
        fit: { iterations: fit.iterations, tol: o.tol, seed: o.init === undefined ? o.seed : null, converged: fit.converged, loglik: score },
        created_ts: o.clock.nowMs(),
      })
    : null;
  return {
    loglikHistory: fit.loglikHistory,
    startprob: [...fit.params.startprob],
    transmat: fit.params.transmat.map((r) => [...r]),
    means: fit.params.means.map((r) => [...r]),
    covars: fit.params.covars.map((r) => [...r]),
    viterbi,
    score,
    iterations: fit.iterations,
    converged: fit.converged,
    regimes: labelRegimes(fit.params),
    model: saved === null ? null : { fingerprint: saved.model.fingerprint, file: saved.file },
  };
}
