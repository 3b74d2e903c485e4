import { appendFileSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { tempDir } from '../../test/support/config-copy.js';
import { readJsonl, readJsonlTail, scanJsonl } from './jsonl-reader.js';
import { BufferedJsonlWriter, JsonlWriter } from './jsonl-writer.js';

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
    t.cleanup();
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

describe('BufferedJsonlWriter', () => {
  it('opens its file at the first write: a run that fails before it leaves the last run\'s file and holds no descriptor', () => {
    const t = tempDir();
    const file = path.join(t.dir, 'run', 'orders.jsonl');
    const last = new BufferedJsonlWriter(file, 16);
    for (let n = 0; n < 5; n++) last.append({ n });
    last.close();
    expect(readJsonl(file, Rec).records).toEqual([0, 1, 2, 3, 4].map((n) => ({ n })));
    // made, never written nor closed (a run that threw while setting up): the file is as the last run left it
    new BufferedJsonlWriter(file);
    expect(readJsonl(file, Rec).records).toHaveLength(5);
    // closed without a record: an empty file
    new BufferedJsonlWriter(file).close();
    expect(readFileSync(file, 'utf8')).toBe('');
    t.cleanup();
  });
});

describe('scanJsonl', () => {
  const Ts = z.strictObject({ ts: z.number(), s: z.string() });

  it('reads a chunk at a time what a parse of the whole file gives, for any chunk size and start: long, multi-byte, bad and torn lines', () => {
    const t = tempDir();
    const file = path.join(t.dir, 's.jsonl');
    const lines = Array.from({ length: 30 }, (_, i) => JSON.stringify({ ts: i, s: i % 4 === 0 ? 'é€😀'.repeat(i) : i % 9 === 0 ? 'x'.repeat(300) : `r${i}` }));
    lines[5] = '{"ts": 5';
    lines[11] = '{"ts":11,"s":1}';
    lines[17] = '   ';
    const text = `${lines.join('\n')}\n{"ts":99,"s":"torn`;
    writeFileSync(file, text);
    const bytes = Buffer.from(text);
    // the reference: the file's bytes split at each newline, from a line's start
    const starts = [0, ...[...bytes.entries()].filter(([, b]) => b === 10).map(([i]) => i + 1)];
    for (const from of [0, starts[3] as number, starts[16] as number, starts[30] as number]) {
      const want: { records: unknown[]; bad: [number, number][] } = { records: [], bad: [] };
      let line = 0;
      for (const at of starts.filter((x) => x >= from && x < (starts.at(-1) as number))) {
        line++;
        const body = bytes.subarray(at, bytes.indexOf(10, at)).toString('utf8');
        if (body.trim() === '') continue;
        let v: unknown;
        try {
          v = JSON.parse(body);
        } catch {
          want.bad.push([line, at]);
          continue;
        }
        const r = Ts.safeParse(v);
        if (r.success) want.records.push(r.data);
        else want.bad.push([line, at]);
      }
      for (const chunk of [1, 2, 3, 7, 16, 64, 301, 1 << 20]) {
        const records: unknown[] = [];
        const r = scanJsonl(file, Ts, (x) => records.push(x), from, chunk);
        expect(records).toEqual(want.records);
        expect(r.badLines.map((b) => [b.line, b.offset])).toEqual(want.bad);
        expect(r.endOffset).toBe(starts.at(-1));
        expect(r.tornTail).toEqual({ offset: starts.at(-1), bytes: bytes.length - (starts.at(-1) as number) });
      }
    }
    expect(readJsonl(file, Ts).records).toHaveLength(27);
    expect(scanJsonl(path.join(t.dir, 'missing.jsonl'), Ts, () => undefined)).toEqual({ endOffset: 0, tornTail: null, badLines: [] });
    t.cleanup();
  });
});

describe('readJsonlTail', () => {
  const Ts = z.strictObject({ ts: z.number(), s: z.string() });
  const everyChunk = [1, 2, 3, 7, 16, 64, 1 << 16];

  it('gives what readJsonl gives of the newest records, for any chunk size: torn tail, bad, blank and multi-byte lines', () => {
    const t = tempDir();
    const file = path.join(t.dir, 's.jsonl');
    const lines = Array.from({ length: 40 }, (_, i) => JSON.stringify({ ts: i * 10, s: i % 5 === 0 ? 'é€😀'.repeat(i % 3) : `r${i}` }));
    lines[7] = '{"ts": 70';
    lines[12] = '{"ts":120,"s":1}';
    lines[20] = '';
    writeFileSync(file, `${lines.join('\n')}\n{"ts":400,"s":"torn`);
    const all = readJsonl(file, Ts).records;
    expect(all).toHaveLength(37);
    for (const chunk of everyChunk) {
      expect(readJsonlTail(file, Ts, () => true, chunk)).toEqual(all);
      expect(readJsonlTail(file, Ts, (r, newest) => r === newest, chunk)).toEqual(all.slice(-1));
      expect(readJsonlTail(file, Ts, (r, newest) => r.ts > newest.ts - 100, chunk)).toEqual(all.filter((r) => r.ts > 390 - 100));
    }
    t.cleanup();
  });

  it('reads only the end of a long stream', () => {
    const t = tempDir();
    const file = path.join(t.dir, 'nav.jsonl');
    writeFileSync(file, Array.from({ length: 200_000 }, (_, i) => `${JSON.stringify({ ts: i, s: 'x'.repeat(40) })}\n`).join(''));
    // the records it looks at: the three it keeps and the one that stops it, of 200,000
    let seen = 0;
    const tail = readJsonlTail(file, Ts, (r, newest) => {
      seen++;
      return r.ts > newest.ts - 3;
    });
    expect(tail.map((r) => r.ts)).toEqual([199_997, 199_998, 199_999]);
    expect(seen).toBe(4);
    t.cleanup();
  });

  it('reads a stream cut back while it reads again from its new end, and says so when that keeps happening', () => {
    const t = tempDir();
    const file = path.join(t.dir, 'nav.jsonl');
    const lines = Array.from({ length: 100 }, (_, i) => `${JSON.stringify({ ts: i, s: 'x'.repeat(20) })}\n`);
    const whole = lines.join('');
    // an executor restarting cuts its streams back to its last commit (here: after the 60th record)
    const commit = Buffer.byteLength(lines.slice(0, 60).join(''));
    const cutOnce = () => {
      let cut = false;
      return () => {
        if (!cut) truncateSync(file, commit);
        cut = true;
      };
    };
    for (const chunk of [64, 1 << 16]) {
      // cut while the pass reads the newest records (in 64-byte chunks its next read comes back short; in one
      // chunk of the whole file the cut is found when the pass ends)
      writeFileSync(file, whole);
      const cutA = cutOnce();
      expect(readJsonlTail(file, Ts, (r, newest) => (cutA(), r.ts > newest.ts - 5), chunk).map((r) => r.ts)).toEqual([55, 56, 57, 58, 59]);
      // cut after the pass read what it keeps (the newest record, gone now): found when it ends
      writeFileSync(file, whole);
      const cutB = cutOnce();
      expect(readJsonlTail(file, Ts, (r, newest) => (cutB(), r === newest), chunk).map((r) => r.ts)).toEqual([59]);
    }
    // cut back during every pass: a clear error after three, not a partial answer
    writeFileSync(file, whole);
    let size = Buffer.byteLength(whole);
    const shrinking = (r: { ts: number }, newest: { ts: number }) => {
      if (r === newest) truncateSync(file, (size -= Buffer.byteLength(lines[0] ?? '')));
      return true;
    };
    expect(() => readJsonlTail(file, Ts, shrinking, 64)).toThrow(/shrank while being read, three times in a row/);
    t.cleanup();
  });

  it('reads a missing file, an empty one and one torn line as no records', () => {
    const t = tempDir();
    expect(readJsonlTail(path.join(t.dir, 'none.jsonl'), Ts, () => true)).toEqual([]);
    writeFileSync(path.join(t.dir, 'empty.jsonl'), '');
    expect(readJsonlTail(path.join(t.dir, 'empty.jsonl'), Ts, () => true)).toEqual([]);
    writeFileSync(path.join(t.dir, 'torn.jsonl'), '{"ts":1,"s":"a"}');
    expect(readJsonlTail(path.join(t.dir, 'torn.jsonl'), Ts, () => true)).toEqual([]);
    t.cleanup();
  });
});
