/**
 * Routing of the presentation server: the API under `/api/`, the pages, and
 * static files from fixed folders. Every request is logged with its status
 * and duration.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

import { createLogger } from '../log';
import {
  handleEnroll,
  handleGalleryDelete,
  handleGalleryList,
  handleHealth,
  handleIdentify,
  type ApiContext,
} from './api';
import { ApiError, sendError } from './errors';
import { sendStaticFile } from './static-files';

const log = createLogger('server');

/** The repository root, the same from `src/server/` and from `dist/server/`. */
const REPO_ROOT = resolve(__dirname, '..', '..');

/** Folders the server reads static files from. */
export interface StaticFolders {
  /** The live demo and slideshow pages and their scripts. */
  readonly web: string;
  /** The reveal.js deck and its figures. */
  readonly slides: string;
  /** The installed reveal.js package. */
  readonly reveal: string;
  /** The prepared warm-up images and their manifest. */
  readonly warmup: string;
}

/** Returns the folders of the repository and of the installed reveal.js package. */
export function defaultStaticFolders(warmup: string): StaticFolders {
  return {
    web: join(REPO_ROOT, 'web'),
    slides: join(REPO_ROOT, 'slides'),
    reveal: dirname(require.resolve('reveal.js/package.json')),
    warmup,
  };
}

/** Pages served at fixed paths, relative to the web folder. */
const PAGES: Readonly<Record<string, string>> = {
  '/': 'index.html',
  '/demo': 'demo.html',
  '/slideshow': 'slideshow.html',
};

/** Static folders by URL prefix; the reveal.js route exposes only its `dist` and `plugin` folders. */
function staticRoutes(folders: StaticFolders): [string, string][] {
  return [
    ['/web/', folders.web],
    ['/slides/', folders.slides],
    ['/vendor/reveal/dist/', join(folders.reveal, 'dist')],
    ['/vendor/reveal/plugin/', join(folders.reveal, 'plugin')],
    ['/warmup/', folders.warmup],
  ];
}

function methodNotAllowed(method: string, allowed: string): ApiError {
  return new ApiError(
    405,
    'method-not-allowed',
    `${method} is not allowed here; use ${allowed}`,
    { Allow: allowed },
  );
}

function requireMethod(request: IncomingMessage, allowed: string): void {
  const method = request.method ?? 'GET';
  const accepted = allowed === 'GET' ? ['GET', 'HEAD'] : [allowed];
  if (!accepted.includes(method)) throw methodNotAllowed(method, allowed);
}

/** Returns the part of the raw request target before `?`, still percent-encoded. */
function rawPathOf(request: IncomingMessage): string {
  const target = request.url ?? '/';
  const end = target.indexOf('?');
  return end === -1 ? target : target.slice(0, end);
}

async function routeApi(
  context: ApiContext,
  request: IncomingMessage,
  response: ServerResponse,
  rawPath: string,
  query: URLSearchParams,
): Promise<void> {
  if (rawPath === '/api/health') {
    requireMethod(request, 'GET');
    return handleHealth(context, response);
  }
  if (rawPath === '/api/identify') {
    requireMethod(request, 'POST');
    return handleIdentify(context, request, response);
  }
  if (rawPath === '/api/enroll') {
    requireMethod(request, 'POST');
    return handleEnroll(context, request, response, query);
  }
  if (rawPath === '/api/gallery') {
    requireMethod(request, 'GET');
    return handleGalleryList(context, response);
  }
  if (rawPath.startsWith('/api/gallery/')) {
    requireMethod(request, 'DELETE');
    let label: string;
    try {
      label = decodeURIComponent(rawPath.slice('/api/gallery/'.length));
    } catch {
      throw new ApiError(
        400,
        'bad-path',
        'the label in the path has an invalid percent-encoding',
      );
    }
    return handleGalleryDelete(context, response, label);
  }
  throw new ApiError(
    404,
    'not-found',
    `no API endpoint at ${rawPath}; see GET /api/health, POST /api/identify, POST /api/enroll, GET /api/gallery, DELETE /api/gallery/:label`,
  );
}

/**
 * Parses the query string of a request URL.
 *
 * @throws {@link ApiError} 400 when a name or value has an invalid
 *   percent-encoding, which `URLSearchParams` would otherwise keep or turn
 *   into U+FFFD without an error.
 */
function parseQuery(url: string): URLSearchParams {
  const search = new URL(url, 'http://localhost').search.slice(1);
  for (const part of search.split('&')) {
    try {
      decodeURIComponent(part.replace(/\+/g, ' '));
    } catch {
      throw new ApiError(
        400,
        'bad-query',
        `the query parameter "${part}" has an invalid percent-encoding; encode it as UTF-8, for example with encodeURIComponent`,
      );
    }
  }
  return new URLSearchParams(search);
}

async function route(
  context: ApiContext,
  folders: StaticFolders,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const rawPath = rawPathOf(request);
  const query = parseQuery(request.url ?? '/');
  if (rawPath.startsWith('/api/')) {
    return routeApi(context, request, response, rawPath, query);
  }
  requireMethod(request, 'GET');
  const method = request.method ?? 'GET';
  const page = PAGES[rawPath];
  if (page !== undefined) {
    return sendStaticFile(response, folders.web, page, method);
  }
  if (rawPath === '/slides') {
    response.writeHead(301, { Location: '/slides/' });
    response.end();
    return;
  }
  for (const [prefix, folder] of staticRoutes(folders)) {
    if (rawPath.startsWith(prefix)) {
      return sendStaticFile(
        response,
        folder,
        rawPath.slice(prefix.length),
        method,
      );
    }
  }
  throw new ApiError(404, 'not-found', `nothing at ${rawPath}`);
}

/** Creates the `request` listener of the presentation server. */
export function createRequestHandler(
  context: ApiContext,
  folders: StaticFolders,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    const start = performance.now();
    const requestLine = `${request.method} ${request.url}`;
    let failure: string | undefined;
    response.on('finish', () => {
      const ms = (performance.now() - start).toFixed(0);
      const line = `${requestLine} ${response.statusCode} ${ms} ms${failure === undefined ? '' : `: ${failure}`}`;
      // A full queue (503) is expected under load, so it is a warning.
      if (response.statusCode >= 500 && response.statusCode !== 503)
        log.error(line);
      else if (response.statusCode >= 400) log.warn(line);
      else log.info(line);
    });
    route(context, folders, request, response).catch((error: unknown) => {
      const apiError =
        error instanceof ApiError
          ? error
          : new ApiError(
              500,
              'internal-error',
              `the server failed to handle the request (${error instanceof Error ? error.message : String(error)}); see the server log`,
            );
      failure = `${apiError.code}: ${apiError.message}`;
      if (!(error instanceof ApiError) && error instanceof Error) {
        log.debug(error.stack ?? '');
      }
      if (response.headersSent) {
        response.destroy();
        return;
      }
      sendError(response, apiError);
    });
  };
}
