/**
 * LFW for the notebooks: a few photos of a few people, or a clear message
 * and an empty list when `FACELAB_DATASETS` is not set, so that a notebook
 * still runs its other cells.
 */
import { existsSync } from 'node:fs';
import { basename } from 'node:path';

import { lfwFolderFromEnvironment, lfwImagePath } from '../datasets/lfw';
import { centralFace } from '../evaluation/lfw-verification';
import type { FacePipeline } from '../pipeline';

/** Photos of one LFW person. */
export interface PersonPhotos {
  readonly name: string;
  readonly photos: readonly string[];
}

/**
 * Returns the first `count` photos of each named LFW person, or an empty
 * list, after printing how to get LFW, when `FACELAB_DATASETS` is unset.
 *
 * @throws Error naming the file when a person has fewer photos than asked.
 */
export function lfwPhotos(
  names: readonly string[],
  count: number,
): PersonPhotos[] {
  const folder = lfwFolderFromEnvironment();
  if (folder === undefined) {
    process.stdout.write(
      'FACELAB_DATASETS is not set, so the cells that use LFW skip their work. ' +
        'Set it to the folder that contains lfw/ and restart the kernel to run them.\n',
    );
    return [];
  }
  return names.map((name) => {
    const photos = Array.from({ length: count }, (_, i) =>
      lfwImagePath(folder, name, i + 1),
    );
    const missing = photos.find((path) => !existsSync(path));
    if (missing !== undefined) {
      throw new Error(
        `${missing} not found: ${name} needs ${count} photos in LFW; pick a person with more`,
      );
    }
    return { name, photos };
  });
}

/** The embedding of the labelled face in one LFW photo. */
export interface PhotoEmbedding {
  readonly photo: string;
  readonly embedding: Float32Array;
}

/**
 * Embeds the face nearest the centre of each photo, the one LFW labels. A
 * photo in which the detector finds no face is left out, with a message
 * naming it.
 */
export async function embedCentralFaces(
  pipeline: FacePipeline,
  photos: readonly string[],
): Promise<PhotoEmbedding[]> {
  const embedded: PhotoEmbedding[] = [];
  for (const photo of photos) {
    const analysis = await pipeline.analyzeFile(photo);
    const face = centralFace(analysis.faces, analysis.width, analysis.height);
    if (face === undefined) {
      process.stdout.write(`no face found in ${basename(photo)}, left out\n`);
      continue;
    }
    embedded.push({ photo, embedding: face.embedding });
  }
  return embedded;
}
