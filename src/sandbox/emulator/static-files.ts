import { readFile, stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
};

/**
 * Serves the web chat from a directory, refusing paths that escape it. A
 * missing file (or a missing web root) gets a short, polite 404 page.
 */
export async function serveStatic(
  root: string,
  pathname: string,
  res: ServerResponse,
): Promise<void> {
  const base = resolve(root);
  let rel: string;
  try {
    rel = decodeURIComponent(pathname === '/' ? '/index.html' : pathname);
  } catch {
    rel = '/';
  }
  const full = normalize(join(base, rel));
  if (full === base || full.startsWith(base + sep)) {
    try {
      const info = await stat(full);
      if (info.isFile()) {
        const body = await readFile(full);
        res.writeHead(200, {
          'content-type': TYPES[extname(full).toLowerCase()] ?? 'application/octet-stream',
          'cache-control': 'no-cache',
        });
        res.end(body);
        return;
      }
    } catch {
      // fall through to 404
    }
  }
  res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
  res.end(
    '<!doctype html><meta charset="utf-8"><title>Not found</title><p>Nothing here. The sandbox web chat lives at <a href="/">/</a>.</p>',
  );
}
