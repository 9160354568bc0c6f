/**
 * The benchmark behind `npm run bench`: runs every part of a
 * {@link BenchmarkPlan} on LFW images and returns the measurements.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

import { listLfwPeople, lfwImagePath } from '../datasets/lfw';
import { embedImages } from '../evaluation/embed-images';
import { readPairs } from '../evaluation/pairs';
import { createLogger } from '../log';
import { FacePipeline } from '../pipeline';
import { measureAccuracy, type AccuracyPoint } from './accuracy';
import { describeMachine, type MachineDescription } from './machine';
import { measureMemory, type MemorySample } from './memory';
import { measureOverhead, type OverheadResult } from './overhead';
import type { BenchmarkPlan } from './plan';
import {
  measureSearch,
  type SearchBenchmark,
  type SearchTimePoint,
} from './search';
import { measureStages, type BackendStages, type StageTiming } from './stages';
import { measureThroughput, type ThroughputPoint } from './throughput';

/** Everything `npm run bench` writes to `docs/benchmarks.json`. */
export interface BenchmarkResult {
  readonly plan: BenchmarkPlan;
  readonly command: string;
  readonly machine: MachineDescription;
  /** Backend of the main thread, which ran the overhead, memory and accuracy parts. */
  readonly backend: string;
  /** Stage times on the fastest backend that ran. */
  readonly stages: StageTiming[];
  readonly stagesByBackend: BackendStages[];
  readonly overhead: OverheadResult;
  readonly throughput: ThroughputPoint[];
  readonly search: SearchTimePoint[];
  readonly searchDetails: Omit<SearchBenchmark, 'points'>;
  readonly memory: MemorySample[];
  readonly accuracy: AccuracyPoint[];
  readonly seconds: number;
}

const log = createLogger('bench');

/** Every LFW image, taken in turn from each person so that one person does not dominate. */
async function spreadImages(lfwFolder: string): Promise<string[]> {
  const people = await listLfwPeople(lfwFolder);
  const images: string[] = [];
  const longest = Math.max(...people.map((person) => person.images.length));
  for (let i = 0; i < longest; i++) {
    for (const person of people) {
      const image = person.images[i];
      if (image !== undefined) images.push(image);
    }
  }
  return images;
}

/** The distinct images of the View 2 pairs, which `facelab eval lfw` caches. */
function view2Images(lfwFolder: string, count: number): string[] {
  const { pairs } = readPairs(join(lfwFolder, 'pairs.txt'));
  const paths = new Set<string>();
  for (const pair of pairs) {
    for (const image of [pair.first, pair.second]) {
      paths.add(lfwImagePath(lfwFolder, image.name, image.index));
    }
  }
  return [...paths].slice(0, count);
}

/**
 * Runs the benchmark. `cache` is the embedding cache folder used where a
 * part needs embeddings but does not time them (search data, accuracy).
 */
export async function runBenchmark(
  plan: BenchmarkPlan,
  lfwFolder: string,
  cache: string | false,
  command: string,
): Promise<BenchmarkResult> {
  const start = performance.now();
  const machine = describeMachine();
  const images = await spreadImages(lfwFolder);
  const step = (name: string): void =>
    log.info(`${name} (${((performance.now() - start) / 1000).toFixed(0)} s)`);

  step('stage times per backend');
  const stagesByBackend = await measureStages(
    images,
    { detector: 'mtcnn' },
    (backend) => plan.stageImages[backend],
  );
  const fastest = stagesByBackend.find(
    (entry) => entry.unavailable === undefined,
  );

  step('pipeline overhead against face-api');
  const ssd = await FacePipeline.create({ detector: 'ssd', cache: false });
  let overhead: OverheadResult;
  try {
    overhead = await measureOverhead(
      ssd,
      images.slice(0, plan.overheadImages),
      plan.overheadRounds,
    );
  } finally {
    ssd.dispose();
  }

  step('worker throughput');
  const throughput: ThroughputPoint[] = [];
  for (const workers of plan.throughputWorkers) {
    throughput.push(
      await measureThroughput(
        images.slice(0, plan.throughputImages),
        { detector: 'mtcnn' },
        workers,
      ),
    );
  }

  step('memory over many images');
  const mtcnn = await FacePipeline.create({ detector: 'mtcnn', cache: false });
  let memory: MemorySample[];
  let backend: string;
  try {
    backend = mtcnn.runtime.backend;
    memory = (
      await measureMemory(
        mtcnn,
        images.slice(0, plan.memoryImages),
        plan.memorySamples,
      )
    ).samples;
  } finally {
    mtcnn.dispose();
  }

  step('gallery search');
  const cached = await FacePipeline.create({ detector: 'mtcnn', cache });
  let real: Float32Array[];
  try {
    const { embeddings } = await embedImages(
      cached,
      view2Images(lfwFolder, plan.searchRealEmbeddings),
      { workers: 2 },
    );
    real = [...embeddings.values()];
  } finally {
    cached.dispose();
  }
  const { points: search, ...searchDetails } = measureSearch({
    real,
    queries: plan.searchQueries,
    sizes: plan.searchSizes,
    exactQueryLimit: plan.exactQueryLimit,
    efSearch: plan.efSearch,
    onProgress: (message) => log.info(message),
  });

  step('accuracy against time per face');
  const accuracy = await measureAccuracy(
    {
      lfwFolder,
      detectors: plan.detectors,
      pairsPerKind: plan.accuracyPairsPerKind,
      folds: plan.accuracyFolds,
      timedImages: plan.accuracyTimedImages,
      pipeline: { cache },
    },
    images,
  );

  step('done');
  return {
    plan,
    command,
    machine,
    backend,
    stages: fastest?.stages ?? [],
    stagesByBackend,
    overhead,
    throughput,
    search,
    searchDetails,
    memory,
    accuracy,
    seconds: (performance.now() - start) / 1000,
  };
}
