import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { registerSecret } from '../core/secrets.js';
import { LogEvents } from './events.js';
import { createLogger } from './logger.js';

function capture(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, lines: () => chunks.join('').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('logger', () => {
  it('writes the catalogue event as the message and the data beside it', async () => {
    const c = capture();
    const log = (await createLogger({ level: 'info', stream: c.stream })).child({ component: 'audit' });
    log.info('audit.finished', { errors: 0 });
    expect(c.lines()[0]).toMatchObject({ msg: 'audit.finished', event: 'audit.finished', component: 'audit', errors: 0, level: 30 });
    expect(Object.keys(LogEvents)).toContain('audit.finished');
  });

  it('redacts secret-looking keys at any depth and registered secret values anywhere', async () => {
    const secret = 'Zq8sJ2kL9mN4pR7tV1wX';
    registerSecret(secret);
    const c = capture();
    const log = await createLogger({ level: 'info', stream: c.stream });
    log.warn('cli.failed', {
      request: { headers: { 'X-MBX-APIKEY': 'abc123abc123' }, url: `https://fapi.binance.com/fapi/v1/order?signature=${secret}` },
      apiSecret: 'whatever',
      error: new Error(`venue said no to key ${secret}`),
    });
    const text = JSON.stringify(c.lines()[0]);
    expect(text).not.toContain(secret);
    expect(text).not.toContain('abc123abc123');
    expect(text).not.toContain('whatever');
    expect(text).toContain('[REDACTED]');
  });

  it('respects the level', async () => {
    const c = capture();
    const log = await createLogger({ level: 'warn', stream: c.stream });
    log.info('config.loaded');
    log.error('cli.failed');
    expect(c.lines().map((l) => l['msg'])).toEqual(['cli.failed']);
  });
});
