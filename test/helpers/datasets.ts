import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Returns the LFW folder named by `FACELAB_DATASETS`, or undefined when that variable
 * is unset. Tests that need it skip without it, except under CI, where a
 * missing data set fails the run instead of silently testing less.
 */
export function lfwFolder(): string | undefined {
  const root = process.env.FACELAB_DATASETS;
  if (root === undefined || root === '') {
    if (process.env.CI)
      throw new Error(
        'FACELAB_DATASETS must be set under CI (to ../shared/datasets)',
      );
    return undefined;
  }
  const folder = resolve(root, 'lfw');
  if (!existsSync(join(folder, 'images'))) {
    throw new Error(`FACELAB_DATASETS=${root} has no lfw/images folder`);
  }
  return folder;
}

/** Path of one LFW image, for example `lfwImage(dir, 'Aaron_Eckhart', 1)`. */
export function lfwImage(
  folder: string,
  person: string,
  index: number,
): string {
  return join(
    folder,
    'images',
    person,
    `${person}_${String(index).padStart(4, '0')}.jpg`,
  );
}

/** Path of one of the sample photos that `@vladmandic/face-api` ships. */
export function samplePhoto(index: number): string {
  return resolve(
    __dirname,
    '../../node_modules/@vladmandic/face-api/demo',
    `sample${index}.jpg`,
  );
}
