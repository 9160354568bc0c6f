/** Crops candidate boxes out of the image as one batch for R-Net or O-Net. */
import type { Tensor2D, Tensor4D } from '@tensorflow/tfjs';

import type { Tf } from '../../backend/backend';
import type { Box } from '../types';
import { normalizePixels } from './networks';

/**
 * Oversampling factor: each crop is first sampled this many times finer than
 * the network input and then averaged down, so that bilinear sampling does
 * not skip pixels of large boxes. On face-api's sample2 photo, a tilted face
 * that O-Net scores 0.84 this way scores 0.68 with plain bilinear crops,
 * below the default threshold of 0.7.
 */
const SUPERSAMPLING = 2;

/**
 * Computes the box corners for `tf.image.cropAndResize`, which samples the
 * first and last output pixels exactly at the given corners, expressed as
 * fractions of `imageSide - 1`. They are placed at the centres of the first
 * and last output pixels' footprints inside the box, so the crop covers the
 * box edge to edge. The `- 0.5` converts from box edges to the pixel-centre
 * coordinates that `cropAndResize` uses.
 */
function cropCorners(
  box: Box,
  outputSize: number,
  imageWidth: number,
  imageHeight: number,
): [number, number, number, number] {
  const stepX = box.width / outputSize;
  const stepY = box.height / outputSize;
  const x1 = box.x + stepX / 2 - 0.5;
  const y1 = box.y + stepY / 2 - 0.5;
  const x2 = box.x + box.width - stepX / 2 - 0.5;
  const y2 = box.y + box.height - stepY / 2 - 0.5;
  return [
    y1 / (imageHeight - 1),
    x1 / (imageWidth - 1),
    y2 / (imageHeight - 1),
    x2 / (imageWidth - 1),
  ];
}

/**
 * Crops each box out of `image` (shape `[1, height, width, 3]`, RGB 0..255),
 * resizes it to `size` x `size` and returns the batch normalised and
 * transposed, `[boxes.length, size, size, 3]` with x as the first spatial
 * axis, ready for R-Net or O-Net. Parts of a box outside the image are
 * black (pixel value 0).
 */
export function cropForNetwork(
  tf: Tf,
  image: Tensor4D,
  boxes: readonly Box[],
  size: number,
): Tensor4D {
  const [, imageHeight, imageWidth] = image.shape;
  const sampled = size * SUPERSAMPLING;
  const corners = boxes.flatMap((box) =>
    cropCorners(box, sampled, imageWidth, imageHeight),
  );
  return tf.tidy(() => {
    const boxTensor = tf.tensor2d(corners, [boxes.length, 4]) as Tensor2D;
    const indices = tf.zeros([boxes.length], 'int32');
    const crops = tf.image.cropAndResize(
      image,
      boxTensor,
      indices.as1D(),
      [sampled, sampled],
      'bilinear',
      0,
    );
    const pooled = tf.avgPool(crops, SUPERSAMPLING, SUPERSAMPLING, 'valid');
    return tf.transpose(normalizePixels(tf, pooled), [0, 2, 1, 3]);
  });
}
