/**
 * Face verification on LFW pairs with the full pipeline: every image is
 * detected, aligned and embedded, and every pair is scored. When the
 * detector finds no face in one of these pre-aligned images, the face is
 * embedded at the mean landmark positions of the images where it did find
 * one, and the number of such images and pairs is reported.
 */
import { performance } from 'node:perf_hooks';

import { lfwImagePath } from '../datasets/lfw';
import type { Landmarks5, Point } from '../detection/types';
import { loadImage } from '../input/decode';
import type { AnalyzedFace, FacePipeline } from '../pipeline';
import { l2Distance } from '../prediction/distance';
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

/** Returns the face nearest the image centre, since LFW labels the centred face. */
export function centralFace(
  faces: readonly AnalyzedFace[],
  width: number,
  height: number,
): AnalyzedFace | undefined {
  let best: AnalyzedFace | undefined;
  let bestDistance = Infinity;
  for (const face of faces) {
    const dx = face.box.x + face.box.width / 2 - width / 2;
    const dy = face.box.y + face.box.height / 2 - height / 2;
    const distance = Math.hypot(dx, dy);
    if (distance < bestDistance) {
      best = face;
      bestDistance = distance;
    }
  }
  return best;
}

function meanLandmarks(all: readonly Landmarks5[]): Landmarks5 {
  const sums = Array.from({ length: 5 }, () => ({ x: 0, y: 0 }));
  for (const landmarks of all) {
    landmarks.forEach((point, i) => {
      sums[i]!.x += point.x;
      sums[i]!.y += point.y;
    });
  }
  return sums.map((sum): Point => ({
    x: sum.x / all.length,
    y: sum.y / all.length,
  })) as unknown as Landmarks5;
}

/**
 * Embeds every image of a pairs file and scores each pair by L2 distance;
 * with a header of several folds, also runs k-fold cross-validation.
 */
export async function scoreLfwPairs(
  pipeline: FacePipeline,
  folder: string,
  pairsPath: string,
  onProgress?: (done: number, total: number) => void,
): Promise<LfwVerificationResult> {
  const start = performance.now();
  const { pairs, folds } = readPairs(pairsPath);
  const paths = new Set<string>();
  for (const pair of pairs) {
    paths.add(lfwImagePath(folder, pair.first.name, pair.first.index));
    paths.add(lfwImagePath(folder, pair.second.name, pair.second.index));
  }

  // First pass: detect and embed; remember the landmarks of found faces.
  const embeddings = new Map<string, Float32Array>();
  const found: Landmarks5[] = [];
  const missed: string[] = [];
  let done = 0;
  for (const path of paths) {
    const analysis = await pipeline.analyzeFile(path);
    const face = centralFace(analysis.faces, analysis.width, analysis.height);
    if (face === undefined) missed.push(path);
    else {
      embeddings.set(path, face.embedding);
      found.push(face.landmarks5);
    }
    onProgress?.(++done, paths.size);
  }

  // Second pass: the images with no detected face, at the mean landmarks.
  if (missed.length > 0) {
    if (found.length === 0)
      throw new Error(`no face was detected in any image of ${pairsPath}`);
    const fallback = meanLandmarks(found);
    for (const path of missed) {
      embeddings.set(
        path,
        await pipeline.embedAt(await loadImage(path), fallback),
      );
    }
  }

  const missedSet = new Set(missed);
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
    fallbackImages: missed.length,
    fallbackPairs,
    ...(folds > 1 && { crossValidation: crossValidate(scored) }),
    roc: rocCurve(scored),
    seconds: (performance.now() - start) / 1000,
  };
}
