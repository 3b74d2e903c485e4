import { findNodeAtLocation, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import type { ConfigIssue } from '../core/errors.js';

/** A parsed JSON document that can say where each value came from. */
export interface JsonSource {
  readonly file: string;
  readonly value: unknown;
  /** 1-based line and column of the value at `path`, or of its nearest existing parent. */
  locate(path: readonly (string | number)[]): { line: number; column: number } | undefined;
  /** The file a value at `path` came from, when the document was merged from several. */
  fileOf?(path: readonly (string | number)[]): string;
}

/** The result of parsing: a source, or the issues that made the text unreadable. */
export type ParsedJson = { ok: true; source: JsonSource } | { ok: false; issues: ConfigIssue[] };

const QUOTE_LOOKALIKES = /[\u2018\u2019\u201c\u201d\u00ab\u00bb]/;

/**
 * Parses strict JSON (no comments, no trailing commas) and reports every syntax error and every
 * duplicated key with its line and column. `JSON.parse` silently keeps the last of two equal keys,
 * which would let a typo'd override win unseen.
 */
export function parseJsonSource(file: string, text: string): ParsedJson {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const position = (offset: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((lineStarts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (lineStarts[lo] ?? 0) + 1 };
  };

  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  // only the first syntax error: the ones after it are usually its echo
  const issues: ConfigIssue[] = errors.slice(0, 1).map((e) => {
    const snippet = text.slice(e.offset, e.offset + Math.max(1, Math.min(e.length, 20)));
    const hint = QUOTE_LOOKALIKES.test(snippet) ? ' (a typographic quote: use a plain ")' : '';
    return {
      file,
      path: '$',
      expected: `valid JSON (${describeParseError(printParseErrorCode(e.error))})`,
      found: snippet.length > 0 ? `${JSON.stringify(snippet)}${hint}` : 'the end of the file',
      ...position(e.offset),
    };
  });
  if (root !== undefined && issues.length === 0) collectDuplicateKeys(root, '$', file, position, issues);
  if (issues.length > 0 || root === undefined)
    return { ok: false, issues: issues.length > 0 ? issues : [{ file, path: '$', expected: 'a JSON document', found: 'an empty file', line: 1, column: 1 }] };

  return {
    ok: true,
    source: {
      file,
      value: JSON.parse(text) as unknown,
      locate(path) {
        for (let n = path.length; n >= 0; n--) {
          const node = findNodeAtLocation(root, path.slice(0, n) as (string | number)[]);
          if (node !== undefined) return position(node.offset);
        }
        return undefined;
      },
    },
  };
}

function describeParseError(code: string): string {
  const words: Record<string, string> = {
    InvalidSymbol: 'an unexpected character',
    InvalidNumberFormat: 'a malformed number',
    PropertyNameExpected: 'a quoted property name',
    ValueExpected: 'a value',
    ColonExpected: 'a colon',
    CommaExpected: 'a comma',
    CloseBraceExpected: 'a closing brace',
    CloseBracketExpected: 'a closing bracket',
    EndOfFileExpected: 'the end of the document',
    InvalidCommentToken: 'no comments',
    UnexpectedEndOfComment: 'no comments',
    UnexpectedEndOfString: 'a closed string',
    UnexpectedEndOfNumber: 'a complete number',
    InvalidUnicode: 'a valid unicode escape',
    InvalidEscapeCharacter: 'a valid escape',
    InvalidCharacter: 'no control character in a string',
  };
  return words[code] ?? code;
}

function collectDuplicateKeys(
  node: Node,
  path: string,
  file: string,
  position: (offset: number) => { line: number; column: number },
  issues: ConfigIssue[],
): void {
  if (node.type === 'object') {
    const seen = new Set<string>();
    for (const prop of node.children ?? []) {
      const [keyNode, valueNode] = prop.children ?? [];
      if (keyNode === undefined) continue;
      const key = String(keyNode.value);
      const childPath = `${path}${formatPathSegment(key)}`;
      if (seen.has(key))
        issues.push({ file, path: childPath, expected: 'each key once per object', found: `"${key}" repeated`, ...position(keyNode.offset) });
      seen.add(key);
      if (valueNode !== undefined) collectDuplicateKeys(valueNode, childPath, file, position, issues);
    }
  } else if (node.type === 'array') {
    (node.children ?? []).forEach((child, i) => collectDuplicateKeys(child, `${path}[${i}]`, file, position, issues));
  }
}

/** `.key` for identifier-like keys, `["key"]` otherwise, `[3]` for indices. */
export function formatPathSegment(segment: string | number): string {
  if (typeof segment === 'number') return `[${segment}]`;
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(segment) ? `.${segment}` : `[${JSON.stringify(segment)}]`;
}

/** JSON path text of a path array: `$.a.b[2]["c-d"]`. */
export function formatJsonPath(path: readonly PropertyKey[]): string {
  return `$${path.map((p) => formatPathSegment(typeof p === 'number' ? p : String(p))).join('')}`;
}
