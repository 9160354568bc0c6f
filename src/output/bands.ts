/**
 * Output stage: words for a distance. The talk's rule of thumb, for L2
 * distance between unit-length embeddings, is that under about 0.75 is a
 * confident match and over about 1.2 is far off. Where exactly the lines lie
 * depends on the model, so each model's bands are calibrated from data (see
 * `models/`), and the match threshold sits between them.
 */

/**
 * Meaning of a distance, from nearest to farthest, or `empty-gallery` when
 * the gallery had no entry to compare the face with.
 */
export type Band =
  'confident' | 'likely' | 'unlikely' | 'far' | 'empty-gallery';

/** Distances that separate the bands, in the model's metric. */
export interface BandLimits {
  /** Below this, a match is confident. */
  readonly confidentBelow: number;
  /** At or below this, a face matches (the unknown threshold). */
  readonly threshold: number;
  /** At or above this, the faces are far apart. */
  readonly farAbove: number;
}

/** The talk's rule of thumb, before any calibration. */
export const RULE_OF_THUMB: BandLimits = {
  confidentBelow: 0.75,
  threshold: 0.95,
  farAbove: 1.2,
};

/** Checks that the limits are positive and in increasing order. */
export function validateBandLimits(limits: BandLimits): BandLimits {
  const { confidentBelow, threshold, farAbove } = limits;
  if (!(
    confidentBelow > 0 &&
    confidentBelow <= threshold &&
    threshold <= farAbove
  )) {
    throw new RangeError(
      `band limits must satisfy 0 < confidentBelow <= threshold <= farAbove, got ${confidentBelow}, ${threshold}, ${farAbove}`,
    );
  }
  return limits;
}

/**
 * Returns the band of a distance. An infinite distance, which prediction
 * reports for an empty gallery, gets `empty-gallery`.
 */
export function bandOf(distance: number, limits: BandLimits): Band {
  if (distance === Infinity) return 'empty-gallery';
  if (distance < limits.confidentBelow) return 'confident';
  if (distance <= limits.threshold) return 'likely';
  if (distance < limits.farAbove) return 'unlikely';
  return 'far';
}
