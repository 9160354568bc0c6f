/** How much work each part of the benchmark does, in the full and quick modes. */
import type { BackendName } from '../backend/backend';
import type { DetectorName } from '../detection/factory';

/** Sizes of every part of a benchmark run. */
export interface BenchmarkPlan {
  readonly name: 'full' | 'quick';
  /** Images timed per backend after one warm-up image. */
  readonly stageImages: Readonly<Record<BackendName, number>>;
  readonly overheadImages: number;
  readonly overheadRounds: number;
  readonly throughputImages: number;
  readonly throughputWorkers: readonly number[];
  /** Iterations of the arithmetic loop that measures the machine's own two-thread speed-up. */
  readonly coreScalingSteps: number;
  /**
   * Real embeddings for the search benchmark, of LFW images taken one person
   * at a time, through the embedding cache.
   */
  readonly searchRealEmbeddings: number;
  readonly searchQueries: number;
  readonly searchSizes: readonly number[];
  readonly exactQueryLimit: number;
  readonly efSearch: readonly number[];
  readonly memoryImages: number;
  readonly memorySamples: number;
  readonly detectors: readonly DetectorName[];
  /** Embedders measured with MTCNN in the accuracy part, besides each detector with face-api's. */
  readonly embedders: readonly string[];
  readonly accuracyPairsPerKind: number;
  readonly accuracyFolds: number;
  readonly accuracyTimedImages: number;
}

/**
 * The full benchmark that writes `docs/benchmarks.md`. NOTE: the 1,000-image
 * memory run and the 1,000,000-entry HNSW build take most of its time, and
 * whether it fits in 10 minutes depends on the machine; the report states
 * the time each run took.
 */
export const FULL_PLAN: BenchmarkPlan = {
  name: 'full',
  stageImages: { 'tfjs-node-gpu': 10, 'tfjs-node': 10, wasm: 10, cpu: 1 },
  overheadImages: 10,
  overheadRounds: 2,
  throughputImages: 120,
  throughputWorkers: [1, 2],
  coreScalingSteps: 1e8,
  searchRealEmbeddings: 5000,
  searchQueries: 200,
  searchSizes: [1_000, 10_000, 100_000, 1_000_000],
  exactQueryLimit: 100,
  efSearch: [32, 48, 64, 96, 128, 256, 512],
  memoryImages: 1000,
  memorySamples: 10,
  detectors: ['mtcnn', 'ssd', 'tiny', 'blazeface'],
  embedders: ['faceapi', 'faceres', 'mobileface'],
  accuracyPairsPerKind: 150,
  accuracyFolds: 10,
  accuracyTimedImages: 10,
};

/**
 * The quick benchmark, run by the tests so the benchmark code keeps working:
 * every part runs on a few images and small galleries.
 */
export const QUICK_PLAN: BenchmarkPlan = {
  name: 'quick',
  stageImages: { 'tfjs-node-gpu': 2, 'tfjs-node': 2, wasm: 2, cpu: 1 },
  overheadImages: 3,
  overheadRounds: 1,
  throughputImages: 6,
  throughputWorkers: [1, 2],
  coreScalingSteps: 1e7,
  searchRealEmbeddings: 30,
  searchQueries: 10,
  searchSizes: [1_000, 10_000],
  exactQueryLimit: 10,
  efSearch: [64],
  memoryImages: 20,
  memorySamples: 4,
  detectors: ['mtcnn', 'tiny'],
  embedders: ['faceres', 'mobileface'],
  accuracyPairsPerKind: 4,
  accuracyFolds: 2,
  accuracyTimedImages: 2,
};
