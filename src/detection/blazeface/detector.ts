/** BlazeFace as a {@link FaceDetector} of the pipeline. */
import type { GraphModel, Tensor, Tensor3D, Tensor4D } from '@tensorflow/tfjs';

import type { Tf } from '../../backend/backend';
import { loadGraphModelFromDisk } from '../../models/graph-model';
import { blazeFaceModelPath } from '../../models/paths';
import { clipBox, hasArea } from '../mtcnn/boxes';
import type { DetectedFace, FaceDetector, Landmarks5, Point } from '../types';
import { BLAZEFACE_INPUT_SIZE, createAnchors } from './anchors';
import { type BlazeFaceCandidate, decodeCandidates } from './decode';
import { landmarks5FromKeypoints } from './landmarks';
import {
  type BlazeFaceOptions,
  type BlazeFaceSettings,
  resolveBlazeFaceOptions,
} from './options';

/**
 * Outputs of the graph model, in the order the decoder needs: scores of the
 * 16x16 and 8x8 layers (`[1, 512, 1]`, `[1, 384, 1]`), then their regressors
 * (`[1, 512, 16]`, `[1, 384, 16]`).
 */
const OUTPUT_NAMES = ['Identity', 'Identity_1', 'Identity_2', 'Identity_3'];

/** Width and height of the image once scaled to fit the square input. */
interface Letterbox {
  readonly width: number;
  readonly height: number;
}

/**
 * Returns the size of the image scaled so that its longer side fills the
 * network's input, which keeps the aspect ratio.
 */
function letterboxOf(width: number, height: number): Letterbox {
  const scale = BLAZEFACE_INPUT_SIZE / Math.max(width, height);
  return {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
  };
}

/**
 * Resizes the image into the top-left corner of the square input, pads the
 * rest with black and maps RGB 0..255 to -1..1, BlazeFace's input range.
 */
function toNetworkInput(
  tf: Tf,
  image: Tensor3D,
  letterbox: Letterbox,
): Tensor4D {
  return tf.tidy(() => {
    const resized = tf.image.resizeBilinear(tf.cast(image, 'float32'), [
      letterbox.height,
      letterbox.width,
    ]);
    const normalized = tf.sub(tf.div(resized, 127.5), 1);
    const padded = tf.pad(
      normalized,
      [
        [0, BLAZEFACE_INPUT_SIZE - letterbox.height],
        [0, BLAZEFACE_INPUT_SIZE - letterbox.width],
        [0, 0],
      ],
      -1,
    );
    return tf.expandDims(padded, 0) as Tensor4D;
  });
}

/**
 * Maps a candidate from input pixels to image pixels and clips its box to
 * the image. Returns undefined when no part of the box is inside the image.
 */
function toDetectedFace(
  candidate: BlazeFaceCandidate,
  scale: Point,
  width: number,
  height: number,
): DetectedFace | undefined {
  const { box } = candidate;
  const clipped = clipBox(
    {
      x: box.x * scale.x,
      y: box.y * scale.y,
      width: box.width * scale.x,
      height: box.height * scale.y,
    },
    width,
    height,
  );
  if (!hasArea(clipped)) return undefined;
  const landmarks5 = landmarks5FromKeypoints(candidate.keypoints).map(
    (p): Point => ({ x: p.x * scale.x, y: p.y * scale.y }),
  ) as unknown as Landmarks5;
  return { box: clipped, score: candidate.score, landmarks5 };
}

/**
 * The BlazeFace detector (MediaPipe's back-camera model, 256x256 input): one
 * pass of a small SSD-like network over the whole image, which returns a box,
 * a score and six key points per face. The whole image is scaled down to
 * 256 pixels, so the small faces of a large group photo may be missed.
 */
export class BlazeFaceDetector implements FaceDetector {
  readonly name = 'blazeface';
  private model: GraphModel | undefined;
  private readonly anchors: readonly Point[] = createAnchors();

  /**
   * Wraps a loaded model; {@link createBlazeFaceDetector} loads it and
   * validates the settings. The detector owns `model` from here on and
   * releases it in {@link dispose}.
   */
  constructor(
    private readonly tf: Tf,
    model: GraphModel,
    /** The validated settings used for every image. */
    readonly settings: BlazeFaceSettings,
  ) {
    this.model = model;
  }

