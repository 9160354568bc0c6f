/**
 * Prediction algorithms compared on one split: nearest photo (1-NN), a vote
 * of the k nearest photos, the nearest per-person mean (centroid), and a
 * softmax classifier head trained on the enrolled embeddings. The head is
 * trained both in one go and online, with the second half of the people
 * added later.
 */
import { performance } from 'node:perf_hooks';

import type { Tf } from '../backend/backend';
import { ClassifierHead } from '../prediction/classifier-head';
import type { Gallery } from '../prediction/gallery';
import { predict, type PredictionMethod } from '../prediction/predict';
import type { EmbeddingLookup } from './identification';
import type { EnrollmentSplit, LabelledImage } from './split';

/** Names of the compared algorithms. */
export type AlgorithmName =
  PredictionMethod | 'classifier-head' | 'classifier-head-online';

/** Accuracy and cost of one algorithm. */
export interface AlgorithmResult {
  readonly algorithm: AlgorithmName;
  /** Fraction of probes given the right label (closed set, no threshold). */
  readonly rank1: number;
  readonly probes: number;
  /**
   * Seconds to build the model from the enrolled embeddings: zero for the
   * gallery searches, training time for the classifier head, and the time
   * of the online update alone for `classifier-head-online`.
   */
  readonly trainSeconds: number;
  /** Milliseconds to label one probe, averaged over all probes. */
  readonly msPerProbe: number;
}

/** Settings of {@link compareAlgorithms}. */
export interface CompareOptions {
  /** Neighbours that vote in k-NN (default 3). */
  readonly k?: number;
  /** Seed of the classifier head (default 1). */
  readonly seed?: number;
  /** Passes over the data in each training call of the head (default 20). */
  readonly epochs?: number;
}

function score(
  algorithm: AlgorithmName,
  probes: readonly LabelledImage[],
  labels: readonly string[],
  trainSeconds: number,
  predictSeconds: number,
): AlgorithmResult {
  const correct = labels.filter((label, i) => label === probes[i]!.label);
  return {
    algorithm,
    rank1: correct.length / probes.length,
    probes: probes.length,
    trainSeconds,
    msPerProbe: (1000 * predictSeconds) / probes.length,
  };
}

function timed<T>(work: () => T): [T, number] {
  const start = performance.now();
  const result = work();
  return [result, (performance.now() - start) / 1000];
}

/**
 * Labels every probe of a split with each algorithm and returns their
 * accuracy and cost. `gallery` must hold exactly the enrolled photos of
 * `split`.
 */
export function compareAlgorithms(
  tf: Tf,
  gallery: Gallery,
  split: EnrollmentSplit,
  embeddingOf: EmbeddingLookup,
  options: CompareOptions = {},
): AlgorithmResult[] {
  if (split.probes.length === 0)
    throw new RangeError('the algorithm comparison needs probes');
  const queries = split.probes.map((probe) => embeddingOf(probe.path));
  const results: AlgorithmResult[] = [];

  // Gallery searches: no training, the gallery is the model.
  for (const method of ['1nn', 'knn', 'centroid'] as const) {
    const [labels, seconds] = timed(() =>
      queries.map(
        (query) =>
          predict(gallery, query, {
            method,
            k: options.k ?? 3,
            threshold: Infinity,
          }).nearestLabel!,
      ),
    );
    results.push(score(method, split.probes, labels, 0, seconds));
  }

  const samples = split.enrolled.map((image) => ({
    label: image.label,
    embedding: embeddingOf(image.path),
  }));
  const headOptions = {
    seed: options.seed ?? 1,
    ...(options.epochs !== undefined && { epochs: options.epochs }),
  };
  const predictWith = (head: ClassifierHead): [string[], number] =>
    timed(() => head.predict(queries).map((prediction) => prediction.label));

  // Classifier head trained on everyone at once.
  const batchHead = new ClassifierHead(tf, gallery.dimension, headOptions);
  try {
    const report = batchHead.learn(samples);
    const [labels, seconds] = predictWith(batchHead);
    results.push(
      score('classifier-head', split.probes, labels, report.seconds, seconds),
    );
  } finally {
    batchHead.dispose();
  }

  // Classifier head trained on the first half of the people, then updated
  // online with the second half.
  const people = [...new Set(samples.map((sample) => sample.label))];
  const firstHalf = new Set(people.slice(0, Math.ceil(people.length / 2)));
  const onlineHead = new ClassifierHead(tf, gallery.dimension, headOptions);
  try {
    onlineHead.learn(samples.filter((s) => firstHalf.has(s.label)));
    const later = samples.filter((s) => !firstHalf.has(s.label));
    const update = later.length > 0 ? onlineHead.learn(later).seconds : 0;
    const [labels, seconds] = predictWith(onlineHead);
    results.push(
      score('classifier-head-online', split.probes, labels, update, seconds),
    );
  } finally {
    onlineHead.dispose();
  }
  return results;
}
