import type { Tf } from '../backend/backend';
import type { RgbImage } from '../input/image';
import { imageToTensor } from '../input/tensor';
import { scaleBox, scalePoint } from './landmarks';
import type { DetectedFace, FaceDetector, Landmarks5 } from './types';

/** Default longest side, in pixels, of the copy of the image passed to a detector. */
export const DEFAULT_DETECTION_MAX_SIDE = 1280;

/**
 * Images with a side shorter than this many pixels cannot hold a detectable
 * face (MTCNN's smallest window is 12 pixels) and give no faces.
 */
export const MIN_DETECTABLE_SIDE = 12;

/** Options of {@link detectFaces}. */
export interface DetectOptions {
  /**
   * Longest side, in pixels, of the copy passed to the detector, so larger images are
   * downscaled for detection (default {@link DEFAULT_DETECTION_MAX_SIDE}).
   */
  maxSide?: number;
}

function rescaleFace(face: DetectedFace, scale: number): DetectedFace {
  const landmarks5 = face.landmarks5.map((p) =>
    scalePoint(p, scale),
  ) as unknown as Landmarks5;
  return {
    box: scaleBox(face.box, scale),
    score: face.score,
    landmarks5,
    ...(face.landmarks68 && {
      landmarks68: face.landmarks68.map((p) => scalePoint(p, scale)),
    }),
  };
}

/**
 * Runs a detector on an image of any size. An image whose longest side
 * exceeds `maxSide` is downscaled for detection, and the boxes and landmarks
 * are mapped back to the original pixel coordinates, so that alignment can
 * crop from the full-resolution pixels.
 */
export async function detectFaces(
  tf: Tf,
  detector: FaceDetector,
  image: RgbImage,
  options: DetectOptions = {},
): Promise<DetectedFace[]> {
  const maxSide = options.maxSide ?? DEFAULT_DETECTION_MAX_SIDE;
  if (!(maxSide >= MIN_DETECTABLE_SIDE)) {
    throw new RangeError(
      `maxSide must be at least ${MIN_DETECTABLE_SIDE} pixels, got ${maxSide}`,
    );
  }
  if (Math.min(image.width, image.height) < MIN_DETECTABLE_SIDE) return [];
  const longest = Math.max(image.width, image.height);
  const scale = longest > maxSide ? maxSide / longest : 1;
  const full = imageToTensor(tf, image);
  if (scale === 1) {
    try {
      return await detector.detect(full);
    } finally {
      full.dispose();
    }
  }
  const size: [number, number] = [
    Math.max(1, Math.round(image.height * scale)),
    Math.max(1, Math.round(image.width * scale)),
  ];
  const small = tf.tidy(() => tf.image.resizeBilinear(full, size, true));
  full.dispose();
  try {
    const faces = await detector.detect(small);
    const back = image.width / size[1];
    return faces.map((face) => rescaleFace(face, back));
  } finally {
    small.dispose();
  }
}
