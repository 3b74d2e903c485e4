/**
 * Errors are typed by what the caller should do: every error carries a stable `code`, whether
 * retrying can help (`retryable`) and the process exit code a command should end with.
 */

/** Process exit codes shared by every command. */
export const ExitCode = {
  /** Success. */
  Ok: 0,
  /** A runtime failure (I/O, venue, invariant). */
  Runtime: 1,
  /** Bad input: a flag, a config file, a data file. */
  BadInput: 2,
  /** A check ran and found problems (audit). */
  CheckFailed: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Base of every error `src/` throws. */
export abstract class HedgeError extends Error {
  abstract readonly code: string;
  abstract readonly retryable: boolean;
  abstract readonly exitCode: ExitCode;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** One problem found in a config file, located precisely enough to fix it without guessing. */
export interface ConfigIssue {
  /** Path of the file as the operator gave it. */
  readonly file: string;
  /** JSON path of the offending value, `$` for the document root, e.g. `$.strategies.momentum.leverage`. */
  readonly path: string;
  /** What the schema or rule expected. */
  readonly expected: string;
  /** What the file contains at that path. */
  readonly found: string;
  /** 1-based line of the value in the file, when the file could be parsed far enough to know it. */
  readonly line?: number;
  /** 1-based column of the value in the file. */
  readonly column?: number;
}

/** Formats one config issue as a single line: `file:line:col: $.path: expected X, found Y`. */
export function formatConfigIssue(issue: ConfigIssue): string {
  const where = issue.line === undefined ? issue.file : `${issue.file}:${issue.line}:${issue.column ?? 1}`;
  return `${where}: ${issue.path}: expected ${issue.expected}, found ${issue.found}`;
}

/** A config file is missing, malformed or violates its schema. Fix the file; retrying cannot help. */
export class ConfigError extends HedgeError {
  readonly code = 'CONFIG_INVALID';
  readonly retryable = false;
  readonly exitCode = ExitCode.BadInput;
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(issues.map(formatConfigIssue).join('\n'));
  }
}

/** A flag or argument is wrong. */
export class UsageError extends HedgeError {
  readonly code = 'BAD_INPUT';
  readonly retryable = false;
  readonly exitCode = ExitCode.BadInput;
}

/** A data file (candles, exchange info) is missing or does not parse. */
export class DataError extends HedgeError {
  readonly code = 'DATA_INVALID';
  readonly retryable = false;
  readonly exitCode = ExitCode.BadInput;
  constructor(readonly file: string, detail: string) {
    super(`${file}: ${detail}`);
  }
}

/** A name was looked up in a registry that does not know it. */
export class UnknownNameError extends HedgeError {
  readonly code = 'UNKNOWN_NAME';
  readonly retryable = false;
  readonly exitCode = ExitCode.BadInput;
  constructor(readonly kind: string, readonly unknownName: string, readonly known: readonly string[]) {
    super(`unknown ${kind} "${unknownName}"; known: ${known.length > 0 ? known.join(', ') : '(none)'}`);
  }
}

/** A capability is not in this build yet. Said plainly instead of pretending. */
export class NotAvailableError extends HedgeError {
  readonly code = 'NOT_AVAILABLE';
  readonly retryable = false;
  readonly exitCode = ExitCode.Runtime;
}

/** Reading or writing a local file failed. */
export class StorageError extends HedgeError {
  readonly code = 'STORAGE_FAILED';
  readonly retryable = true;
  readonly exitCode = ExitCode.Runtime;
  constructor(readonly file: string, detail: string, options?: { cause?: unknown }) {
    super(`${file}: ${detail}`, options);
  }
}

/** Another service (a webhook, PM2) did not do what it was asked: `target` names it (never a secret). */
export class ActionError extends HedgeError {
  readonly code = 'ACTION_FAILED';
  readonly retryable = true;
  readonly exitCode = ExitCode.Runtime;
  constructor(readonly target: string, detail: string, options?: { cause?: unknown }) {
    super(`${target}: ${detail}`, options);
  }
}

/** A state that must never happen. The process should crash and let the supervisor restart it. */
export class InvariantError extends HedgeError {
  readonly code = 'INVARIANT_VIOLATED';
  readonly retryable = false;
  readonly exitCode = ExitCode.Runtime;
}

/** Narrows `unknown` from a catch clause to a message without leaking objects into logs. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Marks a switch as exhaustive at compile time and fails loudly at run time. */
export function assertNever(value: never, what = 'value'): never {
  throw new InvariantError(`unexpected ${what}: ${JSON.stringify(value)}`);
}
