/**
 * Prediction and output on top of the pipeline: every face in an image gets a
 * label (or `unknown`), a distance and a band that explains the distance, and
 * no label goes to two faces of one image.
 */
import type { Metric } from './prediction/distance';
import type { Gallery } from './prediction/gallery';
import { predict, type PredictionMethod } from './prediction/predict';
import { bandOf, type BandLimits } from './output/bands';
import { UNKNOWN, type FaceResult } from './output/result';
import type { AnalyzedFace } from './pipeline';

/** Settings of a {@link Recognizer}. */
export interface RecognizerOptions {
  method?: PredictionMethod;
  k?: number;
  metric?: Metric;
  /** Band limits; `threshold` is the unknown threshold. */
  limits: BandLimits;
}

/** Turns analysed faces into labelled results against a gallery. */
export class Recognizer {
  constructor(
    readonly gallery: Gallery,
    readonly options: RecognizerOptions,
  ) {}

  /**
   * Labels every face of one image, giving each label to at most one face
   * (see {@link keepEachLabelOnce}).
   */
  identifyAll(faces: readonly AnalyzedFace[]): FaceResult[] {
    return keepEachLabelOnce(faces.map((face) => this.identify(face)));
  }

  /** Labels one face on its own, without looking at the other faces of its image. */
  identify(face: AnalyzedFace): FaceResult {
    const { limits, method, k, metric } = this.options;
    const prediction = predict(this.gallery, face.embedding, {
      threshold: limits.threshold,
      ...(method !== undefined && { method }),
      ...(k !== undefined && { k }),
      ...(metric !== undefined && { metric }),
    });
    return {
      box: face.box,
      score: face.score,
      landmarks5: face.landmarks5,
      ...(face.landmarks68 && { landmarks68: face.landmarks68 }),
      label: prediction.label ?? UNKNOWN,
      nearestLabel: prediction.nearestLabel,
      distance: prediction.distance,
      band: bandOf(prediction.distance, limits),
    };
  }
}

/**
 * Keeps each label for one face of an image: when several faces get the same
 * label, the closest keeps it (the first of equally close ones) and the
 * others become {@link UNKNOWN}. These keep their `nearestLabel`, `distance`
 * and `band`, which still describe the distance to that person. A photo
 * rarely shows one person twice (a mirror or a poster can), so all but one
 * of those faces are most likely look-alikes.
 */
export function keepEachLabelOnce(
  results: readonly FaceResult[],
): FaceResult[] {
  const closest = new Map<string, number>();
  results.forEach((result, index) => {
    if (result.label === UNKNOWN) return;
    const holder = closest.get(result.label);
    if (holder === undefined || result.distance < results[holder]!.distance)
      closest.set(result.label, index);
  });
  return results.map((result, index) =>
    result.label === UNKNOWN || closest.get(result.label) === index
      ? result
      : { ...result, label: UNKNOWN },
  );
}
