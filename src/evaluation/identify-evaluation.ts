/**
 * The identification evaluation behind `facelab eval identify`: plans every
 * split, embeds all their photos in one batch, and scores rank-1 against
 * gallery size and shots, the open-set error rates, the prediction
 * algorithms, the look-alikes and, optionally, the robustness sweeps.
 */
import { performance } from 'node:perf_hooks';

import type { LfwPerson } from '../datasets/lfw';
import type { FacePipeline } from '../pipeline';
import { compareAlgorithms, type AlgorithmResult } from './algorithms';
import { embedImages } from './embed-images';
import {
  closestWrongMatches,
  galleryOf,
  planGallerySizes,
  planOpenSet,
  planShots,
  probesOf,
  rank1Of,
  type EmbeddingLookup,
  type GallerySizePoint,
  type ShotsPoint,
} from './identification';
import type { LookAlikePair } from './look-alikes';
import { bestOpenSetPoint, openSetCurve, type OpenSetPoint } from './open-set';
import type { ImagePair } from './pairs';
import { robustnessSweep, type RobustnessPoint } from './robustness';
import { splitPaths } from './split';

/** Settings of {@link evaluateIdentification}. */
export interface IdentifyEvaluationOptions {
  /** Gallery sizes of the rank-1 curve. */
  readonly sizes: readonly number[];
  /** People probed in the gallery-size test; the rest are distractors (default: all). */
  readonly probePeople?: number;
  /** Maximum number of probe photos of each person. */
  readonly probesPerPerson: number;
  /** Largest number of enrolled photos per person in the shots test. */
  readonly maxShots: number;
  /** People in the shots test and the algorithm comparison (default: all with enough photos). */
  readonly shotPeople?: number;
  /** People in the open-set test, half enrolled and half not (default: all with two photos). */
  readonly openSetPeople?: number;
  readonly seed: number;
  /** The model's unknown threshold, reported beside the best one. */
  readonly threshold: number;
  /** Verification pairs degraded by the robustness sweep; none skips it. */
  readonly robustnessPairs?: readonly ImagePair[];
  /** Number of look-alike pairs reported (default 20). */
  readonly lookAlikes?: number;
  /** Called as images are embedded or degraded. */
  readonly onProgress?: (stage: string, done: number, total: number) => void;
}

/** The open-set test: its people and the rates at two thresholds. */
export interface OpenSetSummary {
  readonly enrolledPeople: number;
  readonly strangerPeople: number;
  readonly knownProbes: number;
  readonly strangerProbes: number;
  /** The threshold with the smallest sum of both error rates. */
  readonly best: OpenSetPoint;
  /** The rates at the model's calibrated threshold. */
  readonly atModelThreshold: OpenSetPoint;
}

/** Everything written by `facelab eval identify`. */
export interface IdentifyEvaluationResult {
  readonly model: string;
  readonly detector: string;
  readonly backend: string;
  readonly seed: number;
  readonly probesPerPerson: number;
  readonly gallerySize: readonly GallerySizePoint[];
  readonly openSet: readonly OpenSetPoint[];
  readonly openSetSummary: OpenSetSummary;
  readonly shots: readonly ShotsPoint[];
  /** Algorithms compared on the split with the most shots. */
  readonly algorithms: readonly AlgorithmResult[];
  readonly robustness: readonly RobustnessPoint[];
  /** Closest probe and gallery photos of different people, in the largest gallery. */
  readonly lookAlikes: readonly LookAlikePair[];
  /** Images embedded for the identification tests. */
  readonly images: number;
  /** Of those, images embedded at the mean landmarks because no face was found. */
  readonly fallbackImages: number;
  /** Wall-clock seconds, including images that came from the cache. */
  readonly seconds: number;
}

/**
 * Unknown thresholds of the open-set sweep: 0.200 to 0.800 in steps of
 * 0.005, because both error rates change within a few hundredths.
 */
const OPEN_SET_THRESHOLDS = Array.from(
  { length: 121 },
  (_, i) => Math.round((0.2 + i * 0.005) * 1000) / 1000,
);

