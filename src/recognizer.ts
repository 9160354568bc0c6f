/**
 * Prediction and output on top of the pipeline: every face in an image gets a
 * label (or `unknown`), a distance and a band that explains the distance.
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

  /** Labels one face. */
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
