import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { timingSafeEqual } from 'node:crypto';
import { UsageError } from '../core/errors.js';
import { isLoopbackHost } from '../config/schemas/dashboard.js';

/** The Prometheus text of `/metrics` (guardian.json `metrics.enabled`). */
export interface MetricsSource {
  render(): Promise<string>;
  readonly contentType: string;
}

const FILES: Record<string, string> = { '/': 'index.html', '/index.html': 'index.html', '/data.json': 'data.json' };

/**
 * The dashboard service: serves the exported bundle read-only (GET and HEAD of the page and its data, and
 * the Prometheus text at `/metrics` when a metrics source is given; no other path, no other method). It binds to 127.0.0.1 by default; bound anywhere else it refuses to start
 * without an access token (the variable named by dashboard.json `token_env`), which every request must then carry (`?token=` or
 * `Authorization: Bearer`).
 */
export async function serveDashboard(out: string, host: string, port: number, token: string | undefined, metrics?: MetricsSource): Promise<{ server: Server; url: string }> {
  if (!isLoopbackHost(host) && (token === undefined || token.length < 16))
    throw new UsageError(`the dashboard binds to ${host}, beyond this machine: set an access token (dashboard.json token_env, 16+ characters) to require it, or bind to 127.0.0.1`);
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { Allow: 'GET, HEAD' }).end();
        return;
      }
      if (token !== undefined) {
        const given = url.searchParams.get('token') ?? (req.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
        const a = Buffer.from(given);
        const b = Buffer.from(token);
        if (a.length !== b.length || !timingSafeEqual(a, b)) {
          res.writeHead(401, { 'Content-Type': 'text/plain' }).end('a valid token is required\n');
          return;
        }
      }
      if (url.pathname === '/metrics' && metrics !== undefined) {
        try {
          const text = await metrics.render();
          res.writeHead(200, { 'Content-Type': metrics.contentType, 'Cache-Control': 'no-store' }).end(req.method === 'HEAD' ? undefined : text);
        } catch (err) {
          res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`metrics failed: ${(err as Error).message}\n`);
        }
        return;
      }
      const name = FILES[url.pathname];
      if (name === undefined) {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
        return;
      }
      try {
        const body = await readFile(path.join(out, name));
        res.writeHead(200, { 'Content-Type': name.endsWith('.html') ? 'text/html; charset=utf-8' : 'application/json', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
        res.end(req.method === 'HEAD' ? undefined : body);
      } catch {
        res.writeHead(503, { 'Content-Type': 'text/plain' }).end('no export yet\n');
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const a = server.address() as AddressInfo;
  return { server, url: `http://${host.includes(':') ? `[${host}]` : host}:${a.port}/` };
}
