import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { tempDir } from '../../test/support/config-copy.js';
import { readJsonl } from './jsonl-reader.js';
import { JsonlWriter } from './jsonl-writer.js';

const Rec = z.strictObject({ n: z.number() });

describe('JsonlWriter and readJsonl', () => {
  it('appends whole lines that read back in order', () => {
    const t = tempDir();
    const file = path.join(t.dir, 'sub', 's.jsonl');
    const w = new JsonlWriter(file, 'every');
    w.append({ n: 1 });
    w.appendMany([{ n: 2 }, { n: 3 }]);
    w.close();
    const r = readJsonl(file, Rec);
    expect(r.records).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(r.tornTail).toBeNull();
    expect(r.endOffset).toBe(readFileSync(file).length);
    t.cleanup();
  });

  it('skips and reports a torn last line instead of failing', () => {
    const t = tempDir();
    const file = path.join(t.dir, 's.jsonl');
    writeFileSync(file, '{"n":1}\n{"n":2}\n{"n":');
    const r = readJsonl(file, Rec);
    expect(r.records).toEqual([{ n: 1 }, { n: 2 }]);
    expect(r.tornTail).toEqual({ offset: 16, bytes: 5 });
    t.cleanup();
  });

  it('cuts a torn tail off when a writer opens the file, so it is never glued to the next record', () => {
    const t = tempDir();
    const file = path.join(t.dir, 's.jsonl');
    writeFileSync(file, '{"n":1}\n{"n":');
    const w = new JsonlWriter(file);
    expect(w.opened).toEqual({ truncatedBytes: 5, sizeBytes: 8 });
    w.append({ n: 2 });
    w.close();
    expect(readFileSync(file, 'utf8')).toBe('{"n":1}\n{"n":2}\n');
  });

  it('handles a file that is one torn line', () => {
    const t = tempDir();
    const file = path.join(t.dir, 's.jsonl');
    writeFileSync(file, '{"n":');
    expect(new JsonlWriter(file).opened.truncatedBytes).toBe(5);
    expect(readFileSync(file, 'utf8')).toBe('');
    t.cleanup();
  });

  it('reports complete lines that fail their schema, with line numbers, and keeps the rest', () => {
    const t = tempDir();
    const file = path.join(t.dir, 's.jsonl');
    writeFileSync(file, '{"n":1}\nnot json\n{"n":"2"}\n{"n":3}\n');
    const r = readJsonl(file, Rec);
    expect(r.records).toEqual([{ n: 1 }, { n: 3 }]);
    expect(r.badLines.map((b) => b.line)).toEqual([2, 3]);
    t.cleanup();
  });

  it('reads incrementally from an offset, as a tailing reader does', () => {
    const t = tempDir();
    const file = path.join(t.dir, 's.jsonl');
    const w = new JsonlWriter(file, 'batch');
    w.append({ n: 1 });
    w.flush();
    const first = readJsonl(file, Rec);
    w.append({ n: 2 });
    appendFileSync(file, ''); // no-op: another process's view of the same file
    const next = readJsonl(file, Rec, first.endOffset);
    expect(next.records).toEqual([{ n: 2 }]);
    w.close();
    t.cleanup();
  });

  it('reads a missing file as empty, and refuses a record with a newline in a raw line', () => {
    expect(readJsonl('/nonexistent/x.jsonl').records).toEqual([]);
    const t = tempDir();
    const w = new JsonlWriter(path.join(t.dir, 'x.jsonl'));
    expect(() => w.appendLine('{"a":1}\n{"b":2}')).toThrow(/newline/);
    w.close();
    t.cleanup();
  });
});
