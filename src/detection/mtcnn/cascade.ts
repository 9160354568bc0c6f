/**
 * The MTCNN cascade: P-Net proposes windows on every pyramid level, R-Net
 * rejects most of them on 24x24 crops, and O-Net scores the rest on 48x48
 * crops, tightens their boxes and places five landmarks. Each stage's output
 * is returned so that notebooks can show how the candidates thin out.
 */
import type { Tensor, Tensor3D, Tensor4D } from '@tensorflow/tfjs';

import type { Tf } from '../../backend/backend';
import type { Box, Landmarks5, Point } from '../types';
import {
  applyOffsets,
  type BoxOffsets,
  clipBox,
  hasArea,
  nonMaxSuppression,
  toSquare,
} from './boxes';
import { cropForNetwork } from './crops';
import {
  normalizePixels,
  ONET_INPUT_SIZE,
  type ONetOutput,
  PNET_STRIDE,
  PNET_WINDOW,
  RNET_INPUT_SIZE,
  type RNetOutput,
  runONet,
  runPNet,
  runRNet,
} from './networks';
import {
  type MtcnnOptions,
  type MtcnnSettings,
  resolveMtcnnOptions,
} from './options';
import { computePyramid, type PyramidLevel, resizeImage } from './pyramid';
import type { MtcnnParams } from './weights';

/** A box that a stage of the cascade accepted. */
export interface Candidate {
  /** Box in pixel coordinates of the input image. */
  readonly box: Box;
  /** Face probability from the stage that produced the box, in 0..1. */
  readonly score: number;
}

/** A box that O-Net accepted, with its landmarks. */
export interface FaceCandidate extends Candidate {
  /** The five landmarks in pixel coordinates of the input image. */
  readonly landmarks5: Landmarks5;
}

/** Wall-clock time of each stage in milliseconds. */
export interface MtcnnTimings {
  /** Pyramid resizing, P-Net and its non-maximum suppression. */
  readonly pnet: number;
  /** Cropping, R-Net and its non-maximum suppression. */
  readonly rnet: number;
  /** Cropping, O-Net and its non-maximum suppression. */
  readonly onet: number;
}

/** The output of every stage of one run of the cascade. */
export interface MtcnnStages {
  /** The scale of each pyramid level, largest first. */
  readonly scales: readonly number[];
  /** The pyramid levels, with the size in pixels of each, largest first. */
  readonly pyramid: readonly PyramidLevel[];
  /**
   * P-Net's proposals after non-maximum suppression within and across
   * levels, moved by P-Net's box offsets and made square: the boxes R-Net
   * receives. Best first.
   */
  readonly pnet: readonly Candidate[];
  /**
   * R-Net's accepted boxes after non-maximum suppression, moved by R-Net's
   * offsets and made square: the boxes O-Net receives. Best first.
   */
  readonly rnet: readonly Candidate[];
  /**
   * The faces: O-Net's accepted boxes, moved by O-Net's offsets, cut to the
   * image and thinned by non-maximum suppression. Best first. Landmarks can
   * lie outside a box that was cut at the image border.
   */
  readonly onet: readonly FaceCandidate[];
  readonly timingsMs: MtcnnTimings;
}

/**
 * Most crops sent to R-Net or O-Net in one batch. An R-Net crop needs about
 * 0.1 MB of activations and an O-Net crop about 0.5 MB, and busy photos can
 * give thousands of P-Net proposals.
 */
const MAX_BATCH = 512;

/** Rejects a tensor that is not an `int32` or `float32` `[h, w, 3]` image. */
function checkImage(image: Tensor): void {
  if (image.rank !== 3 || image.shape[2] !== 3) {
    throw new RangeError(
      `invalid image tensor shape [${image.shape}]: MTCNN needs ` +
        '[height, width, 3] with RGB channels',
    );
  }
  if (image.dtype !== 'int32' && image.dtype !== 'float32') {
    throw new RangeError(
      `invalid image tensor dtype ${image.dtype}: MTCNN needs int32 or ` +
        'float32, so convert it with tf.cast',
    );
  }
}

/** A box with its score and the offsets a network predicted for it. */
interface ScoredBox {
  readonly box: Box;
  readonly score: number;
  readonly offsets: BoxOffsets;
}

function offsetsAt(data: ArrayLike<number>, index: number): BoxOffsets {
  const base = index * 4;
  return [data[base]!, data[base + 1]!, data[base + 2]!, data[base + 3]!];
}

/**
 * Runs P-Net on one pyramid level and returns the windows scoring at least
 * `threshold`, in original image coordinates.
 */
