/**
 * Face verification on LFW pairs with the full pipeline: every image is
 * detected, aligned and embedded, and every pair is scored. When the
 * detector finds no face in one of these pre-aligned images, the face is
 * embedded at the mean landmark positions of the images where it did find
 * one, and the number of such images and pairs is reported.
 */
import { performance } from 'node:perf_hooks';

import { lfwImagePath } from '../datasets/lfw';
import type { FacePipeline } from '../pipeline';
import { l2Distance } from '../prediction/distance';
import { embedImages, type EmbedImagesOptions } from './embed-images';
import {
  closestImpostors,
  type LookAlikePair,
  type PathPair,
} from './look-alikes';
import { assignFolds, readPairs } from './pairs';
import {
  crossValidate,
  rocCurve,
  type CrossValidation,
  type RocSummary,
  type ScoredPair,
} from './verification';

export { centralFace } from './embed-images';

/** Number of look-alike pairs kept in a result. */
const LOOK_ALIKE_COUNT = 20;

/** Everything measured by {@link scoreLfwPairs}. */
export interface LfwVerificationResult {
  readonly pairsFile: string;
  readonly model: string;
  readonly detector: string;
  readonly backend: string;
  readonly pairs: readonly ScoredPair[];
  readonly images: number;
  /** Images embedded at the fallback landmarks because no face was found. */
  readonly fallbackImages: number;
  /** Pairs with at least one fallback image. */
  readonly fallbackPairs: number;
  /** The impostor pairs with the smallest distances, closest first. */
  readonly lookAlikes: readonly LookAlikePair[];
  readonly crossValidation?: CrossValidation;
  readonly roc: RocSummary;
  /** Wall-clock seconds, including images that came from the cache. */
  readonly seconds: number;
}

/** Settings of {@link scoreLfwPairs}. */
export interface ScoreLfwOptions extends EmbedImagesOptions {
  /** Number of cross-validation folds; overrides the pairs file's header. */
  readonly folds?: number;
  /**
   * Keeps only the first this many matched and the first this many
   * mismatched pairs of the file, for a quicker run (default: all pairs).
   */
  readonly pairsPerKind?: number;
}

/**
 * Embeds every image of a pairs file and scores each pair by L2 distance.
 * With several folds, from the file's header or from `options.folds` (which
 * overrides the header), it also runs k-fold cross-validation.
 * `options.workers` above 1 spreads the embedding over worker threads.
 */
export async function scoreLfwPairs(
  pipeline: FacePipeline,
  folder: string,
  pairsPath: string,
  onProgress?: (done: number, total: number) => void,
  options: ScoreLfwOptions = {},
): Promise<LfwVerificationResult> {
  const start = performance.now();
  const file = readPairs(pairsPath);
  const { folds, pairsPerKind } = options;
  if (
    pairsPerKind !== undefined &&
    !(Number.isInteger(pairsPerKind) && pairsPerKind >= 1)
  ) {
    throw new RangeError(
      `pairsPerKind must be a positive integer, got ${pairsPerKind}`,
    );
  }
  const chosen =
    pairsPerKind === undefined
      ? file.pairs
      : [
          ...file.pairs.filter((pair) => pair.same).slice(0, pairsPerKind),
          ...file.pairs.filter((pair) => !pair.same).slice(0, pairsPerKind),
        ];
  const pairs = folds === undefined ? chosen : assignFolds(chosen, folds);
  const foldCount = folds ?? file.folds;
  const paths = new Set<string>();
  for (const pair of pairs) {
    paths.add(lfwImagePath(folder, pair.first.name, pair.first.index));
    paths.add(lfwImagePath(folder, pair.second.name, pair.second.index));
  }
  const { embeddings, fallback } = await embedImages(
    pipeline,
    paths,
    options,
    onProgress,
  );

  const fallbackSet = new Set(fallback);
  let fallbackPairs = 0;
  const withPaths = pairs.map((pair): PathPair => {
    const first = lfwImagePath(folder, pair.first.name, pair.first.index);
    const second = lfwImagePath(folder, pair.second.name, pair.second.index);
    if (fallbackSet.has(first) || fallbackSet.has(second)) fallbackPairs++;
    return {
      first,
      second,
      distance: l2Distance(embeddings.get(first)!, embeddings.get(second)!),
      same: pair.same,
    };
  });
  const scored = withPaths.map((pair, i): ScoredPair => ({
    distance: pair.distance,
    same: pair.same,
    fold: pairs[i]!.fold,
  }));
  return {
    pairsFile: pairsPath,
    model: pipeline.model,
    detector: pipeline.detector.name,
    backend: pipeline.runtime.backend,
    pairs: scored,
    images: paths.size,
    fallbackImages: fallback.length,
    fallbackPairs,
    lookAlikes: closestImpostors(withPaths, LOOK_ALIKE_COUNT),
    ...(foldCount > 1 && { crossValidation: crossValidate(scored) }),
    roc: rocCurve(scored),
    seconds: (performance.now() - start) / 1000,
  };
}
