/**
 * The image pyramid: P-Net only scans 12x12 windows, so the image is scanned
 * at several sizes, each `scaleFactor` times the previous one.
 */
import type { Tensor4D } from '@tensorflow/tfjs';

import type { Tf } from '../../backend/backend';
import { PNET_WINDOW } from './networks';

/** One level of the image pyramid. */
export interface PyramidLevel {
  /** Ratio of this level's size to the original image's size. */
  readonly scale: number;
  /** Width of this level in pixels, `floor(imageWidth * scale)`. */
  readonly width: number;
  /** Height of this level in pixels, `floor(imageHeight * scale)`. */
  readonly height: number;
}

/** The pyramid settings, a subset of the MTCNN options. */
export interface PyramidSettings {
  /** Side in pixels of the smallest face searched for. */
  readonly minFaceSize: number;
  /** Ratio between neighbouring levels, in (0, 1). */
  readonly scaleFactor: number;
  /** Maximum length in pixels of the largest level's longer side. */
  readonly maxImageSide: number;
}

/**
 * Computes the pyramid levels for an image, largest first.
 *
 * The first level maps a face of `minFaceSize` pixels to P-Net's 12-pixel
 * window (scale `12 / minFaceSize`), unless that level would be longer than
 * `maxImageSide`, in which case it is shrunk to that side. Levels follow
 * until the shorter side would drop below 12 pixels. An image too small for
 * one level gives an empty array.
 */
export function computePyramid(
  imageWidth: number,
  imageHeight: number,
  settings: PyramidSettings,
): PyramidLevel[] {
  const longest = Math.max(imageWidth, imageHeight);
  let scale = Math.min(
    PNET_WINDOW / settings.minFaceSize,
    settings.maxImageSide / longest,
  );
  const levels: PyramidLevel[] = [];
  for (;;) {
    const width = Math.floor(imageWidth * scale);
    const height = Math.floor(imageHeight * scale);
    if (Math.min(width, height) < PNET_WINDOW) break;
    levels.push({ scale, width, height });
    scale *= settings.scaleFactor;
  }
  return levels;
}

/**
 * Resizes a batch of images down (or up) to `[height, width]`.
 *
 * Bilinear sampling alone skips pixels when shrinking by more than half,
 * which aliases fine detail. So while the image is at least twice the
 * target size it is first halved with a 2x2 average pool, an approximation
 * of the area interpolation the original MTCNN used.
 */
export function resizeImage(
  tf: Tf,
  images: Tensor4D,
  height: number,
  width: number,
): Tensor4D {
  return tf.tidy(() => {
    let current = images;
    while (current.shape[1] >= 2 * height && current.shape[2] >= 2 * width) {
      current = tf.avgPool(current, 2, 2, 'valid');
    }
    if (current.shape[1] === height && current.shape[2] === width) {
      return current === images ? tf.clone(images) : current;
    }
    return tf.image.resizeBilinear(current, [height, width], false, true);
  });
}
