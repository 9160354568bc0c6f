/**
 * Face verification metrics: given the distance of each image pair and
 * whether the pair shows one person, the k-fold accuracy of the LFW protocol,
 * the ROC curve and the numbers read off it.
 */
import { bestThreshold } from './calibration';

/** A pair of images reduced to what the metrics need. */
export interface ScoredPair {
  /** Distance between the two embeddings; smaller means more alike. */
  readonly distance: number;
  /** Whether both images show the same person. */
  readonly same: boolean;
  /** Zero-based cross-validation fold. */
  readonly fold: number;
}

/** Result of the k-fold protocol. */
export interface FoldResult {
  readonly fold: number;
  /** Threshold chosen on the other folds. */
  readonly threshold: number;
  /** Accuracy of that threshold on this fold. */
  readonly accuracy: number;
}

/** Mean and sample standard deviation of the fold accuracies. */
export interface CrossValidation {
  readonly folds: readonly FoldResult[];
  readonly mean: number;
  readonly standardDeviation: number;
}

function split(pairs: readonly ScoredPair[]): {
  genuine: number[];
  impostor: number[];
} {
  const genuine: number[] = [];
  const impostor: number[] = [];
  for (const pair of pairs)
    (pair.same ? genuine : impostor).push(pair.distance);
  return { genuine, impostor };
}

/** Fraction of pairs that `distance <= threshold` classifies correctly. */
export function accuracyAt(
  pairs: readonly ScoredPair[],
  threshold: number,
): number {
  if (pairs.length === 0)
    throw new RangeError('accuracy of an empty set of pairs');
  let correct = 0;
  for (const pair of pairs)
    if (pair.distance <= threshold === pair.same) correct++;
  return correct / pairs.length;
}

/**
 * Runs the LFW View 2 protocol: for each fold, the threshold that is most
 * accurate on all other folds is applied to that fold.
 *
 * @throws RangeError when there are fewer than two folds or a fold is empty.
 */
export function crossValidate(pairs: readonly ScoredPair[]): CrossValidation {
  const foldIds = [...new Set(pairs.map((pair) => pair.fold))].sort(
    (a, b) => a - b,
  );
  if (foldIds.length < 2)
    throw new RangeError(
      `cross-validation needs at least 2 folds, got ${foldIds.length}`,
    );
  const folds = foldIds.map((fold) => {
    const test = pairs.filter((pair) => pair.fold === fold);
    const { genuine, impostor } = split(
      pairs.filter((pair) => pair.fold !== fold),
    );
    const { threshold } = bestThreshold(genuine, impostor);
    return { fold, threshold, accuracy: accuracyAt(test, threshold) };
  });
  const mean = folds.reduce((sum, f) => sum + f.accuracy, 0) / folds.length;
  const variance =
    folds.reduce((sum, f) => sum + (f.accuracy - mean) ** 2, 0) /
    (folds.length - 1);
  return { folds, mean, standardDeviation: Math.sqrt(variance) };
}

/** One point of a ROC curve. */
export interface RocPoint {
  readonly threshold: number;
  /** False accept rate: impostor pairs at or below the threshold. */
  readonly far: number;
  /** True accept rate: genuine pairs at or below the threshold. */
  readonly tar: number;
}

/** ROC curve and summary numbers. */
export interface RocSummary {
  /** Points from threshold -Infinity (0, 0) to the largest distance (1, 1). */
  readonly curve: readonly RocPoint[];
  /** Area under the curve, in 0..1. */
  readonly auc: number;
  /** Equal error rate: where the false accept and false reject rates meet. */
  readonly eer: number;
  /** Highest TAR at a FAR of at most 0.1%. */
  readonly tarAtFar0001: number;
  /** Highest TAR at a FAR of at most 1%. */
  readonly tarAtFar001: number;
}

/** Highest TAR on the curve whose FAR does not exceed `maxFar`. */
export function tarAtFar(curve: readonly RocPoint[], maxFar: number): number {
  let best = 0;
  for (const point of curve)
    if (point.far <= maxFar) best = Math.max(best, point.tar);
  return best;
}

/** Returns the area under a ROC curve by the trapezoidal rule. */
export function areaUnderCurve(curve: readonly RocPoint[]): number {
  let area = 0;
  for (let i = 1; i < curve.length; i++) {
    const width = curve[i]!.far - curve[i - 1]!.far;
    area += (width * (curve[i]!.tar + curve[i - 1]!.tar)) / 2;
  }
  return area;
}

/**
 * Returns the equal error rate: where FAR crosses the false reject rate
 * 1 - TAR, interpolated linearly between the two points around the crossing.
 */
export function equalErrorRate(curve: readonly RocPoint[]): number {
  for (let i = 1; i < curve.length; i++) {
    const a = curve[i - 1]!;
    const b = curve[i]!;
    const gapA = a.far - (1 - a.tar);
    const gapB = b.far - (1 - b.tar);
    if (gapA <= 0 && gapB >= 0) {
      const t = gapB === gapA ? 0 : -gapA / (gapB - gapA);
      return a.far + t * (b.far - a.far);
    }
  }
  return 1;
}

/**
 * Computes the ROC curve by sweeping the threshold over every distance.
 *
 * @throws RangeError without both genuine and impostor pairs.
 */
export function rocCurve(pairs: readonly ScoredPair[]): RocSummary {
  const { genuine, impostor } = split(pairs);
  if (genuine.length === 0 || impostor.length === 0) {
    throw new RangeError('ROC needs genuine and impostor pairs');
  }
  const sorted = [...pairs].sort((a, b) => a.distance - b.distance);
  const curve: RocPoint[] = [{ threshold: -Infinity, far: 0, tar: 0 }];
  let acceptedGenuine = 0;
  let acceptedImpostors = 0;
  for (let i = 0; i < sorted.length; i++) {
    const pair = sorted[i]!;
    if (pair.same) acceptedGenuine++;
    else acceptedImpostors++;
    // Tied distances enter together: one point per distinct threshold.
    const next = sorted[i + 1];
    if (next !== undefined && next.distance === pair.distance) continue;
    curve.push({
      threshold: pair.distance,
      far: acceptedImpostors / impostor.length,
      tar: acceptedGenuine / genuine.length,
    });
  }
  return {
    curve,
    auc: areaUnderCurve(curve),
    eer: equalErrorRate(curve),
    tarAtFar0001: tarAtFar(curve, 0.001),
    tarAtFar001: tarAtFar(curve, 0.01),
  };
}
