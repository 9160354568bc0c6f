/** Reading of image uploads: the content type and size are checked before decoding. */
import type { IncomingMessage } from 'node:http';

import { ApiError } from './errors';

/**
 * Multiple of the upload limit up to which an oversized body is read and
 * discarded, so that the client receives the 413 response. Beyond it the
 * server closes the connection.
 */
const DRAIN_FACTOR = 4;

function tooLarge(limit: number): ApiError {
  return new ApiError(
    413,
    'payload-too-large',
    `the upload is larger than ${limit} bytes; downscale the image or start the server with a larger --max-upload`,
  );
}

/**
 * Checks that the request declares an image (`Content-Type: image/...`).
 *
 * @throws {@link ApiError} 415 for any other content type.
 */
export function requireImageContentType(request: IncomingMessage): void {
  const type = (request.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();
  if (!type.startsWith('image/')) {
    throw new ApiError(
      415,
      'unsupported-media-type',
      `expected an image body with Content-Type image/jpeg, image/png or another image/* type, got ${type === '' ? 'no Content-Type' : `"${type}"`}`,
    );
  }
}

/**
 * Reads the request body into memory, up to `limit` bytes.
 *
 * @throws {@link ApiError} 413 when the body, or its declared length, exceeds `limit`.
 */
export async function readBody(
  request: IncomingMessage,
  limit: number,
): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  const chunks: Buffer[] = [];
  let received = 0;
  let oversized = Number.isFinite(declared) && declared > limit;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    received += chunk.length;
    if (received > limit) oversized = true;
    if (received > limit * DRAIN_FACTOR) {
      request.destroy();
      break;
    }
    if (!oversized) chunks.push(chunk);
  }
  if (oversized) throw tooLarge(limit);
  return Buffer.concat(chunks);
}
