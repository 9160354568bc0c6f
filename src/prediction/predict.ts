/**
 * Prediction stage, part two: labels a face from its embedding, or marks it
 * unknown when no enrolled person is close enough.
 */
import { distanceFunction, type Metric } from './distance';
import type { Gallery, Neighbour } from './gallery';

/**
 * Search method: the single nearest photo (`1nn`), a majority
 * vote among the `k` nearest photos (`knn`), or the nearest per-person mean
 * embedding (`centroid`).
 */
export type PredictionMethod = '1nn' | 'knn' | 'centroid';

/** Settings of {@link predict}. */
export interface PredictOptions {
  method?: PredictionMethod;
  /** Neighbours that vote with `knn` (default 3). */
  k?: number;
  metric?: Metric;
  /**
   * Largest distance still accepted as a match; farther faces are `unknown`.
   * Infinity makes every face match someone (closed-set identification).
   */
  threshold: number;
}

/** The prediction for one face. */
export interface Prediction {
  /** The matched label, or null when the face is unknown. */
  readonly label: string | null;
  /** The closest label, reported even when it is farther than the threshold. */
  readonly nearestLabel: string | null;
  /** Distance to the closest photo (or centroid) of `nearestLabel`. */
  readonly distance: number;
  /** The neighbours that were considered, nearest first. */
  readonly neighbours: readonly Neighbour[];
}

function validate(options: PredictOptions): Required<PredictOptions> {
  const method = options.method ?? '1nn';
  const k = options.k ?? 3;
  if (!['1nn', 'knn', 'centroid'].includes(method)) {
    throw new RangeError(
      `unknown prediction method "${method}"; use 1nn, knn or centroid`,
    );
  }
  if (!(Number.isInteger(k) && k >= 1))
    throw new RangeError(`k must be a positive integer, got ${k}`);
  if (!(options.threshold > 0))
    throw new RangeError(
      `threshold must be positive, got ${options.threshold}`,
    );
  return {
    method,
    k,
    metric: options.metric ?? 'l2',
    threshold: options.threshold,
  };
}

/** Picks the label with most votes; ties go to the smaller summed distance. */
function vote(neighbours: readonly Neighbour[]): {
  label: string;
  distance: number;
} {
  const tally = new Map<
    string,
    { votes: number; total: number; nearest: number }
  >();
  for (const n of neighbours) {
    const t = tally.get(n.label) ?? { votes: 0, total: 0, nearest: Infinity };
    t.votes++;
    t.total += n.distance;
    t.nearest = Math.min(t.nearest, n.distance);
    tally.set(n.label, t);
  }
  let winner:
    [string, { votes: number; total: number; nearest: number }] | undefined;
  for (const entry of tally) {
    if (
      !winner ||
      entry[1].votes > winner[1].votes ||
      (entry[1].votes === winner[1].votes && entry[1].total < winner[1].total)
    ) {
      winner = entry;
    }
  }
  return { label: winner![0], distance: winner![1].nearest };
}

/**
 * Predicts the label of one embedding. An empty gallery makes every face
 * unknown.
 */
export function predict(
  gallery: Gallery,
  embedding: Float32Array,
  options: PredictOptions,
): Prediction {
  const { method, k, metric, threshold } = validate(options);
  if (gallery.size === 0) {
    return {
      label: null,
      nearestLabel: null,
      distance: Infinity,
      neighbours: [],
    };
  }
  let best: { label: string; distance: number };
  let neighbours: Neighbour[];
  if (method === 'centroid') {
    const distance = distanceFunction(metric);
    neighbours = [...gallery.centroids()]
      .map(([label, centroid]) => ({
        index: -1,
        label,
        distance: distance(embedding, centroid),
      }))
      .sort((a, b) => a.distance - b.distance)
      .slice(0, k);
    best = neighbours[0]!;
  } else {
    neighbours = gallery.nearest(embedding, method === 'knn' ? k : 1, metric);
    best = method === 'knn' ? vote(neighbours) : neighbours[0]!;
  }
  return {
    label: best.distance <= threshold ? best.label : null,
    nearestLabel: best.label,
    distance: best.distance,
    neighbours,
  };
}
