/**
 * The two detectors of face-api: SSD MobileNetV1 (accurate, slower) and
 * TinyFaceDetector (a Tiny YOLOv2, fast). Neither predicts landmarks, so each
 * face gets the 68-point landmarks of face-api's landmark network, and the
 * five alignment points are derived from those.
 */
import type { Tensor3D } from '@tensorflow/tfjs';

import type { FaceApi, Tf } from '../backend/backend';
import { faceApiModelFolder } from '../models/paths';
import { landmarks5From68 } from './landmarks';
import { Landmarks68Estimator } from './landmarks68';
import type { Box, DetectedFace, FaceDetector } from './types';

/** Options of the SSD MobileNetV1 detector. */
export interface SsdOptions {
  /** Lowest detection score kept, in 0..1 (default 0.5). */
  minConfidence?: number;
  /** Most faces returned for one image (default 100). */
  maxResults?: number;
}

/** Options of TinyFaceDetector. */
export interface TinyOptions {
  /** Network input side in pixels, a multiple of 32 (default 416). */
  inputSize?: number;
  /** Lowest detection score kept, in 0..1 (default 0.5). */
  scoreThreshold?: number;
}

interface RawDetection {
  readonly box: Box;
  readonly score: number;
}

type LocateInput = Parameters<
  InstanceType<FaceApi['SsdMobilenetv1']>['locateFaces']
>[0];

function checkUnitInterval(name: string, value: number): void {
  if (!(value >= 0 && value <= 1)) {
    throw new RangeError(`${name} must be in 0..1, got ${value}`);
  }
}

/** Shared part of the face-api detectors: boxes from a network, then landmarks. */
class FaceApiDetector implements FaceDetector {
  constructor(
    readonly name: string,
    private readonly locate: (image: Tensor3D) => Promise<RawDetection[]>,
    private readonly landmarks: Landmarks68Estimator,
    private readonly release: () => void,
  ) {}

  async detect(image: Tensor3D): Promise<DetectedFace[]> {
    const detections = await this.locate(image);
    const landmarks = await this.landmarks.estimate(
      image,
      detections.map((d) => d.box),
    );
    const faces: DetectedFace[] = [];
    detections.forEach((detection, i) => {
      const points = landmarks[i];
      if (points === undefined) return;
      faces.push({
        box: detection.box,
        score: detection.score,
        landmarks5: landmarks5From68(points),
        landmarks68: points,
      });
    });
    return faces.sort((a, b) => b.score - a.score);
  }

  dispose(): void {
    this.release();
  }
}

function toRaw(detection: { box: Box; score: number }): RawDetection {
  const { x, y, width, height } = detection.box;
  return { box: { x, y, width, height }, score: detection.score };
}

/** The part of a face-api detection network that facelab uses. */
interface LocatingNet<Settings> {
  loadFromDisk(folder: string): Promise<void>;
  locateFaces(
    input: LocateInput,
    settings: Settings,
  ): Promise<{ box: Box; score: number }[]>;
  dispose(): void;
}

/** Loads a face-api network's weights and pairs it with the landmark network. */
async function loadFaceApiDetector<Settings>(
  name: string,
  net: LocatingNet<Settings>,
  settings: Settings,
  tf: Tf,
  faceapi: FaceApi,
): Promise<FaceDetector> {
  await net.loadFromDisk(faceApiModelFolder());
  const landmarks = await Landmarks68Estimator.load(tf, faceapi);
  return new FaceApiDetector(
    name,
    async (image) =>
      (await net.locateFaces(image as unknown as LocateInput, settings)).map(
        toRaw,
      ),
    landmarks,
    () => {
      net.dispose();
      landmarks.dispose();
    },
  );
}

/** Loads SSD MobileNetV1 with the 68-point landmark network. */
export async function createSsdDetector(
  tf: Tf,
  faceapi: FaceApi,
  options: SsdOptions = {},
): Promise<FaceDetector> {
  const minConfidence = options.minConfidence ?? 0.5;
  const maxResults = options.maxResults ?? 100;
  checkUnitInterval('minConfidence', minConfidence);
  if (!(Number.isInteger(maxResults) && maxResults >= 1)) {
    throw new RangeError(
      `maxResults must be a positive integer, got ${maxResults}`,
    );
  }
  const settings = new faceapi.SsdMobilenetv1Options({
    minConfidence,
    maxResults,
  });
  return loadFaceApiDetector(
    'ssd',
    new faceapi.SsdMobilenetv1(),
    settings,
    tf,
    faceapi,
  );
}

/** Loads TinyFaceDetector with the 68-point landmark network. */
export async function createTinyDetector(
  tf: Tf,
  faceapi: FaceApi,
  options: TinyOptions = {},
): Promise<FaceDetector> {
  const inputSize = options.inputSize ?? 416;
  const scoreThreshold = options.scoreThreshold ?? 0.5;
  checkUnitInterval('scoreThreshold', scoreThreshold);
  if (!(
    Number.isInteger(inputSize) &&
    inputSize >= 128 &&
    inputSize % 32 === 0
  )) {
    throw new RangeError(
      `inputSize must be a multiple of 32 of at least 128, got ${inputSize}`,
    );
  }
  const settings = new faceapi.TinyFaceDetectorOptions({
    inputSize,
    scoreThreshold,
  });
  return loadFaceApiDetector(
    'tiny',
    new faceapi.TinyFaceDetector(),
    settings,
    tf,
    faceapi,
  );
}
