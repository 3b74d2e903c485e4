import path from 'node:path';
import { canonicalJson, sha256Hex } from '../core/canonical-json.js';
import { writeJsonAtomic } from '../telemetry/atomic-json.js';
import { JsonlWriter } from '../telemetry/jsonl-writer.js';
import type { GaussianHmmParams, Observations } from './hmm.js';
import { labelRegimes, type Regime } from './regimes.js';

/** A fitted model as saved under `<state-dir>/cache/models/`, and as every screener output names it. */
export interface SavedModel {
  readonly schema_version: 1;
  readonly kind: 'gaussian-hmm-diag';
  /** SHA-256 of the canonical JSON of everything below but itself. */
  readonly fingerprint: string;
  readonly params: GaussianHmmParams;
  readonly regimes: readonly Regime[];
  readonly training: { readonly source: string; readonly column: string; readonly rows: number; readonly from: string | null; readonly to: string | null; readonly data_sha256: string };
  readonly fit: { readonly iterations: number; readonly tol: number; readonly seed: number | null; readonly converged: boolean; readonly loglik: number };
  readonly created_ts: number;
}

/** SHA-256 of the raw bytes of the observations, so a model names exactly the data it learned from. */
export function dataHash(x: Observations): string {
  return sha256Hex(new Uint8Array(x.data.buffer, x.data.byteOffset, x.data.byteLength));
}

/** Saves a model (atomically) and appends it to the lineage log; returns the saved record and its file. */
export function saveModel(stateDir: string, model: Omit<SavedModel, 'fingerprint' | 'regimes' | 'schema_version' | 'kind'>): { model: SavedModel; file: string } {
  const body = { schema_version: 1 as const, kind: 'gaussian-hmm-diag' as const, ...model, regimes: labelRegimes(model.params) };
  const { created_ts: _created, ...identity } = body;
  const saved: SavedModel = { ...body, fingerprint: sha256Hex(canonicalJson(identity)) };
  const dir = path.join(stateDir, 'cache', 'models');
  const file = path.join(dir, `hmm-${saved.fingerprint.slice(0, 16)}.json`);
  writeJsonAtomic(file, saved);
  const lineage = new JsonlWriter(path.join(dir, 'lineage.jsonl'), 'every');
  try {
    lineage.append({ schema_version: 1, ts: saved.created_ts, fingerprint: saved.fingerprint, file: path.basename(file), training: saved.training, fit: saved.fit, regimes: saved.regimes });
  } finally {
    lineage.close();
  }
  return { model: saved, file };
}
