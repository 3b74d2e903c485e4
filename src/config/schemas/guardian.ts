import { z } from 'zod';
import { envVarNameField, idField, schemaRefField, schemaVersionField } from '../fields.js';

export const Severities = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof Severities)[number];

/** What a playbook watches for, per account of the state dir. */
export const GuardianCheckSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('executor_stale'),
    max_age_s: z.number().positive().max(86_400).default(180).describe('Heartbeat older than this (or none at all) fires'),
  }),
  z.strictObject({
    type: z.literal('executor_degraded').describe('The executor says its cycles fail (heartbeat status degraded)'),
  }),
  z.strictObject({
    type: z.literal('sync_stale'),
    max_age_s: z.number().positive().max(86_400).default(60).describe('Sync heartbeat older than this fires (no sync heartbeat: nothing to judge)'),
  }),
  z.strictObject({
    type: z.literal('drawdown'),
    max_pct: z.number().positive().max(100).describe('Drawdown of NAV from its high-water mark (NAV log) at or beyond this fires, percent'),
  }),
  z.strictObject({
    type: z.literal('venue_errors'),
    count: z.number().int().min(1).max(10_000).describe('Orders the venue rejected within the window at or beyond this fires'),
    window_s: z.number().positive().max(86_400).default(300),
  }),
]);
export type GuardianCheck = z.infer<typeof GuardianCheckSchema>;

/** What a playbook does when its check fires. */
export const GuardianActionSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('alert'), severity: z.enum(Severities).default('warning') }),
  z.strictObject({ type: z.literal('kill').describe('Engage the account\'s kill switch (only hedge resume lifts it)') }),
  z.strictObject({
    type: z.literal('restart'),
    service: z.string().regex(/^[a-z][a-z0-9-]{0,47}$/, 'a PM2 app name such as "hedge-executor"').describe('PM2 app to restart (pm2 restart <service>)'),
  }),
]);
export type GuardianAction = z.infer<typeof GuardianActionSchema>;

export const PlaybookSchema = z.strictObject({
  id: idField,
  enabled: z.boolean().default(true),
  check: GuardianCheckSchema,
  actions: z.array(GuardianActionSchema).min(1),
  cooldown_s: z.number().min(0).max(7 * 86_400).default(900).describe('After acting, the same playbook on the same account waits this long'),
  max_per_hour: z.number().int().min(1).max(3_600).default(4).describe('At most this many firings per playbook and account in any hour'),
});
export type Playbook = z.infer<typeof PlaybookSchema>;

export const FileAlertSinkSchema = z.strictObject({
  type: z.literal('file'),
  path: z.string().min(1).default('logs/alerts.jsonl').describe('JSON Lines file, relative to the state dir'),
  min_severity: z.enum(Severities).default('info'),
});

export const WebhookAlertSinkSchema = z
  .strictObject({
    type: z.literal('webhook'),
    url_env: envVarNameField.describe('Environment variable holding the webhook URL (a secret: it is never logged)'),
    format: z.enum(['slack', 'discord', 'telegram', 'json']).default('json').describe('Body: Slack {text}, Discord {content}, Telegram sendMessage {chat_id,text}, or the alert record'),
    chat_id: z.string().min(1).optional().describe('Telegram chat id (format telegram)'),
    min_severity: z.enum(Severities).default('warning'),
    timeout_ms: z.number().int().min(100).max(60_000).default(5_000),
    retries: z.number().int().min(0).max(10).default(2),
  })
  .superRefine((s, ctx) => {
    if (s.format === 'telegram' && s.chat_id === undefined) ctx.addIssue({ code: 'custom', path: ['chat_id'], message: 'a chat_id for the telegram format' });
  });

export const AlertSinkSchema = z.union([FileAlertSinkSchema, WebhookAlertSinkSchema]);
export type AlertSinkConfig = z.infer<typeof AlertSinkSchema>;

/** `config/guardian.json`: health playbooks, where alerts go, and the Prometheus endpoint. */
export const GuardianConfigSchema = z
  .strictObject({
    $schema: schemaRefField,
    schema_version: schemaVersionField,
    interval_s: z.number().min(1).max(3_600).default(30).describe('Daemon mode: seconds between checks'),
    alerts: z.array(AlertSinkSchema).default([{ type: 'file', path: 'logs/alerts.jsonl', min_severity: 'info' }]),
    playbooks: z.array(PlaybookSchema).default([]),
    metrics: z
      .strictObject({
        enabled: z.boolean().default(true).describe('Serve /metrics (Prometheus text) on the dashboard service'),
      })
      .default({ enabled: true }),
  })
  .superRefine((g, ctx) => {
    const seen = new Set<string>();
    g.playbooks.forEach((p, i) => {
      if (seen.has(p.id)) ctx.addIssue({ code: 'custom', path: ['playbooks', i, 'id'], message: `a playbook id used once (${p.id} repeats)` });
      seen.add(p.id);
    });
  });
export type GuardianConfig = z.infer<typeof GuardianConfigSchema>;