/** Runs every test of the identification evaluation on LFW people. */
export async function evaluateIdentification(
  pipeline: FacePipeline,
  folder: string,
  people: readonly LfwPerson[],
  options: IdentifyEvaluationOptions,
): Promise<IdentifyEvaluationResult> {
  const start = performance.now();
  const plan = { seed: options.seed, probesPerPerson: options.probesPerPerson };
  const sizeSplits = planGallerySizes(people, options.sizes, {
    ...plan,
    ...(options.probePeople !== undefined && {
      probePeople: options.probePeople,
    }),
  });
  const shotSplits = planShots(people, options.maxShots, {
    ...plan,
    ...(options.shotPeople !== undefined && { maxPeople: options.shotPeople }),
  });
  const openSplit = planOpenSet(people, {
    ...plan,
    ...(options.openSetPeople !== undefined && {
      maxPeople: options.openSetPeople,
    }),
  });
  const paths = splitPaths([
    ...sizeSplits,
    ...shotSplits,
    openSplit,
    { enrolled: [], probes: openSplit.strangers },
  ]);

  const { embeddings, fallback } = await embedImages(
    pipeline,
    paths,
    {},
    (done, total) => options.onProgress?.('embedding', done, total),
  );
  const embeddingOf: EmbeddingLookup = (path) => embeddings.get(path)!;
  const galleryFor = (enrolled: Parameters<typeof galleryOf>[0]) =>
    galleryOf(
      enrolled,
      embeddingOf,
      pipeline.model,
      pipeline.embedder.dimension,
    );

  const gallerySize = sizeSplits.map((split) => ({
    gallerySize: split.gallerySize,
    rank1: rank1Of(
      galleryFor(split.enrolled),
      probesOf(split.probes, embeddingOf),
    ),
    probes: split.probes.length,
  }));
  const largest = sizeSplits.reduce((a, b) =>
    b.gallerySize > a.gallerySize ? b : a,
  );
  const lookAlikes = closestWrongMatches(
    galleryFor(largest.enrolled),
    largest.probes,
    embeddingOf,
    options.lookAlikes ?? 20,
  );

  const shots = shotSplits.map((split) => ({
    shots: split.shots,
    people: split.people,
    rank1: rank1Of(
      galleryFor(split.enrolled),
      probesOf(split.probes, embeddingOf),
    ),
    probes: split.probes.length,
  }));
  const maxShotsSplit = shotSplits[shotSplits.length - 1]!;
  const algorithms = compareAlgorithms(
    pipeline.runtime.tf,
    galleryFor(maxShotsSplit.enrolled),
    maxShotsSplit,
    embeddingOf,
    { seed: options.seed },
  );

  const openSetGallery = galleryFor(openSplit.enrolled);
  const openProbes = probesOf(
    [...openSplit.probes, ...openSplit.strangers],
    embeddingOf,
  );
  const openSet = openSetCurve(openSetGallery, openProbes, OPEN_SET_THRESHOLDS);
  const [atModelThreshold] = openSetCurve(openSetGallery, openProbes, [
    options.threshold,
  ]);
  const openSetSummary: OpenSetSummary = {
    enrolledPeople: openSetGallery.labels().length,
    strangerPeople: new Set(openSplit.strangers.map((image) => image.label))
      .size,
    knownProbes: openSplit.probes.length,
    strangerProbes: openSplit.strangers.length,
    best: bestOpenSetPoint(openSet),
    atModelThreshold: atModelThreshold!,
  };

  const robustness =
    options.robustnessPairs === undefined ||
    options.robustnessPairs.length === 0
      ? []
      : await robustnessSweep(pipeline, folder, options.robustnessPairs, {
          threshold: options.threshold,
          onProgress: (done, total) =>
            options.onProgress?.('degrading', done, total),
        });

  return {
    model: pipeline.model,
    detector: pipeline.detector.name,
    backend: pipeline.runtime.backend,
    seed: options.seed,
    probesPerPerson: options.probesPerPerson,
    gallerySize,
    openSet,
    openSetSummary,
    shots,
    algorithms,
    robustness,
    lookAlikes,
    images: paths.size,
    fallbackImages: fallback.length,
    seconds: (performance.now() - start) / 1000,
  };
}
