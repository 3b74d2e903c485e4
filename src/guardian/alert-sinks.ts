import path from 'node:path';
import type { Clock } from '../core/clock.js';
import { createRegistry } from '../core/registry.js';
import { ActionError, ConfigError } from '../core/errors.js';
import type { AlertSinkConfig, Severity } from '../config/schemas/guardian.js';
import { JsonlWriter } from '../telemetry/jsonl-writer.js';

/** An alert as every sink receives it (and as the `file` sink writes it, one JSON line each). */
export interface AlertRecord {
  readonly schema_version: 1;
  readonly ts: number;
  /** `<playbook>/<account>/<ts>`: the same for every sink that gets it. */
  readonly id: string;
  readonly node_id: string;
  readonly account: string;
  readonly playbook: string;
  readonly check: string;
  readonly severity: Severity;
  /** `firing` when the check fires and the playbook acts; `resolved` when it no longer fires. */
  readonly status: 'firing' | 'resolved';
  readonly message: string;
}

export const severityRank: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

/** Where alerts go. `send` resolves once the alert is delivered, rejects when it could not be. */
export interface AlertSink {
  readonly description: string;
  readonly minSeverity: Severity;
  send(alert: AlertRecord): Promise<void>;
  close(): void;
}

export interface AlertSinkContext {
  readonly stateDir: string;
  readonly env: NodeJS.ProcessEnv;
  /** guardian.json as the operator has it, and this sink's index in `alerts` (for errors that name them). */
  readonly configFile: string;
  readonly index: number;
  /** Waits between a webhook's retries. */
  readonly clock: Clock;
}

export interface AlertSinkPlugin<C extends AlertSinkConfig = AlertSinkConfig> {
  readonly name: C['type'];
  create(config: C, ctx: AlertSinkContext): AlertSink;
}

/** The alert sink plugins, by `type` in guardian.json `alerts`. */
export const alertSinkPlugins = createRegistry<AlertSinkPlugin>('alert sink');

/** `file`: one JSON line per alert, appended and fsynced (a reader never sees half an alert). */
const fileSink: AlertSinkPlugin<Extract<AlertSinkConfig, { type: 'file' }>> = {
  name: 'file',
  create(config, ctx) {
    const file = path.resolve(ctx.stateDir, config.path);
    let writer: JsonlWriter | undefined;
    return {
      description: `file:${file}`,
      minSeverity: config.min_severity,
      send: async (alert) => {
        writer ??= new JsonlWriter(file);
        writer.append(alert);
      },
      close: () => writer?.close(),
    };
  },
};

/** The text of an alert for a chat. */
export function alertText(a: AlertRecord): string {
  const mark = a.status === 'resolved' ? 'RESOLVED' : a.severity.toUpperCase();
  return `[hedge ${mark}] ${a.node_id}/${a.account} ${a.playbook}: ${a.message}`;
}

/**
 * `webhook`: an HTTP POST of the alert to a URL read from the environment (`url_env`; the URL is a secret
 * and is never written anywhere), as Slack `{text}`, Discord `{content}`, Telegram `sendMessage` `{chat_id,
 * text}`, or the alert record itself (`json`). Timeouts, network errors, 429 and 5xx are retried with
 * backoff; another 4xx is final.
 */
const webhookSink: AlertSinkPlugin<Extract<AlertSinkConfig, { type: 'webhook' }>> = {
  name: 'webhook',
  create(config, ctx) {
    const url = ctx.env[config.url_env];
    const where = { file: ctx.configFile, path: `$.alerts[${ctx.index}].url_env` };
    if (url === undefined || url === '') throw new ConfigError([{ ...where, expected: `the webhook URL in environment variable ${config.url_env}`, found: 'the variable is not set' }]);
    if (!/^https?:\/\//.test(url)) throw new ConfigError([{ ...where, expected: `an http(s) URL in ${config.url_env}`, found: 'something else (not shown: it is a secret)' }]);
    const bodyOf = (a: AlertRecord): unknown => {
      switch (config.format) {
        case 'slack':
          return { text: alertText(a) };
        case 'discord':
          return { content: alertText(a) };
        case 'telegram':
          return { chat_id: config.chat_id, text: alertText(a) };
        default:
          return a;
      }
    };
    return {
      description: `webhook:$${config.url_env} (${config.format})`,
      minSeverity: config.min_severity,
      send: async (alert) => {
        const body = JSON.stringify(bodyOf(alert));
        let last = '';
        for (let attempt = 0; attempt <= config.retries; attempt++) {
          if (attempt > 0) await ctx.clock.sleep(250 * 2 ** (attempt - 1));
          try {
            const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(config.timeout_ms) });
            await res.arrayBuffer();
            if (res.ok) return;
            last = `HTTP ${res.status}`;
            if (res.status < 500 && res.status !== 429) break;
          } catch (err) {
            last = (err as Error).name === 'TimeoutError' ? `no answer within ${config.timeout_ms} ms` : `${(err as Error).message}`;
          }
        }
        throw new ActionError(`webhook $${config.url_env}`, `did not take the alert: ${last}`);
      },
      close: () => undefined,
    };
  },
};

alertSinkPlugins.add(fileSink as AlertSinkPlugin).add(webhookSink as AlertSinkPlugin);
