/** Batch benchmark: images per second with a given number of worker threads. */
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';

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

/** Pure arithmetic on one and on two threads: the machine's own limit for the speed-up of two workers. */
export interface CoreScaling {
  /** Seconds for one thread to do one share of the work. */
  oneThreadSeconds: number;
  /** Seconds for two threads to do one share each at the same time. */
  twoThreadsSeconds: number;
  /** Work per second of two threads divided by that of one. */
  speedup: number;
}

/** A loop of floating-point arithmetic that touches no memory. */
const ARITHMETIC_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
let x = 0;
for (let i = 0; i < workerData; i++) x = (x * 1.0000001 + Math.sqrt(i)) % 1e9;
parentPort.postMessage(x);
`;

async function runArithmetic(threads: number, steps: number): Promise<number> {
  const start = performance.now();
  await Promise.all(
    Array.from(
      { length: threads },
      () =>
        new Promise<void>((resolve, reject) => {
          const worker = new Worker(ARITHMETIC_WORKER, {
            eval: true,
            workerData: steps,
          });
          worker.once('message', () => resolve());
          worker.once('error', reject);
        }),
    ),
  );
  return (performance.now() - start) / 1000;
}

/**
 * Times the same arithmetic loop on one thread, then on two at once, three
 * times each after an untimed warm-up, and keeps the median of each. A
 * speed-up near 2 means the cores do not slow each other on pure
 * computation, so a lower speed-up of the pipeline comes from the pipeline.
 */
export async function measureCoreScaling(steps: number): Promise<CoreScaling> {
  await runArithmetic(1, steps);
  const oneThread: number[] = [];
  const twoThreads: number[] = [];
  for (let round = 0; round < 3; round++) {
    oneThread.push(await runArithmetic(1, steps));
    twoThreads.push(await runArithmetic(2, steps));
  }
  const median = (values: number[]) => values.sort((a, b) => a - b)[1]!;
  const oneThreadSeconds = median(oneThread);
  const twoThreadsSeconds = median(twoThreads);
  return {
    oneThreadSeconds,
    twoThreadsSeconds,
    speedup: (2 * oneThreadSeconds) / twoThreadsSeconds,
  };
}
