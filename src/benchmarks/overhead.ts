/**
 * Overhead benchmark: facelab's end-to-end time per image against the same
 * face-api calls made directly, in the same process on the same images. Both
 * sides decode the file, detect with SSD MobileNetV1, find the 68 landmarks
 * and compute the 128-d descriptor; facelab adds its own alignment, the
 * face records and the timing of each stage.
 */
import { performance } from 'node:perf_hooks';

import type { FaceApi } from '../backend/backend';
import { loadImage } from '../input/decode';
import { imageToTensor } from '../input/tensor';
import { faceApiModelFolder } from '../models/paths';
import type { FacePipeline } from '../pipeline';

type FaceApiInput = Parameters<FaceApi['detectAllFaces']>[0];

/** Both sides of the overhead comparison, in seconds per image. */
export interface OverheadResult {
  images: number;
  rounds: number;
  facelabSeconds: number;
  faceApiSeconds: number;
  /** `facelabSeconds / faceApiSeconds`. */
  ratio: number;
  facelabFaces: number;
  faceApiFaces: number;
}

/**
 * Times `pipeline` (built with the `ssd` detector and the cache off) and
 * face-api's `detectAllFaces(ssd).withFaceLandmarks().withFaceDescriptors()`
 * on every image, `rounds` times. The two alternate which runs first on each
 * image, so neither always meets a warmer memory cache. One untimed round on
 * the first image warms both up.
 */
export async function measureOverhead(
  pipeline: FacePipeline,
  paths: readonly string[],
  rounds: number,
): Promise<OverheadResult> {
  if (pipeline.detector.name !== 'ssd') {
    throw new RangeError(
      `the overhead benchmark compares SSD pipelines, got detector ${pipeline.detector.name}`,
    );
  }
  const { tf, faceapi } = pipeline.runtime;
  const folder = faceApiModelFolder();
  await faceapi.nets.ssdMobilenetv1.loadFromDisk(folder);
  await faceapi.nets.faceLandmark68Net.loadFromDisk(folder);
  await faceapi.nets.faceRecognitionNet.loadFromDisk(folder);
  const options = new faceapi.SsdMobilenetv1Options({
    minConfidence: 0.5,
    maxResults: 100,
  });

  const runFaceApi = async (path: string): Promise<number> => {
    const image = await loadImage(path);
    const tensor = imageToTensor(tf, image);
    try {
      const faces = await faceapi
        .detectAllFaces(tensor as unknown as FaceApiInput, options)
        .withFaceLandmarks()
        .withFaceDescriptors();
      return faces.length;
    } finally {
      tensor.dispose();
    }
  };
  const runFacelab = async (path: string): Promise<number> =>
    (await pipeline.analyzeFile(path)).faces.length;

  await runFacelab(paths[0]!);
  await runFaceApi(paths[0]!);

  let facelab = 0;
  let direct = 0;
  let facelabFaces = 0;
  let faceApiFaces = 0;
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < paths.length; i++) {
      const order = (i + round) % 2 === 0 ? [true, false] : [false, true];
      for (const isFacelab of order) {
        const start = performance.now();
        const faces = isFacelab
          ? await runFacelab(paths[i]!)
          : await runFaceApi(paths[i]!);
        const seconds = (performance.now() - start) / 1000;
        if (isFacelab) {
          facelab += seconds;
          facelabFaces += faces;
        } else {
          direct += seconds;
          faceApiFaces += faces;
        }
      }
    }
  }
  const runs = paths.length * rounds;
  return {
    images: paths.length,
    rounds,
    facelabSeconds: facelab / runs,
    faceApiSeconds: direct / runs,
    ratio: facelab / direct,
    facelabFaces: facelabFaces / rounds,
    faceApiFaces: faceApiFaces / rounds,
  };
}
