import type { Tensor3D } from '@tensorflow/tfjs';

import type { Tf } from '../backend/backend';
import type { RgbImage } from './image';

/**
 * Creates an `int32` tensor of shape `[height, width, 3]` from an image, the
 * input every detector takes. The caller disposes it.
 */
export function imageToTensor(tf: Tf, image: RgbImage): Tensor3D {
  return tf.tensor3d(
    Int32Array.from(image.data),
    [image.height, image.width, 3],
    'int32',
  );
}
