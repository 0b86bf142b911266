/**
 * The console's page and its bundle (built by scripts/build-console.mjs into dist/console/web/).
 * Bundles have content hashes in their names and are cached for good; index.html is never cached
 * (it names the current bundles and carries the per-start token). Files are read once and kept,
 * gzipped, in memory: the whole console is a few tens of kilobytes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** Where index.html marks the configuration the page reads (the token). */
export const CONFIG_PLACEHOLDER = '<!--console-config-->';

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
};

export interface Asset {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

interface CachedFile {
  plain: Buffer;
  gzip: Buffer;
  type: string;
}

/**
 * The built page: next to this module once compiled (dist/console/web), beside the bundled CLI
 * (dist/bundle -> dist/console/web), else the repo's dist (running from src in tests).
 */
export function findWebRoot(): string | undefined {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const candidates = [
    join(here, 'web'),
    join(here, '..', 'console', 'web'),
    join(here, '..', '..', 'dist', 'console', 'web'),
  ];
  return candidates.find((dir) => existsSync(join(dir, 'index.html')));
}

export class StaticAssets {
  private readonly files = new Map<string, CachedFile | null>();

  constructor(private readonly root: string | undefined) {}

  get built(): boolean {
    return this.root !== undefined;
  }

  /** index.html with `config` (JSON, readable by the page) in place of the placeholder. */
  page(config: Record<string, unknown>, acceptsGzip: boolean): Asset {
    const file = this.load('index.html');
    if (!file) {
      const body = Buffer.from('The console is not built: run `npm run build`.\n');
      return {
        status: 503,
        headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
        body,
      };
    }
    // `<` escaped so no value can close the script element.
    const json = JSON.stringify(config).replace(/</g, '\\u003c');
    const html = file.plain
      .toString('utf8')
      .replace(CONFIG_PLACEHOLDER, `<script id="console-config" type="application/json">${json}</script>`);
    const plain = Buffer.from(html);
    return this.respond(
      { plain, gzip: acceptsGzip ? gzipSync(plain) : plain, type: file.type },
      'no-cache',
      acceptsGzip,
    );
  }

  /** A bundle file by name (no directories); undefined when there is none. */
  asset(name: string, acceptsGzip: boolean): Asset | undefined {
    if (name !== basename(name) || name === 'index.html') return undefined;
    const file = this.load(name);
    return file ? this.respond(file, 'public, max-age=31536000, immutable', acceptsGzip) : undefined;
  }

  private respond(file: CachedFile, cacheControl: string, acceptsGzip: boolean): Asset {
    const headers: Record<string, string> = {
      'content-type': file.type,
      'cache-control': cacheControl,
      'x-content-type-options': 'nosniff',
      vary: 'accept-encoding',
    };
    if (acceptsGzip) headers['content-encoding'] = 'gzip';
    return { status: 200, headers, body: acceptsGzip ? file.gzip : file.plain };
  }

  private load(name: string): CachedFile | undefined {
    if (!this.root) return undefined;
    let file = this.files.get(name);
    if (file === undefined) {
      const path = join(this.root, name);
      const type = CONTENT_TYPES[extname(name)];
      if (type && existsSync(path)) {
        const plain = readFileSync(path);
        file = { plain, gzip: gzipSync(plain), type };
      } else {
        file = null;
      }
      this.files.set(name, file);
    }
    return file ?? undefined;
  }
}
