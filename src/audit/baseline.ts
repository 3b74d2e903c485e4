import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from '../core/errors.js';
import { git } from './git.js';

/**
 * Materialises a baseline config folder: a directory as it is, or the config folder as it was at a
 * git ref (files read with `git show <ref>:<path>` into a temp folder). Returns the folder and a
 * cleanup function.
 */
export function resolveBaseline(baseline: string, configDir: string): { dir: string; label: string; cleanup: () => void } {
  if (existsSync(baseline) && statSync(baseline).isDirectory()) return { dir: baseline, label: baseline, cleanup: () => undefined };
  const top = git(configDir, ['rev-parse', '--show-toplevel'])?.trim();
  if (top === undefined) throw new UsageError(`--baseline "${baseline}" is neither a directory nor a git ref (${configDir} is not in a git repository)`);
  if (git(top, ['rev-parse', '--verify', '--quiet', `${baseline}^{commit}`]) === undefined)
    throw new UsageError(`--baseline "${baseline}" is neither a directory nor a git ref of ${top}`);
  const rel = path.relative(top, path.resolve(configDir)).split(path.sep).join('/');
  const listing = git(top, ['ls-tree', '-r', '--name-only', baseline, '--', rel === '' ? '.' : rel]) ?? '';
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'hedge-baseline-'));
  for (const file of listing.split('\n').filter((l) => l.endsWith('.json'))) {
    const content = git(top, ['show', `${baseline}:${file}`]);
    if (content === undefined) continue;
    const inner = rel === '' ? file : file.slice(rel.length + 1);
    const out = path.join(tmp, inner);
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, content);
  }
  return { dir: tmp, label: `git ${baseline}`, cleanup: () => rmSync(tmp, { recursive: true, force: true }) };
}
