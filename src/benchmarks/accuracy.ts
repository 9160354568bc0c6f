/**
 * Accuracy against speed: LFW View 1 verification accuracy and time per face
 * for each detector with face-api's 128-d embedder, and for each embedder
 * with MTCNN.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { DetectorName } from '../detection/factory';
import { DEFAULT_EMBEDDER } from '../embedding/factory';
import { scoreLfwPairs } from '../evaluation/lfw-verification';
import { FacePipeline, type PipelineOptions } from '../pipeline';

/** Accuracy and cost of one detector and embedder. */
export interface AccuracyPoint {
  detector: string;
  embedder: string;
  pairs: number;
  /** Mean accuracy of the k-fold protocol on the subset. */
  accuracy: number;
  auc: number;
  /** Detection, alignment and embedding seconds per face, measured with the cache off. */
  secondsPerFace: number;
  /** Images where no face was found, embedded at the mean landmarks instead. */
  fallbackImages: number;
}

/** Settings of {@link measureAccuracy}. */
export interface AccuracyOptions {
  readonly lfwFolder: string;
  readonly detectors: readonly DetectorName[];
  /** Embedders (names or manifest paths) measured with MTCNN. */
  readonly embedders: readonly string[];
  /** Matched pairs, and as many mismatched pairs, taken from `pairsDevTest.txt`. */
  readonly pairsPerKind: number;
  readonly folds: number;
  /** Images analysed with the cache off to time each detector. */
  readonly timedImages: number;
  /** Options shared by every pipeline, such as the cache folder. */
  readonly pipeline: PipelineOptions;
}

/**
 * Writes a pairs file of `folds` folds from the View 1 test pairs, which
 * list 500 matched pairs and then 500 mismatched pairs, and returns its path.
 */
function writeSubset(
  lfwFolder: string,
  folder: string,
  pairsPerKind: number,
  folds: number,
): string {
  const lines = readFileSync(join(lfwFolder, 'pairsDevTest.txt'), 'utf8')
    .trim()
    .split('\n');
  const matched = lines.slice(1, 501);
  const mismatched = lines.slice(501, 1001);
  const perFold = Math.floor(pairsPerKind / folds);
  if (perFold < 1 || pairsPerKind > 500) {
    throw new RangeError(
      `pairsPerKind must be between ${folds} and 500, got ${pairsPerKind}`,
    );
  }
  const subset = [`${folds}\t${perFold}`];
  for (let fold = 0; fold < folds; fold++) {
    const range = [fold * perFold, (fold + 1) * perFold] as const;
    subset.push(...matched.slice(...range), ...mismatched.slice(...range));
  }
  const path = join(folder, 'pairs.txt');
  writeFileSync(path, `${subset.join('\n')}\n`);
  return path;
}

/** One detector and embedder to measure. */
export interface AccuracyRun {
  readonly detector: DetectorName;
  readonly embedder: string;
}

/**
 * Lists the runs: each detector with the default embedder, then each other
 * embedder with MTCNN. The default embedder with MTCNN is measured once.
 */
export function accuracyRuns(
  detectors: readonly DetectorName[],
  embedders: readonly string[],
): AccuracyRun[] {
  const runs = detectors.map((detector) => ({
    detector,
    embedder: DEFAULT_EMBEDDER as string,
  }));
  for (const embedder of embedders) {
    const measured = runs.some(
      (run) => run.detector === 'mtcnn' && run.embedder === embedder,
    );
    if (!measured) runs.push({ detector: 'mtcnn', embedder });
  }
  return runs;
}

/** Measures every detector and embedder on the same View 1 subset. */
export async function measureAccuracy(
  options: AccuracyOptions,
  timedPaths: readonly string[],
): Promise<AccuracyPoint[]> {
  const folder = mkdtempSync(join(tmpdir(), 'facelab-bench-'));
  try {
    const pairsPath = writeSubset(
      options.lfwFolder,
      folder,
      options.pairsPerKind,
      options.folds,
    );
    const points: AccuracyPoint[] = [];
    for (const { detector, embedder } of accuracyRuns(
      options.detectors,
      options.embedders,
    )) {
      const pipeline = await FacePipeline.create({
        ...options.pipeline,
        detector,
        embedder,
      });
      const uncached = await FacePipeline.create({
        ...options.pipeline,
        detector,
        embedder,
        cache: false,
      });
      try {
        // The pairs are embedded on two workers; only the images below are
        // timed, on this thread.
        const result = await scoreLfwPairs(
          pipeline,
          options.lfwFolder,
          pairsPath,
          undefined,
          { workers: 2 },
        );
        let seconds = 0;
        let faces = 0;
        // The first image warms the models up and is not timed.
        for (const [i, path] of timedPaths
          .slice(0, options.timedImages + 1)
          .entries()) {
          const { timings, faces: found } = await uncached.analyzeFile(path);
          if (i === 0) continue;
          seconds += timings.detect + timings.align + timings.embed;
          faces += found.length;
        }
        points.push({
          detector,
          embedder: pipeline.model,
          pairs: result.pairs.length,
          accuracy: result.crossValidation?.mean ?? Number.NaN,
          auc: result.roc.auc,
          secondsPerFace: faces > 0 ? seconds / faces : Number.NaN,
          fallbackImages: result.fallbackImages,
        });
      } finally {
        pipeline.dispose();
        uncached.dispose();
      }
    }
    return points;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
