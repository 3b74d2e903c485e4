import type { z } from 'zod';
import type { ConfigIssue } from '../core/errors.js';
import { closestName, describeValue, valueAt } from './describe-value.js';
import { formatJsonPath, type JsonSource } from './json-source.js';

type Issue = z.core.$ZodIssue;
type AnySchema = z.core.$ZodType;

/**
 * Turns zod issues into config issues that name the file, the JSON path, the line and column, what
 * was expected and what was found. Unknown keys get a "did you mean" when a known key is close.
 */
export function toConfigIssues(source: JsonSource, schema: AnySchema, issues: readonly Issue[]): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of issues) {
    const path = issue.path;
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(schema, path);
      for (const key of issue.keys) {
        const keyPath = [...path, key];
        const guess = closestName(key, known);
        const expected = guess !== undefined
          ? `no key "${key}" (did you mean "${guess}"?)`
          : `no key "${key}"${known.length > 0 ? ` (known keys: ${known.join(', ')})` : ''}`;
        out.push(located(source, keyPath, expected, describeValue(valueAt(source.value, keyPath))));
      }
      continue;
    }
    out.push(located(source, path, expectedOf(issue, valueAt(source.value, path)), describeValue(valueAt(source.value, path))));
  }
  return out;
}

function located(source: JsonSource, path: readonly PropertyKey[], expected: string, found: string): ConfigIssue {
  const segments = path.map((p) => (typeof p === 'number' ? p : String(p)));
  const at = source.locate(segments);
  return { file: source.fileOf?.(segments) ?? source.file, path: formatJsonPath(path), expected, found, ...(at ?? {}) };
}

function expectedOf(issue: Issue, actual: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      return actual === undefined ? `${article(issue.expected)} (required)` : article(issue.expected);
    case 'too_big':
      return `${bound(issue.origin)} ${issue.inclusive ? '≤' : '<'} ${String(issue.maximum)}`;
    case 'too_small':
      return `${bound(issue.origin)} ${issue.inclusive ? '≥' : '>'} ${String(issue.minimum)}`;
    case 'invalid_value':
      return issue.values.length === 1 ? JSON.stringify(issue.values[0]) : `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_format':
      return issue.message.startsWith('Invalid') ? `a string in ${issue.format} format` : issue.message;
    case 'not_multiple_of':
      return `a multiple of ${String(issue.divisor)}`;
    case 'invalid_union':
      return issue.message.startsWith('Invalid discriminator') ? issue.message.replace(/^Invalid discriminator value\. Expected /, 'one of ') : 'one of the allowed shapes';
    case 'custom':
      return issue.message;
    default:
      return issue.message;
  }
}

function article(type: string): string {
  if (type === 'array' || type === 'object' || type === 'integer') return `an ${type}`;
  if (type === 'number' || type === 'string' || type === 'boolean') return `a ${type}`;
  return type;
}

function bound(origin: string): string {
  if (origin === 'array' || origin === 'set') return 'an item count';
  if (origin === 'string') return 'a length';
  return 'a number';
}

/** The keys the schema accepts at `path`, walking objects, records, arrays and wrappers. */
export function knownKeysAt(schema: AnySchema, path: readonly PropertyKey[]): string[] {
  let cur: AnySchema | undefined = unwrap(schema);
  for (const seg of path) {
    if (cur === undefined) return [];
    const def = cur._zod.def as unknown as Record<string, unknown>;
    if (def['type'] === 'object') cur = (def['shape'] as Record<string, AnySchema>)[String(seg)];
    else if (def['type'] === 'record') cur = def['valueType'] as AnySchema;
    else if (def['type'] === 'array') cur = def['element'] as AnySchema;
    else return [];
    cur = cur === undefined ? undefined : unwrap(cur);
  }
  if (cur === undefined) return [];
  const def = cur._zod.def as unknown as Record<string, unknown>;
  return def['type'] === 'object' ? Object.keys(def['shape'] as object) : [];
}

function unwrap(schema: AnySchema): AnySchema {
  let cur = schema;
  for (let i = 0; i < 10; i++) {
    const def = cur._zod.def as unknown as Record<string, unknown>;
    const inner = def['innerType'] ?? (def['type'] === 'pipe' ? def['in'] : undefined);
    if (inner === undefined) return cur;
    cur = inner as AnySchema;
  }
  return cur;
}
