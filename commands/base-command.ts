import { Command, Flags, type Interfaces } from '@oclif/core';
import type { LogEvent } from '../src/telemetry/events.js';
import type { Logger } from '../src/telemetry/logger.js';
import { HedgeError } from '../src/core/errors.js';
import { defaultConfigDir, defaultStateDir } from '../src/core/paths.js';

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags'] & T['flags']>;

/**
 * Flags every command shares, and one error policy: a `HedgeError` is printed as its message (and
 * as `{ error }` with `--json`) and the process exits with the error's exit code.
 */
export abstract class BaseCommand<T extends typeof Command> extends Command {
  static override enableJsonFlag = true;
  static override baseFlags = {
    'config-dir': Flags.directory({ summary: 'Folder of the config files.', default: defaultConfigDir, helpGroup: 'COMMON' }),
    'state-dir': Flags.string({
      summary: 'Folder whose logs/ and cache/ hold telemetry and state.',
      description: 'Defaults to the repository itself; point runs, tests and accounts at separate folders to isolate them.',
      default: defaultStateDir,
      helpGroup: 'COMMON',
    }),
    profile: Flags.string({ summary: 'Config profile overlaid on the base (config/profiles/<name>.json).', env: 'HEDGE_PROFILE', helpGroup: 'COMMON' }),
    'log-level': Flags.option({ options: ['trace', 'debug', 'info', 'warn', 'error', 'silent'] as const, default: 'info', summary: 'Log level of logs/hedge.log.', helpGroup: 'COMMON' })(),
  };

  protected flags!: BaseFlags<T>;
  private rootLogger: Logger | undefined;
  protected args!: Interfaces.InferredArgs<T['args']>;

  public override async init(): Promise<void> {
    await super.init();
    const { flags, args } = await this.parse({
      flags: this.ctor.flags,
      baseFlags: (this.ctor as typeof BaseCommand).baseFlags,
      enableJsonFlag: true,
      args: this.ctor.args,
      strict: this.ctor.strict,
    });
    this.flags = flags as BaseFlags<T>;
    this.args = args as Interfaces.InferredArgs<T['args']>;
    const { loadDotEnv } = await import('../src/config/env.js');
    const { packageRoot } = await import('../src/core/paths.js');
    this.dotEnvKeys = loadDotEnv(packageRoot);
  }

  /** A `--symbols A,b, C` flag as upper-case symbols (undefined when the flag is absent). */
  protected symbolList(flag: string | undefined): string[] | undefined {
    return flag?.split(',').map((s) => s.trim().toUpperCase()).filter((s) => s !== '');
  }

  /**
   * For a batch command PM2 runs on a schedule (backtest --sweep, regime refit): once it has finished, the
   * IPC channel to PM2 must not keep the process alive. The services keep their channel as it is.
   */
  protected exitWhenDone(): void {
    process.channel?.unref();
  }

  private dotEnvKeys: string[] = [];

  /** --json output: colourised on a terminal (oclif's), plain when piped — a large result is not tokenised for nobody. */
  override logJson(json: unknown): void {
    if (process.stdout.isTTY) super.logJson(json);
    else process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  }

  /**
   * The command's logger, writing pino JSON to `<state-dir>/logs/hedge.log`. Created on first use, so
   * commands that do not log never load pino.
   */
  protected async logger(): Promise<Logger> {
    if (this.rootLogger === undefined) {
      const [{ createLogger }, { statePaths }, path] = await Promise.all([
        import('../src/telemetry/logger.js'),
        import('../src/telemetry/state-paths.js'),
        import('node:path'),
      ]);
      const root = await createLogger({ level: this.flags['log-level'], file: statePaths(path.resolve(this.flags['state-dir'])).log });
      this.rootLogger = root.child({ command: this.id ?? '' });
      this.rootLogger.info('cli.started', { argv: this.argv, dotenv_keys: this.dotEnvKeys });
    }
    return this.rootLogger;
  }

  /**
   * Runs a service until it returns, turning SIGINT/SIGTERM (Ctrl-C, `pm2 stop`) into an abort signal:
   * the service finishes what it is doing (a cycle, a pass), commits it and returns, and the process exits 0.
   */
  protected async withStopSignal<R>(event: LogEvent, saying: string, run: (stop: AbortSignal) => Promise<R>): Promise<R> {
    const log = await this.logger();
    const stop = new AbortController();
    const onSignal = (signal: NodeJS.Signals) => {
      if (stop.signal.aborted) return;
      log.info(event, { signal });
      if (!this.jsonEnabled()) this.logToStderr(`hedge ${this.id ?? ''}: ${signal}: ${saying}`);
      stop.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      return await run(stop.signal);
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }

  protected override async finally(err: Error | undefined): Promise<unknown> {
    this.rootLogger?.flush();
    return super.finally(err);
  }

  protected override async catch(err: Error & { exitCode?: number; code?: string }): Promise<unknown> {
    // this.exit(n) throws an ExitError: let it end the process with its code, as is
    if (err.code === 'EEXIT') throw err;
    if (err instanceof HedgeError) {
      (await this.logger().catch(() => undefined))?.error('cli.failed', { code: err.code, message: err.message, exit_code: err.exitCode });
      if (this.jsonEnabled()) this.logJson({ error: { code: err.code, message: err.message, exitCode: err.exitCode, retryable: err.retryable } });
      else process.stderr.write(`hedge ${(this.id ?? '').replaceAll(':', ' ')}: ${err.code}\n${err.message}\n`);
      this.exit(err.exitCode);
    }
    return super.catch(err);
  }
}
