/** JSON responses and errors of the HTTP API: `{ "error": { "code", "message" } }`. */
import type { ServerResponse } from 'node:http';

/** An error that becomes an HTTP response with a status, a stable code and a message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    /** Machine-readable code, for example `image-corrupt` or `queue-full`. */
    readonly code: string,
    message: string,
    /** Extra response headers, for example `Retry-After`. */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Sends a JSON body. `Infinity` and `NaN` become `null`, as `JSON.stringify` writes them. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...headers,
  });
  response.end(text);
}

/** Sends an {@link ApiError} as its JSON error body. */
export function sendError(response: ServerResponse, error: ApiError): void {
  sendJson(
    response,
    error.status,
    { error: { code: error.code, message: error.message } },
    error.headers,
  );
}
