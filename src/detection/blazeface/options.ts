/** Options of the BlazeFace detector, their defaults and their validation. */

/**
 * Lowest face probability kept by default: the default
 * `minDetectionConfidence` of MediaPipe Tasks' face detector.
 */
export const BLAZEFACE_SCORE_THRESHOLD = 0.5;

/**
 * Largest intersection over union of two kept boxes by default: the default
 * `minSuppressionThreshold` of MediaPipe Tasks' face detector. MediaPipe
 * blends the boxes of one cluster, but facelab keeps the best box of each.
 */
export const BLAZEFACE_IOU_THRESHOLD = 0.3;

/** Most faces returned for one image by default. */
export const BLAZEFACE_MAX_FACES = 100;

/** Options of {@link createBlazeFaceDetector}. */
export interface BlazeFaceOptions {
  /** Lowest face probability kept, in 0..1 (default {@link BLAZEFACE_SCORE_THRESHOLD}). */
  readonly minScore?: number;
  /** Largest IoU of two kept boxes, in 0..1 (default {@link BLAZEFACE_IOU_THRESHOLD}). */
  readonly iouThreshold?: number;
  /** Most faces returned for one image (default {@link BLAZEFACE_MAX_FACES}). */
  readonly maxFaces?: number;
  /** Path of the graph model's `model.json` (default {@link blazeFaceModelPath}). */
  readonly modelPath?: string;
}

/** The validated settings of a {@link BlazeFaceDetector}. */
export type BlazeFaceSettings = Required<Omit<BlazeFaceOptions, 'modelPath'>>;

function checkUnitInterval(name: string, value: number): void {
  if (!(value >= 0 && value <= 1)) {
    throw new RangeError(`${name} must be in 0..1, got ${value}`);
  }
}

/**
 * Fills in the defaults of `options` and checks every value.
 *
 * @throws RangeError naming the first invalid option.
 */
export function resolveBlazeFaceOptions(
  options: Omit<BlazeFaceOptions, 'modelPath'> = {},
): BlazeFaceSettings {
  const settings = {
    minScore: options.minScore ?? BLAZEFACE_SCORE_THRESHOLD,
    iouThreshold: options.iouThreshold ?? BLAZEFACE_IOU_THRESHOLD,
    maxFaces: options.maxFaces ?? BLAZEFACE_MAX_FACES,
  };
  checkUnitInterval('minScore', settings.minScore);
  checkUnitInterval('iouThreshold', settings.iouThreshold);
  if (!(Number.isInteger(settings.maxFaces) && settings.maxFaces >= 1)) {
    throw new RangeError(
      `maxFaces must be a positive integer, got ${settings.maxFaces}`,
    );
  }
  return settings;
}