  /**
   * Finds the faces in an `int32` or `float32` tensor `[height, width, 3]`
   * of RGB values in 0..255, best first, in that tensor's pixel
   * coordinates. Boxes are clipped to the image. The mouth corners of
   * `landmarks5` are estimates (see {@link landmarks5FromKeypoints}). The
   * caller keeps the tensor.
   *
   * @throws Error after {@link dispose}.
   */
  async detect(image: Tensor3D): Promise<DetectedFace[]> {
    const model = this.model;
    if (model === undefined) {
      throw new Error('the BlazeFace detector was disposed; create a new one');
    }
    const [height, width] = image.shape;
    const letterbox = letterboxOf(width, height);
    const candidates = await this.findCandidates(model, image, letterbox);
    const best = await this.suppressOverlaps(candidates);
    const scale = {
      x: width / letterbox.width,
      y: height / letterbox.height,
    };
    const faces: DetectedFace[] = [];
    for (const candidate of best) {
      const face = toDetectedFace(candidate, scale, width, height);
      if (face !== undefined) faces.push(face);
    }
    return faces;
  }

  /** Runs the network and decodes the anchors that pass the score threshold. */
  private async findCandidates(
    model: GraphModel,
    image: Tensor3D,
    letterbox: Letterbox,
  ): Promise<BlazeFaceCandidate[]> {
    const tf = this.tf;
    // Scores [896] and regressors [896 * 16], 16x16 layer first.
    const [logits, regressors] = tf.tidy(() => {
      const input = toNetworkInput(tf, image, letterbox);
      const [scores16, scores8, regressors16, regressors8] = model.execute(
        input,
        OUTPUT_NAMES,
      ) as Tensor[];
      return [
        tf.reshape(tf.concat([scores16!, scores8!], 1), [-1]),
        tf.reshape(tf.concat([regressors16!, regressors8!], 1), [-1]),
      ];
    });
    try {
      const [logitData, regressorData] = await Promise.all([
        logits!.data(),
        regressors!.data(),
      ]);
      return decodeCandidates(
        logitData,
        regressorData,
        this.anchors,
        this.settings.minScore,
      );
    } finally {
      tf.dispose([logits!, regressors!]);
    }
  }

  /** Keeps the best of overlapping candidates, best first. */
  private async suppressOverlaps(
    candidates: readonly BlazeFaceCandidate[],
  ): Promise<BlazeFaceCandidate[]> {
    if (candidates.length === 0) return [];
    const tf = this.tf;
    // tf.image expects boxes as [y1, x1, y2, x2].
    const boxes = tf.tensor2d(
      candidates.map(({ box }) => [
        box.y,
        box.x,
        box.y + box.height,
        box.x + box.width,
      ]),
    );
    const scores = tf.tensor1d(candidates.map((c) => c.score));
    const { maxFaces, iouThreshold, minScore } = this.settings;
    const selected = await tf.image.nonMaxSuppressionAsync(
      boxes,
      scores,
      maxFaces,
      iouThreshold,
      minScore,
    );
    try {
      const indices = await selected.data();
      return Array.from(indices, (i) => candidates[i]!);
    } finally {
      tf.dispose([boxes, scores, selected]);
    }
  }

  /** Releases the weights; later calls to `detect` throw. */
  dispose(): void {
    this.model?.dispose();
    this.model = undefined;
  }
}

/**
 * Validates the options, loads the BlazeFace graph model and returns a
 * detector.
 *
 * @throws RangeError naming the first invalid option, before the model is
 *   read.
 * @throws Error naming the file when the model cannot be read.
 */
export async function createBlazeFaceDetector(
  tf: Tf,
  options: BlazeFaceOptions = {},
): Promise<BlazeFaceDetector> {
  const { modelPath, ...detectorOptions } = options;
  const settings = resolveBlazeFaceOptions(detectorOptions);
  const model = await loadGraphModelFromDisk(
    tf,
    modelPath ?? blazeFaceModelPath(),
  );
  return new BlazeFaceDetector(tf, model, settings);
}
