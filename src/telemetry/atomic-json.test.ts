import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { StorageError } from '../core/errors.js';
import { tempDir } from '../../test/support/config-copy.js';
import { readJsonSnapshot, writeJsonAtomic } from './atomic-json.js';

describe('writeJsonAtomic', () => {
  it('replaces the file and leaves no temp file behind', () => {
    const t = tempDir();
    const file = path.join(t.dir, 'deep', 'positions.json');
    writeJsonAtomic(file, { a: 1 });
    writeJsonAtomic(file, { a: 2 });
    expect(readJsonSnapshot(file)).toEqual({ a: 2 });
    expect(readdirSync(path.dirname(file))).toEqual(['positions.json']);
    t.cleanup();
  });

  it('reads a missing snapshot as undefined and a corrupt one as a StorageError', () => {
    const t = tempDir();
    expect(readJsonSnapshot(path.join(t.dir, 'none.json'))).toBeUndefined();
    writeFileSync(path.join(t.dir, 'bad.json'), '{"a":');
    expect(() => readJsonSnapshot(path.join(t.dir, 'bad.json'))).toThrow(StorageError);
    t.cleanup();
  });

  it('fails with a StorageError, not a crash, when the folder cannot be made', () => {
    const t = tempDir();
    writeFileSync(path.join(t.dir, 'a-file'), '');
    expect(() => writeJsonAtomic(path.join(t.dir, 'a-file', 'x.json'), {})).toThrow(StorageError);
    t.cleanup();
  });
});
