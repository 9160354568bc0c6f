/**
 * Chooses a model's band limits from measured distances of same-person
 * (genuine) and different-person (impostor) pairs.
 */
import type { BandLimits } from '../output/bands';

/** Band limits and the accuracy of the threshold on the data they came from. */
export interface BandCalibration extends BandLimits {
  /** Fraction of pairs the threshold classifies correctly. */
  readonly accuracy: number;
}

/** Returns the `q`-quantile (0..1) of sorted values, by linear interpolation. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new RangeError('quantile of an empty list');
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return (
    sorted[below]! + (position - below) * (sorted[above]! - sorted[below]!)
  );
}

/**
 * Returns the threshold with the highest accuracy: a pair is called "same person"
 * when its distance is at most the threshold. Among equally good thresholds
 * the midpoint of the best interval is returned.
 */
export function bestThreshold(
  genuine: readonly number[],
  impostor: readonly number[],
): { threshold: number; accuracy: number } {
  const points = [
    ...genuine.map((d) => ({ d, same: true })),
    ...impostor.map((d) => ({ d, same: false })),
  ].sort((a, b) => a.d - b.d);
  const total = points.length;
  if (genuine.length === 0 || impostor.length === 0)
    throw new RangeError('need genuine and impostor distances');
  // Start with the threshold below every distance: all impostors right.
  let correct = impostor.length;
  let best = correct;
  let bestIndex = -1;
  for (let i = 0; i < total; i++) {
    correct += points[i]!.same ? 1 : -1;
    if (
      correct > best &&
      (i === total - 1 || points[i + 1]!.d > points[i]!.d)
    ) {
      best = correct;
      bestIndex = i;
    }
  }
  const low = bestIndex >= 0 ? points[bestIndex]!.d : 0;
  const high = bestIndex + 1 < total ? points[bestIndex + 1]!.d : low;
  return { threshold: (low + high) / 2, accuracy: best / total };
}

/**
 * Calibrates the bands: `confidentBelow` is the distance under which only
 * 0.1% of impostor pairs fall, `threshold` the most accurate threshold, and
 * `farAbove` the distance beyond which only 1% of genuine pairs lie.
 */
export function calibrateBands(
  genuine: readonly number[],
  impostor: readonly number[],
): BandCalibration {
  const { threshold, accuracy } = bestThreshold(genuine, impostor);
  const confidentBelow = Math.min(
    threshold,
    quantile(
      [...impostor].sort((a, b) => a - b),
      0.001,
    ),
  );
  const farAbove = Math.max(
    threshold,
    quantile(
      [...genuine].sort((a, b) => a - b),
      0.99,
    ),
  );
  return { confidentBelow, threshold, farAbove, accuracy };
}
