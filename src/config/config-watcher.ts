import { watch, type FSWatcher } from 'chokidar';
import { ConfigError, errorMessage, type ConfigIssue } from '../core/errors.js';
import { loadConfig, type LoadConfigOptions, type LoadedConfig } from './load.js';

/** What a reload attempt did. */
export type ReloadOutcome =
  | { readonly type: 'reloaded'; readonly config: LoadedConfig; readonly previousFingerprint: string }
  | { readonly type: 'rejected'; readonly issues: readonly ConfigIssue[]; readonly keptFingerprint: string };

/**
 * Hot reload: watches the config folder and, when a file changes, validates the whole set again. A valid
 * change is offered to the owner (the executor applies it at its next cycle boundary); an invalid one is
 * rejected with its issues and the last good config stays in force. Nothing half-loaded ever escapes.
 */
export class ConfigWatcher {
  private current: LoadedConfig;
  private pending: LoadedConfig | undefined;
  private watcher: FSWatcher | undefined;

  constructor(private readonly options: LoadConfigOptions, initial: LoadedConfig, private readonly onOutcome: (outcome: ReloadOutcome) => void = () => undefined) {
    this.current = initial;
  }

  /** The config in force. */
  get config(): LoadedConfig {
    return this.current;
  }

  async start(): Promise<void> {
    this.watcher = watch(this.options.configDir, { ignoreInitial: true, awaitWriteFinish: { stabilityThreshold: 50, pollInterval: 10 } });
    const changed = () => this.check();
    this.watcher.on('add', changed).on('change', changed).on('unlink', changed);
    await new Promise<void>((resolve) => this.watcher?.once('ready', () => resolve()));
  }

  async close(): Promise<void> {
    await this.watcher?.close();
  }

  /** Validates the files as they are now; a valid, different config waits for `applyPending`. */
  check(): ReloadOutcome | undefined {
    let next: LoadedConfig;
    try {
      next = loadConfig(this.options);
    } catch (err) {
      const issues = err instanceof ConfigError ? err.issues : [{ file: this.options.configDir, path: '$', expected: 'a loadable config', found: errorMessage(err) }];
      const outcome: ReloadOutcome = { type: 'rejected', issues, keptFingerprint: this.current.fingerprint };
      this.onOutcome(outcome);
      return outcome;
    }
    // back to the config in force (A → B → A before a cycle boundary): nothing changes
    if (next.fingerprint === this.current.fingerprint) this.pending = undefined;
    else if (next.fingerprint !== this.pending?.fingerprint) this.pending = next;
    return undefined;
  }

  /** At a cycle boundary: switches to the validated pending config, if any, and says so. */
  applyPending(): ReloadOutcome | undefined {
    const next = this.pending;
    if (next === undefined) return undefined;
    this.pending = undefined;
    const outcome: ReloadOutcome = { type: 'reloaded', config: next, previousFingerprint: this.current.fingerprint };
    this.current = next;
    this.onOutcome(outcome);
    return outcome;
  }
}
