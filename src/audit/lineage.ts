import type { Clock } from '../core/clock.js';
import type { Environment } from '../config/env.js';
import type { LoadedConfig } from '../config/load.js';
import { JsonlWriter } from '../telemetry/jsonl-writer.js';
import { TELEMETRY_SCHEMA_VERSION } from '../telemetry/records/common.js';
import type { LineageRecord } from '../telemetry/records/lineage.js';
import { gitState } from './git.js';

/**
 * Appends the fingerprint of an effective config to the lineage log with the time and the git commit
 * of the config folder, so any later record that names a fingerprint can be traced to its files.
 */
export function appendLineage(
  file: string,
  loaded: LoadedConfig,
  context: { by: LineageRecord['by']; env: Environment; clock: Clock; auditOk: boolean | null },
): LineageRecord {
  const { commit, dirty } = gitState(loaded.configDir);
  const record: LineageRecord = {
    schema_version: TELEMETRY_SCHEMA_VERSION,
    ts: context.clock.nowMs(),
    by: context.by,
    fingerprint: loaded.fingerprint,
    profile: loaded.profile,
    env: context.env,
    git_commit: commit,
    git_dirty: dirty,
    config_dir: loaded.configDir,
    file_hashes: { ...loaded.fileHashes },
    audit_ok: context.auditOk,
  };
  const writer = new JsonlWriter(file, 'every');
  try {
    writer.append(record);
  } finally {
    writer.close();
  }
  return record;
}
