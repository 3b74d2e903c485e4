import { Command, Flags, type Interfaces } from '@oclif/core';
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
    loadDotEnv(packageRoot);
  }

  protected override async catch(err: Error & { exitCode?: number; code?: string }): Promise<unknown> {
    // this.exit(n) throws an ExitError: let it end the process with its code, as is
    if (err.code === 'EEXIT') throw err;
    if (err instanceof HedgeError) {
      if (this.jsonEnabled()) this.logJson({ error: { code: err.code, message: err.message, exitCode: err.exitCode, retryable: err.retryable } });
      else process.stderr.write(`hedge ${(this.id ?? '').replaceAll(':', ' ')}: ${err.code}\n${err.message}\n`);
      this.exit(err.exitCode);
    }
    return super.catch(err);
  }
}
