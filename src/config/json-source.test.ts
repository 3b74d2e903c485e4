import { describe, expect, it } from 'vitest';
import { formatJsonPath, parseJsonSource } from './json-source.js';

describe('parseJsonSource', () => {
  it('locates a nested value by line and column', () => {
    const r = parseJsonSource('f.json', '{\n  "a": {\n    "b": [1, 22]\n  }\n}\n');
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.source.locate(['a', 'b', 1])).toEqual({ line: 3, column: 14 });
  });

  it('falls back to the nearest existing parent for a missing key', () => {
    const r = parseJsonSource('f.json', '{\n  "a": {}\n}');
    if (r.ok) expect(r.source.locate(['a', 'missing'])).toEqual({ line: 2, column: 8 });
  });

  it('reports a trailing comma with its position', () => {
    const r = parseJsonSource('f.json', '{\n  "a": 1,\n}');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0]).toMatchObject({ file: 'f.json', path: '$', line: 3, column: 1 });
  });

  it('names typographic quotes, a common paste accident', () => {
    const r = parseJsonSource('f.json', '{ \u201ca\u201d: 1 }');
    if (!r.ok) expect(r.issues[0]?.found).toContain('typographic quote');
  });

  it('rejects a key repeated in one object, which JSON.parse would silently resolve', () => {
    const r = parseJsonSource('f.json', '{"x": {"k": 1, "k": 2}}');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0]).toMatchObject({ path: '$.x.k', expected: 'each key once per object', line: 1, column: 16 });
  });

  it('rejects comments and empty files', () => {
    expect(parseJsonSource('f.json', '{"a": 1 // no\n}').ok).toBe(false);
    const empty = parseJsonSource('f.json', '');
    expect(empty.ok).toBe(false);
  });
});

describe('formatJsonPath', () => {
  it('quotes keys that are not identifiers', () => {
    expect(formatJsonPath(['strategies', 'momentum-1h', 'symbols', 2])).toBe('$.strategies["momentum-1h"].symbols[2]');
    expect(formatJsonPath([])).toBe('$');
  });
});
