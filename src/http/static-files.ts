/**
 * Files of a built front end served from one directory: each file read once and kept in memory with its ETag and
 * its Brotli and gzip copies (taken from `name.br` / `name.gz` beside it when the build wrote them, else made once,
 * off the event loop), re-read when its size or modification time changes (a rebuild while the server runs).
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { AppContext } from './context';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.map', '.webmanifest', '.txt', '.svg', '.ttf', '.ico']);
/** Below this size the headers outweigh the saving. */
const MIN_COMPRESS_BYTES = 1024;

export interface StaticFile {
  body: Buffer;
  br?: Buffer;
  gzip?: Buffer;
  etag: string;
  contentType: string;
  lastModified: Date;
}

interface Entry {
  size: number;
  mtimeMs: number;
  file: Promise<StaticFile>;
}

export class StaticDirectory {
  private readonly entries = new Map<string, Entry>();

  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  /** The file at a site-relative path inside the root (e.g. "assets/index-3f9a.js"), or undefined. */
  async get(relative: string): Promise<StaticFile | undefined> {
    const full = this.resolve(relative);
    if (!full) return undefined;
    const stat = await fs.stat(full).catch(() => undefined);
    if (!stat?.isFile()) return undefined;
    const known = this.entries.get(full);
    if (known && known.size === stat.size && known.mtimeMs === stat.mtimeMs) return known.file;
    const file = load(full, stat.mtime);
    this.entries.set(full, { size: stat.size, mtimeMs: stat.mtimeMs, file });
    file.catch(() => this.entries.delete(full));
    return file;
  }

  async exists(relative: string): Promise<boolean> {
    const full = this.resolve(relative);
    return !!full && !!(await fs.stat(full).catch(() => undefined))?.isFile();
  }

  /** Refuses anything that would leave the root, and hidden files. */
  private resolve(relative: string): string | undefined {
    let decoded: string;
    try {
      decoded = decodeURIComponent(relative);
    } catch {
      return undefined;
    }
    if (decoded.includes('\0') || decoded.split(/[\\/]/).some((part) => part.startsWith('.'))) return undefined;
    const full = path.resolve(this.root, `.${path.posix.sep}${decoded}`);
    return full.startsWith(this.root + path.sep) ? full : undefined;
  }
}

async function load(full: string, mtime: Date): Promise<StaticFile> {
  const ext = path.extname(full).toLowerCase();
  const body = await fs.readFile(full);
  const file: StaticFile = {
    body,
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
    contentType: CONTENT_TYPES[ext] ?? 'application/octet-stream',
    lastModified: mtime,
  };
  if (COMPRESSIBLE.has(ext) && body.length >= MIN_COMPRESS_BYTES) {
    const [br, gz] = await Promise.all([
      fs.readFile(`${full}.br`).catch(() =>
        // Best quality for the usual bundle; a very large file would keep a core busy for seconds at 11.
        brotli(body, { params: { [constants.BROTLI_PARAM_QUALITY]: body.length > 512 * 1024 ? 9 : 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }),
      ),
      fs.readFile(`${full}.gz`).catch(() => gzipAsync(body, { level: 9 })),
    ]);
    file.br = br;
    file.gzip = gz;
  }
  return file;
}

/**
 * Sends a static file (or 304) with the given Cache-Control, in the best coding the client accepts (Brotli first).
 */
export function sendStaticFile(ctx: AppContext, file: StaticFile, cacheControl: string): void {
  const accepted = file.br && ctx.get('accept-encoding') ? (ctx.acceptsEncodings() as string[]) : [];
  const coding = accepted.includes('br') ? 'br' : accepted.includes('gzip') ? 'gzip' : undefined;
  const etag = coding ? `${file.etag.slice(0, -1)}-${coding}"` : file.etag;
  if (file.br) ctx.vary('Accept-Encoding');
  ctx.set('Cache-Control', cacheControl);
  ctx.set('ETag', etag);
  ctx.set('Last-Modified', file.lastModified.toUTCString());
  const inm = ctx.get('if-none-match');
  if (inm && inm.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)) {
    ctx.status = 304;
    return;
  }
  ctx.status = 200;
  ctx.type = file.contentType;
  if (coding) ctx.set('Content-Encoding', coding);
  ctx.body = coding ? file[coding] : file.body;
}
