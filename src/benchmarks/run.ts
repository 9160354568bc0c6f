/**
 * The benchmark behind `npm run bench`: runs every part of a
 * {@link BenchmarkPlan} on LFW images and returns the measurements.
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

import { listLfwPeople } from '../datasets/lfw';
import { loadRuntime } from '../backend/backend';
import { embedImages } from '../evaluation/embed-images';
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
import {
  measureCoreScaling,
  measureThroughput,
  type CoreScaling,
  type ThroughputPoint,
} from './throughput';

/** The parts of a benchmark run, in the order they run. */
export const BENCHMARK_PARTS = [
  'stages',
  'overhead',
  'throughput',
  'memory',
  'search',
  'accuracy',
] as const;

/** One of {@link BENCHMARK_PARTS}. */
export type BenchmarkPart = (typeof BENCHMARK_PARTS)[number];

/** When one part ran, how long it took and how busy the machine was. */
export interface PartRun {
  part: BenchmarkPart;
  startedAt: string;
  seconds: number;
  /** `os.loadavg()` over 1 minute at the start and at the end of the part. */
  loadAverage: [number, number];
  /**
   * CPU seconds of this process (all its threads) per wall-clock second.
   * Well below the threads in use means other jobs took the cores.
   */
  cpuPerWallSecond?: number;
}

/** Settings of {@link runBenchmark}. */
export interface RunOptions {
  /** Parts to run (default all); the others keep their values from `previous`. */
  readonly only?: ReadonlySet<BenchmarkPart>;
  /** An earlier result whose parts are kept where this run skips them. */
  readonly previous?: BenchmarkResult;
  /** Receives the result after each part, so a stopped run keeps its figures. */
  readonly onPart?: (partial: BenchmarkResult) => void;
}

/** Everything `npm run bench` writes to `docs/benchmarks.json`. */
export interface BenchmarkResult {
  readonly plan: BenchmarkPlan;
  readonly command: string;
  readonly machine: MachineDescription;
  /** Backend of the main thread, which ran the overhead, memory and accuracy parts. */
  readonly backend: string;
  /** Stage times on the fastest backend that ran. */
  stages: StageTiming[];
  stagesByBackend: BackendStages[];
  overhead?: OverheadResult;
  throughput: ThroughputPoint[];
  /** Pure arithmetic on 1 and 2 threads, measured with the throughput. */
  coreScaling?: CoreScaling;
  search: SearchTimePoint[];
  searchDetails?: Omit<SearchBenchmark, 'points'>;
  memory: MemorySample[];
  accuracy: AccuracyPoint[];
  /** Seconds from the start to the end of the last finished part. */
  seconds: number;
  /** Whether every part finished; parts that did not run are empty. */
  complete: boolean;
  /** Start, duration and machine load of each part, latest first. */
  parts: PartRun[];
}

const log = createLogger('bench');

/** Lists every LFW image, taking one from each person in turn, so no person dominates a prefix. */
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

/**
 * Runs the benchmark. `cache` is the embedding cache folder used where a
 * part needs embeddings but does not time them (search data, accuracy).
 */
export async function runBenchmark(
  plan: BenchmarkPlan,
  lfwFolder: string,
  cache: string | false,
  command: string,
  options: RunOptions = {},
): Promise<BenchmarkResult> {
  const start = performance.now();
  const images = await spreadImages(lfwFolder);
  const runtime = await loadRuntime();
  const result: BenchmarkResult = {
    stages: [],
    stagesByBackend: [],
    throughput: [],
    search: [],
    memory: [],
    accuracy: [],
    parts: [],
    ...options.previous,
    plan,
    command,
    machine: describeMachine(),
    backend: runtime.backend,
    seconds: 0,
    complete: false,
  };
  const part = async (
    name: BenchmarkPart,
    body: () => Promise<void>,
  ): Promise<void> => {
    if (options.only !== undefined && !options.only.has(name)) return;
    log.info(`${name} (${((performance.now() - start) / 1000).toFixed(0)} s)`);
    const partStart = performance.now();
    const startedAt = new Date().toISOString();
    const loadBefore = loadavg()[0]!;
    const cpuBefore = process.cpuUsage();
    await body();
    const cpu = process.cpuUsage(cpuBefore);
    const wallSeconds = (performance.now() - partStart) / 1000;
    result.parts = [
      {
        part: name,
        startedAt,
        seconds: wallSeconds,
        loadAverage: [loadBefore, loadavg()[0]!],
        cpuPerWallSecond: (cpu.user + cpu.system) / 1e6 / wallSeconds,
      },
      ...result.parts.filter((run) => run.part !== name),
    ];
    result.seconds = (performance.now() - start) / 1000;
    options.onPart?.(result);
  };

  await part('stages', async () => {
    result.stagesByBackend = await measureStages(
      images,
      { detector: 'mtcnn' },
      (backend) => plan.stageImages[backend],
    );
    result.stages =
      result.stagesByBackend.find((entry) => entry.unavailable === undefined)
        ?.stages ?? [];
  });

  await part('overhead', async () => {
    const ssd = await FacePipeline.create({ detector: 'ssd', cache: false });
    try {
      result.overhead = await measureOverhead(
        ssd,
        images.slice(0, plan.overheadImages),
        plan.overheadRounds,
      );
    } finally {
      ssd.dispose();
    }
  });

  await part('throughput', async () => {
    const points: ThroughputPoint[] = [];
    for (const workers of plan.throughputWorkers) {
      points.push(
        await measureThroughput(
          images.slice(0, plan.throughputImages),
          { detector: 'mtcnn' },
          workers,
        ),
      );
    }
    result.throughput = points;
    result.coreScaling = await measureCoreScaling(plan.coreScalingSteps);
  });

  await part('memory', async () => {
    const mtcnn = await FacePipeline.create({
      detector: 'mtcnn',
      cache: false,
    });
    try {
      const measured = await measureMemory(
        mtcnn,
        images.slice(0, plan.memoryImages),
        plan.memorySamples,
      );
      result.memory = measured.samples;
    } finally {
      mtcnn.dispose();
    }
  });

  await part('search', async () => {
    const cached = await FacePipeline.create({ detector: 'mtcnn', cache });
    let real: Float32Array[];
    try {
      const { embeddings } = await embedImages(
        cached,
        images.slice(0, plan.searchRealEmbeddings),
        { workers: 2 },
      );
      real = [...embeddings.values()];
    } finally {
      cached.dispose();
    }
    const { points, ...details } = await measureSearch({
      real,
      queries: plan.searchQueries,
      sizes: plan.searchSizes,
      exactQueryLimit: plan.exactQueryLimit,
      efSearch: plan.efSearch,
      onProgress: (message) => log.info(message),
      ...(cache !== false && { indexCache: join(cache, 'hnsw') }),
    });
    result.search = points;
    result.searchDetails = details;
  });

  await part('accuracy', async () => {
    result.accuracy = await measureAccuracy(
      {
        lfwFolder,
        detectors: plan.detectors,
        embedders: plan.embedders,
        pairsPerKind: plan.accuracyPairsPerKind,
        folds: plan.accuracyFolds,
        timedImages: plan.accuracyTimedImages,
        pipeline: { cache },
      },
      images,
    );
  });

  result.complete = BENCHMARK_PARTS.every((name) =>
    result.parts.some((run) => run.part === name),
  );
  options.onPart?.(result);
  log.info(`done (${result.seconds.toFixed(0)} s)`);
  return result;
}
