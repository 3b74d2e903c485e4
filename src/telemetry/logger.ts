import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { pino, type Logger as PinoLogger, type DestinationStream } from 'pino';
import type { LogEvent } from './events.js';
import { redact } from './redact.js';

export const LogLevels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LogLevels)[number];

/** A logger whose messages come from the event catalogue and whose fields are redacted. */
export interface Logger {
  child(bindings: Record<string, unknown>): Logger;
  debug(event: LogEvent, fields?: Record<string, unknown>): void;
  info(event: LogEvent, fields?: Record<string, unknown>): void;
  warn(event: LogEvent, fields?: Record<string, unknown>): void;
  error(event: LogEvent, fields?: Record<string, unknown>): void;
  /** Writes what is buffered; call before exit. */
  flush(): void;
}

export interface LoggerOptions {
  readonly level: LogLevel;
  /** pino JSON log file; created with its folder. Omit to log to `stream` or stderr. */
  readonly file?: string;
  /** Destination for tests. */
  readonly stream?: DestinationStream;
  /** File writes without an async buffer: slower, but nothing is lost on a crash. Default true. */
  readonly sync?: boolean;
}

function wrap(p: PinoLogger): Logger {
  const emit = (level: 'debug' | 'info' | 'warn' | 'error') => (event: LogEvent, fields?: Record<string, unknown>) => {
    p[level]({ event, ...(fields === undefined ? {} : (redact(fields) as Record<string, unknown>)) }, event);
  };
  return {
    child: (bindings) => wrap(p.child(redact(bindings) as Record<string, unknown>)),
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    flush: () => p.flush(),
  };
}

/**
 * Creates the root logger. With an async file destination it waits until the file is open, because
 * pino drops lines written before that if the process exits early.
 */
export async function createLogger(options: LoggerOptions): Promise<Logger> {
  const base = { level: options.level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.epochTime };
  if (options.stream !== undefined) return wrap(pino(base, options.stream));
  if (options.file === undefined) return wrap(pino(base, pino.destination({ dest: 2, sync: true })));
  mkdirSync(path.dirname(options.file), { recursive: true });
  const sync = options.sync ?? true;
  const dest = pino.destination({ dest: options.file, sync, mkdir: true });
  if (!sync) await once(dest, 'ready');
  return wrap(pino(base, dest));
}
