import { formatJsonPath } from '../config/json-source.js';
import type { ConfigFileId } from '../config/files.js';
import type { ConfigSources } from '../config/load.js';
import type { Finding, Severity } from './finding.js';

/** Builds findings located in the config documents of one profile. */
export function findingBuilder(read: ConfigSources, profile: string) {
  return (severity: Severity, code: string, id: ConfigFileId, path: readonly (string | number)[], expected: string, found: string): Finding => {
    const source = read.sources[id];
    const at = source?.locate(path);
    return {
      severity,
      code,
      profile,
      file: source?.fileOf?.(path) ?? source?.file ?? id,
      path: formatJsonPath(path),
      expected,
      found,
      ...(at ?? {}),
    };
  };
}
export type FindingBuilder = ReturnType<typeof findingBuilder>;
