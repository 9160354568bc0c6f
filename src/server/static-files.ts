/**
 * Static files: pages, scripts, reveal.js and images, served from fixed
 * folders. A request path is percent-decoded once and resolved inside its
 * folder, and any path that would leave the folder is rejected.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';

import { ApiError } from './errors';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
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
  '.eot': 'application/vnd.ms-fontobject',
};

function notFound(path: string): ApiError {
  return new ApiError(404, 'not-found', `no file at ${path}`);
}

/**
 * Resolves a URL path, still percent-encoded, to a file path inside `root`.
 *
 * @throws {@link ApiError} 400 for an invalid encoding or a NUL byte, 403 for
 *   a path that leaves `root` (such as `..%2f..%2fpackage.json`).
 */
export function resolveInside(root: string, encodedPath: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(encodedPath);
  } catch {
    throw new ApiError(
      400,
      'bad-path',
      `the path ${encodedPath} has an invalid percent-encoding`,
    );
  }
  if (decoded.includes('\0')) {
    throw new ApiError(400, 'bad-path', 'the path contains a NUL byte');
  }
  const base = resolve(root);
  // Backslashes are separators on Windows, so they count as separators here too.
  const target = resolve(base, `.${sep}${decoded.replaceAll('\\', '/')}`);
  if (target !== base && !target.startsWith(base + sep)) {
    throw new ApiError(
      403,
      'forbidden',
      `the path ${encodedPath} leaves the folder it is served from`,
    );
  }
  return target;
}

/**
 * Sends the file at `encodedPath` inside `root`; a folder sends its `index.html`.
 *
 * @throws {@link ApiError} 404 when there is no such file, or see {@link resolveInside}.
 */
export async function sendStaticFile(
  response: ServerResponse,
  root: string,
  encodedPath: string,
  method: string,
): Promise<void> {
  let path = resolveInside(root, encodedPath);
  let info = await stat(path).catch(() => undefined);
  if (info?.isDirectory()) {
    path = join(path, 'index.html');
    info = await stat(path).catch(() => undefined);
  }
  if (info === undefined || !info.isFile()) throw notFound(encodedPath);
  response.writeHead(200, {
    'Content-Type':
      CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': info.size,
    'Cache-Control': 'no-cache',
  });
  if (method === 'HEAD') {
    response.end();
    return;
  }
  await new Promise<void>((done, fail) => {
    const stream = createReadStream(path);
    stream.on('error', fail);
    response.on('close', () => {
      stream.destroy();
      done();
    });
    stream.pipe(response);
  });
}
