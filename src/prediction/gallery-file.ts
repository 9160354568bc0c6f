/**
 * Saves and loads a {@link Gallery} as a JSON file. Writes are atomic, so a
 * crash or a full disk during a save leaves the previous file intact.
 */
import { readFile } from 'node:fs/promises';

import { writeFileAtomic } from '../storage/atomic';
import type { Gallery } from './gallery';
import { IndexedGallery } from './indexed-gallery';

const FORMAT = 'facelab-gallery';
const VERSION = 1;

interface StoredGallery {
  format: typeof FORMAT;
  version: number;
  model: string;
  dimension: number;
  entries: {
    label: string;
    source?: string;
    addedAt: string;
    embedding: string;
  }[];
}

/** Raised when a gallery file cannot be read or does not fit the model in use. */
export class GalleryFileError extends Error {
  constructor(
    readonly path: string,
    reason: string,
    fix: string,
  ) {
    super(`${path}: ${reason}; ${fix}`);
    this.name = 'GalleryFileError';
  }
}

/** Writes the gallery to `path` atomically. */
export async function saveGallery(
  gallery: Gallery,
  path: string,
): Promise<void> {
  const stored: StoredGallery = {
    format: FORMAT,
    version: VERSION,
    model: gallery.model,
    dimension: gallery.dimension,
    entries: gallery.entries().map((entry) => ({
      label: entry.label,
      ...(entry.source !== undefined && { source: entry.source }),
      addedAt: entry.addedAt,
      embedding: Buffer.from(
        entry.embedding.buffer,
        entry.embedding.byteOffset,
        entry.embedding.byteLength,
      ).toString('base64'),
    })),
  };
  await writeFileAtomic(path, `${JSON.stringify(stored, null, 1)}\n`);
}

const DAMAGED_FIX =
  'the file is damaged; restore it from a backup or enroll again';

function decodeEmbedding(
  text: string,
  dimension: number,
  path: string,
  index: number,
): Float32Array {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.byteLength !== dimension * 4) {
    throw new GalleryFileError(
      path,
      `entry ${index} has an embedding of ${bytes.byteLength} bytes instead of ${dimension * 4} (${dimension} float32 values)`,
      DAMAGED_FIX,
    );
  }
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float32Array(copy.buffer);
}

/** Checks one stored entry, naming the entry and field that is invalid. */
function validateEntry(
  entry: unknown,
  path: string,
  index: number,
): StoredGallery['entries'][number] {
  const invalid = (what: string) =>
    new GalleryFileError(path, `entry ${index} ${what}`, DAMAGED_FIX);
  if (typeof entry !== 'object' || entry === null) {
    throw invalid('is not an object');
  }
  const { label, embedding, source, addedAt } = entry as Record<
    string,
    unknown
  >;
  if (typeof label !== 'string' || label.trim() === '') {
    throw invalid('has no label');
  }
  if (typeof embedding !== 'string') {
    throw invalid('has no embedding');
  }
  if (source !== undefined && typeof source !== 'string') {
    throw invalid('has a source that is not a string');
  }
  if (typeof addedAt !== 'string') {
    throw invalid('has no addedAt time');
  }
  return { label, embedding, addedAt, ...(source !== undefined && { source }) };
}

/**
 * Loads a gallery file. With `expectedModel`, a gallery built with another
 * embedding model is rejected, because its distances would be meaningless.
 *
 * @returns The gallery, or undefined when the file does not exist.
 * @throws {@link GalleryFileError} for invalid JSON, another format or a model mismatch.
 */
export async function loadGallery(
  path: string,
  expectedModel?: string,
): Promise<Gallery | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'EISDIR') {
      throw new GalleryFileError(
        path,
        'is a folder',
        'pass the path of a gallery file, for example facelab-gallery.json',
      );
    }
    throw new GalleryFileError(
      path,
      `cannot be read (${(error as Error).message})`,
      'check its permissions',
    );
  }
  let stored: StoredGallery;
  try {
    stored = JSON.parse(text) as StoredGallery;
  } catch (error) {
    throw new GalleryFileError(
      path,
      `is not valid JSON (${(error as Error).message})`,
      'restore it from a backup or delete it to start a new gallery',
    );
  }
  if (stored?.format !== FORMAT || !Array.isArray(stored.entries)) {
    throw new GalleryFileError(
      path,
      'is not a facelab gallery file',
      'pass the path of a file written by `facelab enroll`',
    );
  }
  if (stored.version !== VERSION) {
    throw new GalleryFileError(
      path,
      `has gallery format version ${stored.version}, this facelab reads ${VERSION}`,
      'use a matching facelab version',
    );
  }
  if (expectedModel !== undefined && stored.model !== expectedModel) {
    throw new GalleryFileError(
      path,
      `holds embeddings of model "${stored.model}" but the pipeline uses "${expectedModel}"`,
      'use the embedder it was built with (--embedder on the command line), or enroll into a new gallery file',
    );
  }
  if (
    typeof stored.model !== 'string' ||
    !Number.isInteger(stored.dimension) ||
    stored.dimension < 1
  ) {
    throw new GalleryFileError(
      path,
      'has no valid model or dimension',
      DAMAGED_FIX,
    );
  }
  const gallery = new IndexedGallery(stored.model, stored.dimension);
  stored.entries.forEach((unchecked, i) => {
    const entry = validateEntry(unchecked, path, i);
    gallery.add(
      entry.label,
      decodeEmbedding(entry.embedding, stored.dimension, path, i),
      entry.source,
      entry.addedAt,
    );
  });
  return gallery;
}