async function scanLevel(
  tf: Tf,
  params: MtcnnParams,
  level: Tensor4D,
  scaleX: number,
  scaleY: number,
  threshold: number,
): Promise<ScoredBox[]> {
  const output = tf.tidy(() => {
    const input = tf.transpose(normalizePixels(tf, level), [0, 2, 1, 3]);
    return runPNet(tf, params.pnet, input as Tensor4D);
  });
  const [, columns, rows] = output.scores.shape;
  let scores: ArrayLike<number>;
  let offsets: ArrayLike<number>;
  try {
    [scores, offsets] = await Promise.all([
      output.scores.data(),
      output.offsets.data(),
    ]);
  } finally {
    output.scores.dispose();
    output.offsets.dispose();
  }
  const windows: ScoredBox[] = [];
  // The output is transposed like the input: the first axis is x.
  for (let i = 0; i < columns; i++) {
    for (let j = 0; j < rows; j++) {
      const index = i * rows + j;
      const score = scores[index]!;
      if (score < threshold) continue;
      const box = {
        x: (i * PNET_STRIDE) / scaleX,
        y: (j * PNET_STRIDE) / scaleY,
        width: PNET_WINDOW / scaleX,
        height: PNET_WINDOW / scaleY,
      };
      windows.push({ box, score, offsets: offsetsAt(offsets, index) });
    }
  }
  return windows;
}

function suppress<T extends { box: Box; score: number }>(
  items: readonly T[],
  threshold: number,
  measure: 'union' | 'min' = 'union',
): T[] {
  const keep = nonMaxSuppression(
    items.map((item) => item.box),
    items.map((item) => item.score),
    threshold,
    measure,
  );
  return keep.map((index) => items[index]!);
}

/** Stage 1: P-Net over the pyramid. */
async function proposeCandidates(
  tf: Tf,
  params: MtcnnParams,
  image: Tensor4D,
  levels: readonly PyramidLevel[],
  settings: MtcnnSettings,
): Promise<Candidate[]> {
  const [, imageHeight, imageWidth] = image.shape;
  const windows: ScoredBox[] = [];
  // Each level is resized from the one before it: that is cheaper than
  // resizing from the full image, and each small step blurs a little, which
  // limits aliasing.
  let previous = image;
  try {
    for (const level of levels) {
      const current = resizeImage(tf, previous, level.height, level.width);
      if (previous !== image) previous.dispose();
      previous = current;
      const found = await scanLevel(
        tf,
        params,
        current,
        level.width / imageWidth,
        level.height / imageHeight,
        settings.scoreThresholds[0],
      );
      windows.push(...suppress(found, settings.nmsThresholds.pnetPerScale));
    }
  } finally {
    if (previous !== image) previous.dispose();
  }
  return suppress(windows, settings.nmsThresholds.pnetAcrossScales)
    .map((scored) => ({
      box: toSquare(applyOffsets(scored.box, scored.offsets)),
      score: scored.score,
    }))
    .filter((candidate) => hasArea(candidate.box));
}

/** Network outputs of a batch of crops, read back into JavaScript arrays. */
interface CropResults {
  readonly scores: Float32Array;
  readonly offsets: Float32Array;
  readonly landmarks: Float32Array;
}

/**
 * Crops the boxes and runs R-Net (`size` 24) or O-Net (`size` 48) on them
 * in batches of at most {@link MAX_BATCH}.
 */
async function classifyCrops(
  tf: Tf,
  params: MtcnnParams,
  image: Tensor4D,
  boxes: readonly Box[],
  size: typeof RNET_INPUT_SIZE | typeof ONET_INPUT_SIZE,
): Promise<CropResults> {
  const scores = new Float32Array(boxes.length);
  const offsets = new Float32Array(boxes.length * 4);
  const landmarks = new Float32Array(
    size === ONET_INPUT_SIZE ? boxes.length * 10 : 0,
  );
  for (let start = 0; start < boxes.length; start += MAX_BATCH) {
    const batch = boxes.slice(start, start + MAX_BATCH);
    const outputs: RNetOutput & Partial<ONetOutput> = tf.tidy(() => {
      const crops = cropForNetwork(tf, image, batch, size);
      return size === ONET_INPUT_SIZE
        ? runONet(tf, params.onet, crops)
        : runRNet(tf, params.rnet, crops);
    });
    try {
      scores.set(await outputs.scores.data(), start);
      offsets.set(await outputs.offsets.data(), start * 4);
      if (outputs.landmarks !== undefined) {
        landmarks.set(await outputs.landmarks.data(), start * 10);
      }
    } finally {
      tf.dispose(Object.values(outputs));
    }
  }
  return { scores, offsets, landmarks };
}

