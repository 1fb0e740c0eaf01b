/** The HTTP side of serve: /metrics (Prometheus text format) and / (what is served and watched). */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { LifelineError } from '../errors.js';
import { msg } from '../messages.js';

export interface Pages {
  metrics(): Promise<{ body: string; contentType: string }>;
  /** Lines of plain text shown on the index page (escaped here). */
  about(): string[];
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function indexPage(lines: string[]): string {
  const items = lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('');
  return `<!doctype html><html><head><meta charset="utf-8"><title>lifeline serve</title></head><body><h1>lifeline serve</h1><p><a href="/metrics">/metrics</a> (Prometheus text format)</p><ul>${items}</ul></body></html>\n`;
}

/** Longer than any scraper keeps an idle connection (Prometheus: 5 min). */
const KEEP_ALIVE_MS = 330_000;

/** Starts listening; resolves with the server and its address, or rejects with one line. */
export function listen(host: string, port: number, pages: Pages): Promise<{ server: http.Server; url: string }> {
  const server = http.createServer((req, res) => {
    const url = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    if (url === '/metrics') {
      pages.metrics().then(
        ({ body, contentType }) => res.writeHead(200, { 'Content-Type': contentType }).end(body),
        (e: unknown) => res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`${String(e)}\n`),
      );
      return;
    }
    if (url === '/') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(indexPage(pages.about()));
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
  });
  // A scraper keeps its connection between scrapes (Prometheus closes idle ones after 5 min). With
  // Node's default of 5 s the server closed it between two scrapes, and when a busy replay held the
  // event loop past that moment, a request already sent on the connection met a close: a failed
  // scrape ("other side closed"). Outlive the client's own idle limit instead.
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  const shown = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      reject(
        new LifelineError(
          'SERVE_LISTEN_FAILED',
          e.code === 'EADDRINUSE' ? msg.portInUse(shown) : msg.listenFailed(shown, e.message),
        ),
      );
    });
    server.listen(port, host, () => {
      const a = server.address() as AddressInfo;
      const h = a.family === 'IPv6' ? `[${a.address}]` : a.address;
      resolve({ server, url: `http://${h}:${a.port}` });
    });
  });
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
