import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mergePatch } from '../../src/config/merge-patch.js';
import { defaultConfigDir } from '../../src/core/paths.js';

/** One edit of a config file: a merge patch, a text replacement, a truncation, new text or deletion. */
export interface ConfigEdit {
  readonly file: string;
  readonly patch?: unknown;
  readonly replace?: readonly [string, string];
  readonly truncate?: number;
  readonly text?: string;
  readonly delete?: boolean;
}

/** A copy of the shipped config in a temp folder with `edits` applied. */
export function configCopy(edits: readonly ConfigEdit[] = [], from = defaultConfigDir): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hedge-config-'));
  cpSync(from, dir, { recursive: true });
  for (const e of edits) {
    const file = path.join(dir, e.file);
    if (e.delete === true) rmSync(file);
    else if (e.text !== undefined) writeFileSync(file, e.text);
    else if (e.truncate !== undefined) writeFileSync(file, readFileSync(file, 'utf8').slice(0, e.truncate));
    else if (e.replace !== undefined) {
      const text = readFileSync(file, 'utf8');
      if (!text.includes(e.replace[0])) throw new TypeError(`${e.file} does not contain ${JSON.stringify(e.replace[0])}`);
      writeFileSync(file, text.replace(e.replace[0], e.replace[1]));
    } else if (e.patch !== undefined) {
      writeFileSync(file, `${JSON.stringify(mergePatch(JSON.parse(readFileSync(file, 'utf8')), e.patch), null, 2)}\n`);
    }
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A fresh empty temp folder. */
export function tempDir(prefix = 'hedge-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
