/**
 * On-disk cache of analysed images, so that a re-run skips detection and
 * embedding. An entry is keyed by the SHA-256 of the encoded image together
 * with everything that changes the result (detector and its options,
 * detection size, embedding model and alignment), so changing any of them
 * never returns stale vectors.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

import type { Box, Landmarks5, Point } from '../detection/types';
import { createLogger } from '../log';
import { writeFileAtomic } from '../storage/atomic';

/** Bumped whenever the stored layout or the analysis changes meaning. */
const CACHE_FORMAT = 1;

const log = createLogger('cache');

/** One face as stored in the cache. */
export interface CachedFace {
  readonly box: Box;
  readonly score: number;
  readonly landmarks5: Landmarks5;
  readonly landmarks68?: readonly Point[];
  readonly embedding: Float32Array;
}

interface StoredEntry {
  format: number;
  faces: {
    box: Box;
    score: number;
    landmarks5: Point[];
    landmarks68?: Point[];
    embedding: string;
  }[];
}

/**
 * Returns the default cache folder: `FACELAB_CACHE` if set, else
 * `$XDG_CACHE_HOME/facelab`, else `~/.cache/facelab`.
 */
export function defaultCacheFolder(): string {
  if (process.env.FACELAB_CACHE) return process.env.FACELAB_CACHE;
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'facelab');
}

function encodeVector(vector: Float32Array): string {
  return Buffer.from(
    vector.buffer,
    vector.byteOffset,
    vector.byteLength,
  ).toString('base64');
}

function decodeVector(text: string): Float32Array {
  const bytes = Buffer.from(text, 'base64');
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float32Array(copy.buffer);
}

/** A folder of cached analyses for one pipeline configuration. */
export class EmbeddingCache {
  private readonly signatureHash: string;

  /**
   * @param folder - Where entries are stored; created on the first write.
   * @param signature - Everything besides the image that changes the result.
   */
  constructor(
    readonly folder: string,
    signature: string,
  ) {
    this.signatureHash = createHash('sha256').update(signature).digest('hex');
  }

  private pathFor(contentHash: string): string {
    const key = createHash('sha256')
      .update(`${this.signatureHash}:${contentHash}`)
      .digest('hex');
    return join(this.folder, key.slice(0, 2), `${key}.json`);
  }

  /** Returns the cached faces of an image, or undefined on a miss. */
  async get(contentHash: string): Promise<CachedFace[] | undefined> {
    const path = this.pathFor(contentHash);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      return undefined;
    }
    try {
      const entry = JSON.parse(text) as StoredEntry;
      if (entry.format !== CACHE_FORMAT) return undefined;
      return entry.faces.map((face) => ({
        box: face.box,
        score: face.score,
        landmarks5: face.landmarks5 as unknown as Landmarks5,
        ...(face.landmarks68 && { landmarks68: face.landmarks68 }),
        embedding: decodeVector(face.embedding),
      }));
    } catch (error) {
      // An unreadable entry (for example from a full disk) is recomputed.
      log.warn(
        `ignoring unreadable cache entry ${path}: ${(error as Error).message}`,
      );
      return undefined;
    }
  }

  /** Stores the faces of an image, replacing any earlier entry. */
  async set(contentHash: string, faces: readonly CachedFace[]): Promise<void> {
    const entry: StoredEntry = {
      format: CACHE_FORMAT,
      faces: faces.map((face) => ({
        box: face.box,
        score: face.score,
        landmarks5: [...face.landmarks5],
        ...(face.landmarks68 && { landmarks68: [...face.landmarks68] }),
        embedding: encodeVector(face.embedding),
      })),
    };
    await writeFileAtomic(this.pathFor(contentHash), JSON.stringify(entry));
  }
}
