import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AuditResult } from '../../src/audit/run-audit.js';
import { runCliAsync } from '../support/cli.js';
import { configCopy, type ConfigEdit } from '../support/config-copy.js';

interface BrokenCase {
  description: string;
  edits: ConfigEdit[];
  expect: { file: string; path: string; code: string; includes?: string; profile?: string };
}

const dir = path.join(import.meta.dirname, '..', 'fixtures', 'broken-configs');
const cases = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => ({ name: f.replace(/\.json$/, ''), ...(JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as BrokenCase) }));

describe('the broken-config corpus (test/fixtures/broken-configs)', () => {
  it('has at least 30 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  it.concurrent.each(cases)('$name: hedge audit exits 3 naming file and path', async (c) => {
    const copy = configCopy(c.edits);
    try {
      const r = await runCliAsync(['audit', '--config-dir', copy.dir, '--no-lineage', '--json']);
      expect(r.code, r.stderr).toBe(3);
      const result = JSON.parse(r.stdout) as AuditResult;
      expect(result.ok).toBe(false);
      const hit = result.findings.find(
        (f) =>
          f.code === c.expect.code &&
          f.file.endsWith(c.expect.file) &&
          f.path === c.expect.path &&
          (c.expect.profile === undefined || f.profile === c.expect.profile) &&
          (c.expect.includes === undefined || `expected ${f.expected}, found ${f.found}`.includes(c.expect.includes)),
      );
      expect(hit, `no finding ${JSON.stringify(c.expect)} in\n${JSON.stringify(result.findings, null, 1)}`).toBeDefined();
      // the two validators never disagree on the structure of any broken file
      expect(result.findings.filter((f) => f.code === 'schema_disagreement')).toEqual([]);
      // a human can find the spot: every finding about a file that parsed carries a line number
      if (hit !== undefined && !['missing_file'].includes(hit.code)) expect(hit.line).toBeGreaterThan(0);
    } finally {
      copy.cleanup();
    }
  });

  const loadErrors = cases.filter((c) => ['schema', 'malformed_json', 'missing_file'].includes(c.expect.code));
  it.concurrent.each(loadErrors)('$name: any command loading the config exits 2 before doing anything', async (c) => {
    const copy = configCopy(c.edits);
    try {
      const args = ['config', 'show', '--config-dir', copy.dir, ...(c.expect.profile === undefined ? [] : ['--profile', c.expect.profile])];
      const r = await runCliAsync(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('CONFIG_INVALID');
      expect(r.stderr).toContain(c.expect.file);
      expect(r.stderr).toContain(c.expect.path === '$' ? ': $:' : c.expect.path);
    } finally {
      copy.cleanup();
    }
  });
});
