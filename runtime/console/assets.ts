/**
 * The console's static files (runtime/console/assets/), read once at start and served from
 * memory with an ETag: browsers revalidate (`Cache-Control: no-cache`) and get 304 while the
 * file is unchanged, so a new runner version reaches them at the next page load. Only the
 * files found at start are served; names are looked up in a map, so no path reaches the disk.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { securityHeaders } from './headers.ts';

export const ASSETS_DIR = fileURLToPath(new URL('./assets/', import.meta.url));
export const ASSETS_PATH = '/console/assets/';

const TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

interface Asset {
  readonly body: Buffer;
  readonly type: string;
  readonly etag: string;
}

export class Assets {
  private readonly files = new Map<string, Asset>();

  /** Every servable file directly in `dir` (the type-check config and other kinds are not served). */
  constructor(dir: string = ASSETS_DIR) {
    for (const name of readdirSync(dir)) {
      const type = TYPES[extname(name)];
      if (!type) continue;
      const body = readFileSync(join(dir, name));
      this.files.set(name, { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` });
    }
  }

  /** Adds text made at start to the end of a file of the folder (the flow graph's rules to console.css). */
  append(name: string, text: string): void {
    const a = this.files.get(name);
    if (!a) throw new Error(`no console file ${name} to add to`);
    const body = Buffer.concat([a.body, Buffer.from(`\n${text}\n`, 'utf8')]);
    this.files.set(name, { body, type: a.type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` });
  }

  has(name: string): boolean {
    return this.files.has(name);
  }

  /** Answers GET /console/assets/:name. */
  serve(req: IncomingMessage, res: ServerResponse, name: string): void {
    const a = this.files.get(name);
    if (!a) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', ...securityHeaders() });
      res.end('no such console file\n');
      return;
    }
    const head = { 'content-type': a.type, etag: a.etag, 'cache-control': 'no-cache', ...securityHeaders() };
    if (req.headers['if-none-match'] === a.etag) {
      res.writeHead(304, head);
      res.end();
      return;
    }
    res.writeHead(200, { ...head, 'content-length': a.body.length });
    res.end(req.method === 'HEAD' ? undefined : a.body);
  }
}

/** Each rule of `css` (selector lists included) limited to elements under `scope`. */
export function scopedCss(css: string, scope: string): string {
  return css
    .split('}')
    .filter((rule) => rule.includes('{'))
    .map((rule) => {
      const [selectors = '', body = ''] = rule.split('{');
      return `${selectors.split(',').map((sel) => `${scope} ${sel.trim()}`).join(',')}{${body}}`;
    })
    .join('\n');
}
