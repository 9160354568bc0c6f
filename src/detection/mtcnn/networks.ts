/**
 * Forward passes of the three MTCNN networks.
 *
 * Every input must already be normalised with {@link normalizePixels} and
 * transposed so that the first spatial axis is the image's x axis: the
 * weights were ported from the original Caffe models, which see images with
 * x and y swapped (face-api.js transposes the same way). The outputs are in
 * that transposed layout too.
 */
import type {
  Tensor,
  Tensor1D,
  Tensor2D,
  Tensor3D,
  Tensor4D,
} from '@tensorflow/tfjs';

import type { Tf } from '../../backend/backend';
import type {
  ConvParams,
  DenseParams,
  ONetParams,
  PNetParams,
  PreluAlpha,
  RNetParams,
} from './weights';

/** Side in pixels of the window that one P-Net output cell looks at. */
export const PNET_WINDOW = 12;

/** Distance in pixels between neighbouring P-Net windows. */
export const PNET_STRIDE = 2;

/** Side in pixels of the crops that R-Net classifies. */
export const RNET_INPUT_SIZE = 24;

/** Side in pixels of the crops that O-Net classifies. */
export const ONET_INPUT_SIZE = 48;

/**
 * Maps RGB values in 0..255 to about -1..1 the way the MTCNN models were
 * trained: `(value - 127.5) * 0.0078125`.
 */
export function normalizePixels<T extends Tensor3D | Tensor4D>(
  tf: Tf,
  pixels: T,
): T {
  return tf.tidy(() => tf.mul(tf.sub(pixels, 127.5), 0.0078125) as T);
}

function convPrelu(
  tf: Tf,
  x: Tensor4D,
  conv: ConvParams,
  alpha: PreluAlpha,
): Tensor4D {
  return tf.fused.conv2d({
    x,
    filter: conv.filter,
    strides: 1,
    pad: 'valid',
    bias: conv.bias,
    activation: 'prelu',
    preluActivationWeights: alpha,
  });
}

function conv(tf: Tf, x: Tensor4D, params: ConvParams): Tensor4D {
  return tf.fused.conv2d({
    x,
    filter: params.filter,
    strides: 1,
    pad: 'valid',
    bias: params.bias,
  });
}

function dense(
  tf: Tf,
  x: Tensor2D,
  params: DenseParams,
  alpha?: PreluAlpha,
): Tensor2D {
  return tf.fused.matMul({
    a: x,
    b: params.weights,
    bias: params.bias,
    ...(alpha && { activation: 'prelu', preluActivationWeights: alpha }),
  }) as Tensor2D;
}

/**
 * Probability of the face class from the two logits (no face, face) on the
 * last axis. A softmax over two logits equals the sigmoid of their
 * difference, which is what this computes. The last axis is removed.
 */
function faceProbability(tf: Tf, logits: Tensor): Tensor {
  const axis = logits.rank - 1;
  const [background, face] = tf.split(logits, 2, axis) as [Tensor, Tensor];
  return tf.squeeze(tf.sigmoid(tf.sub(face, background)), [axis]);
}

/** Output of {@link runPNet} for one pyramid level. */
export type PNetOutput = {
  /** Face probability of each window, shape `[1, outX, outY]`. */
  readonly scores: Tensor3D;
  /**
   * Box offsets of each window, shape `[1, outX, outY, 4]`: x1, y1, x2, y2
   * in image axes, as fractions of the window side.
   */
  readonly offsets: Tensor4D;
};

/**
 * Runs P-Net on one transposed, normalised pyramid level of shape
 * `[1, width, height, 3]`. Output cell `(i, j)` covers the 12x12 window at
 * x = 2i, y = 2j of that level.
 */
export function runPNet(
  tf: Tf,
  params: PNetParams,
  input: Tensor4D,
): PNetOutput {
  return tf.tidy(() => {
    let x = convPrelu(tf, input, params.conv1, params.prelu1);
    x = tf.maxPool(x, 2, 2, 'same');
    x = convPrelu(tf, x, params.conv2, params.prelu2);
    x = convPrelu(tf, x, params.conv3, params.prelu3);
    const logits = conv(tf, x, params.classifier);
    return {
      scores: faceProbability(tf, logits) as Tensor3D,
      offsets: conv(tf, x, params.boxRegression),
    };
  });
}

/** Output of {@link runRNet} for a batch of `n` crops. */
export type RNetOutput = {
  /** Face probability of each crop, shape `[n]`. */
  readonly scores: Tensor1D;
  /**
   * Box offsets, shape `[n, 4]`: x1, y1, x2, y2 in image axes, as fractions
   * of the crop side.
   */
  readonly offsets: Tensor2D;
};

/** Runs R-Net on transposed, normalised 24x24 crops, `[n, 24, 24, 3]`. */
export function runRNet(
  tf: Tf,
  params: RNetParams,
  input: Tensor4D,
): RNetOutput {
  return tf.tidy(() => {
    let x = convPrelu(tf, input, params.conv1, params.prelu1);
    x = tf.maxPool(x, 3, 2, 'same');
    x = convPrelu(tf, x, params.conv2, params.prelu2);
    x = tf.maxPool(x, 3, 2, 'valid');
    x = convPrelu(tf, x, params.conv3, params.prelu3);
    const flat = tf.reshape(x, [x.shape[0], -1]) as Tensor2D;
    const features = dense(tf, flat, params.fc1, params.prelu4);
    const logits = dense(tf, features, params.classifier);
    return {
      scores: faceProbability(tf, logits) as Tensor1D,
      offsets: dense(tf, features, params.boxRegression),
    };
  });
}

/** Output of {@link runONet} for a batch of `n` crops. */
export type ONetOutput = RNetOutput & {
  /**
   * Landmark positions, shape `[n, 10]`: the five x coordinates, then the
   * five y coordinates, as fractions of the crop side from its top-left.
   */
  readonly landmarks: Tensor2D;
};

/** Runs O-Net on transposed, normalised 48x48 crops, `[n, 48, 48, 3]`. */
export function runONet(
  tf: Tf,
  params: ONetParams,
  input: Tensor4D,
): ONetOutput {
  return tf.tidy(() => {
    let x = convPrelu(tf, input, params.conv1, params.prelu1);
    x = tf.maxPool(x, 3, 2, 'same');
    x = convPrelu(tf, x, params.conv2, params.prelu2);
    x = tf.maxPool(x, 3, 2, 'valid');
    x = convPrelu(tf, x, params.conv3, params.prelu3);
    x = tf.maxPool(x, 2, 2, 'same');
    x = convPrelu(tf, x, params.conv4, params.prelu4);
    const flat = tf.reshape(x, [x.shape[0], -1]) as Tensor2D;
    const features = dense(tf, flat, params.fc1, params.prelu5);
    const logits = dense(tf, features, params.classifier);
    return {
      scores: faceProbability(tf, logits) as Tensor1D,
      offsets: dense(tf, features, params.boxRegression),
      landmarks: dense(tf, features, params.landmarkRegression),
    };
  });
}
