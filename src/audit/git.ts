import { execFileSync } from 'node:child_process';

/** Runs git in `cwd`; `undefined` when git is missing or the folder is not in a repository. */
export function git(cwd: string, args: readonly string[]): string | undefined {
  try {
    return execFileSync('git', ['-C', cwd, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 });
  } catch {
    return undefined;
  }
}

/** The commit checked out in `cwd` and whether the work tree differs from it. */
export function gitState(cwd: string): { commit: string | null; dirty: boolean | null } {
  const commit = git(cwd, ['rev-parse', 'HEAD'])?.trim();
  if (commit === undefined || commit === '') return { commit: null, dirty: null };
  const status = git(cwd, ['status', '--porcelain', '--', '.']);
  return { commit, dirty: status === undefined ? null : status.trim().length > 0 };
}