/** Stage 2: R-Net on 24x24 crops of the P-Net proposals. */
async function refineCandidates(
  tf: Tf,
  params: MtcnnParams,
  image: Tensor4D,
  proposals: readonly Candidate[],
  settings: MtcnnSettings,
): Promise<Candidate[]> {
  if (proposals.length === 0) return [];
  const boxes = proposals.map((candidate) => candidate.box);
  const results = await classifyCrops(
    tf,
    params,
    image,
    boxes,
    RNET_INPUT_SIZE,
  );
  const accepted: ScoredBox[] = [];
  boxes.forEach((box, index) => {
    const score = results.scores[index]!;
    if (score >= settings.scoreThresholds[1]) {
      accepted.push({ box, score, offsets: offsetsAt(results.offsets, index) });
    }
  });
  return suppress(accepted, settings.nmsThresholds.rnet)
    .map((scored) => ({
      box: toSquare(applyOffsets(scored.box, scored.offsets)),
      score: scored.score,
    }))
    .filter((candidate) => hasArea(candidate.box));
}

/**
 * Places the five landmarks, which O-Net predicts as fractions of the crop
 * it saw, in image coordinates.
 */
function landmarksAt(data: Float32Array, index: number, crop: Box): Landmarks5 {
  const base = index * 10;
  const point = (k: number): Point => ({
    x: crop.x + data[base + k]! * crop.width,
    y: crop.y + data[base + 5 + k]! * crop.height,
  });
  return [point(0), point(1), point(2), point(3), point(4)];
}

/** Stage 3: O-Net on 48x48 crops of the R-Net boxes. */
async function outputFaces(
  tf: Tf,
  params: MtcnnParams,
  image: Tensor4D,
  refined: readonly Candidate[],
  settings: MtcnnSettings,
): Promise<FaceCandidate[]> {
  if (refined.length === 0) return [];
  const [, imageHeight, imageWidth] = image.shape;
  const boxes = refined.map((candidate) => candidate.box);
  const results = await classifyCrops(
    tf,
    params,
    image,
    boxes,
    ONET_INPUT_SIZE,
  );
  const accepted: FaceCandidate[] = [];
  boxes.forEach((crop, index) => {
    const score = results.scores[index]!;
    if (!(score >= settings.scoreThresholds[2])) return;
    const moved = applyOffsets(crop, offsetsAt(results.offsets, index));
    const box = clipBox(moved, imageWidth, imageHeight);
    if (!hasArea(box)) return;
    const landmarks5 = landmarksAt(results.landmarks, index, crop);
    accepted.push({ box, score, landmarks5 });
  });
  return suppress(accepted, settings.nmsThresholds.onet, 'min');
}

/**
 * Runs the whole cascade on one image and returns every stage's output.
 *
 * @param image - `int32` or `float32` tensor `[height, width, 3]`, RGB values
 *   in 0..255. The caller keeps ownership, and no tensors are left behind.
 * @param options - Cascade options, validated here (see `MtcnnOptions`).
 * @throws RangeError for an image tensor of the wrong shape or dtype, or an
 *   invalid option.
 */
export async function runMtcnnCascade(
  tf: Tf,
  params: MtcnnParams,
  image: Tensor3D,
  options: MtcnnOptions = {},
): Promise<MtcnnStages> {
  checkImage(image);
  const settings = resolveMtcnnOptions(options);
  const [height, width] = image.shape;
  const pyramid = computePyramid(width, height, settings);
  const stages = {
    scales: pyramid.map((level) => level.scale),
    pyramid,
  };
  if (pyramid.length === 0) {
    return {
      ...stages,
      pnet: [],
      rnet: [],
      onet: [],
      timingsMs: { pnet: 0, rnet: 0, onet: 0 },
    };
  }

  // NOTE: the networks get RGB, although face-api.js 0.22 reverses the
  // channels to BGR before the same weights. On face-api's six sample photos
  // (22 people) with the default options, RGB input found 21 faces and no
  // false positive. BGR input missed 3 of those and added 1 false positive.
  const batch = tf.tidy(
    () => tf.expandDims(tf.cast(image, 'float32'), 0) as Tensor4D,
  );
  try {
    let start = performance.now();
    const pnet = await proposeCandidates(tf, params, batch, pyramid, settings);
    const pnetMs = performance.now() - start;

    start = performance.now();
    const rnet = await refineCandidates(tf, params, batch, pnet, settings);
    const rnetMs = performance.now() - start;

    start = performance.now();
    const onet = await outputFaces(tf, params, batch, rnet, settings);
    const onetMs = performance.now() - start;

    return {
      ...stages,
      pnet,
      rnet,
      onet,
      timingsMs: { pnet: pnetMs, rnet: rnetMs, onet: onetMs },
    };
  } finally {
    batch.dispose();
  }
}
