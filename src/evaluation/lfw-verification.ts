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
import { readPairs } from './pairs';
import {
  crossValidate,
  rocCurve,
  type CrossValidation,
  type RocSummary,
  type ScoredPair,
} from './verification';

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
  readonly crossValidation?: CrossValidation;
  readonly roc: RocSummary;
  /** Wall-clock seconds, including images that came from the cache. */
  readonly seconds: number;
}

// Kept here too for callers that imported it from this module.
export { centralFace } from './embed-images';

/**
 * Embeds every image of a pairs file and scores each pair by L2 distance;
 * with a header of several folds, also runs k-fold cross-validation.
 * `options.workers` above 1 spreads the embedding over worker threads.
 */
export async function scoreLfwPairs(
  pipeline: FacePipeline,
  folder: string,
  pairsPath: string,
  onProgress?: (done: number, total: number) => void,
  options: EmbedImagesOptions = {},
): Promise<LfwVerificationResult> {
  const start = performance.now();
  const { pairs, folds } = readPairs(pairsPath);
  const paths = new Set<string>();
  for (const pair of pairs) {
    paths.add(lfwImagePath(folder, pair.first.name, pair.first.index));
    paths.add(lfwImagePath(folder, pair.second.name, pair.second.index));
  }

  const { embeddings, fallback } = await embedImages(
    pipeline,
    [...paths],
    options,
    onProgress,
  );

  const missedSet = new Set(fallback);
  let fallbackPairs = 0;
  const scored = pairs.map((pair) => {
    const a = lfwImagePath(folder, pair.first.name, pair.first.index);
    const b = lfwImagePath(folder, pair.second.name, pair.second.index);
    if (missedSet.has(a) || missedSet.has(b)) fallbackPairs++;
    return {
      distance: l2Distance(embeddings.get(a)!, embeddings.get(b)!),
      same: pair.same,
      fold: pair.fold,
    };
  });
  return {
    pairsFile: pairsPath,
    model: pipeline.model,
    detector: pipeline.detector.name,
    backend: pipeline.runtime.backend,
    pairs: scored,
    images: paths.size,
    fallbackImages: fallback.length,
    fallbackPairs,
    ...(folds > 1 && { crossValidation: crossValidate(scored) }),
    roc: rocCurve(scored),
    seconds: (performance.now() - start) / 1000,
  };
}
