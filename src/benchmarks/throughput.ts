/** Batch benchmark: images per second with a given number of worker threads. */
import { performance } from 'node:perf_hooks';

import type { PipelineOptions } from '../pipeline';
import { analyzeFilesInWorkers } from '../workers/pool';

/** Throughput of one worker count. */
export interface ThroughputPoint {
  workers: number;
  images: number;
  imagesPerSecond: number;
  /** Seconds from the start until the first image was done, which includes loading the models. */
  startupSeconds: number;
}

/**
 * Analyses `paths` with the cache off on `workers` threads. The rate is
 * measured from the first finished image to the last, so the loading of the
 * models, which every worker repeats, is reported separately as start-up.
 */
export async function measureThroughput(
  paths: readonly string[],
  pipeline: PipelineOptions,
  workers: number,
): Promise<ThroughputPoint> {
  const finished: number[] = [];
  const start = performance.now();
  const results = await analyzeFilesInWorkers(
    paths,
    { ...pipeline, cache: false },
    workers,
    () => finished.push(performance.now()),
  );
  const failed = results.find((result) => 'error' in result);
  if (failed !== undefined && 'error' in failed) {
    throw new Error(
      `throughput benchmark failed on ${failed.path}: ${failed.error}`,
    );
  }
  // The first `workers` images finish at about the same time, after loading.
  const first = finished[Math.min(workers, finished.length) - 1]!;
  const last = finished[finished.length - 1]!;
  const counted = finished.length - Math.min(workers, finished.length);
  return {
    workers,
    images: paths.length,
    imagesPerSecond: counted > 0 ? counted / ((last - first) / 1000) : 0,
    startupSeconds: (finished[0]! - start) / 1000,
  };
}
