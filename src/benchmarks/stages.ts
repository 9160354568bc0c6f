/**
 * Stage benchmark: seconds per image for decoding, detection, alignment and
 * embedding, on each TensorFlow.js backend that loads. Each backend runs in
 * its own worker thread, since a process keeps the backend it loaded first.
 */
import { BACKEND_NAMES, type BackendName } from '../backend/backend';
import type { PipelineOptions, StageTimings } from '../pipeline';
import { analyzeFilesInWorkers } from '../workers/pool';

/** Time of one pipeline stage, in seconds per image. */
export interface StageTiming {
  stage: string;
  seconds: number;
}

/** Stage times on one backend, or why it could not run. */
export interface BackendStages {
  readonly backend: BackendName;
  /** Images timed, after one untimed warm-up image. */
  readonly images: number;
  readonly stages: StageTiming[];
  /** Reason the backend did not run; absent when it ran. */
  readonly unavailable?: string;
}

const STAGES: readonly (keyof StageTimings)[] = [
  'decode',
  'detect',
  'align',
  'embed',
];

/**
 * Times each stage on every backend with the cache off. The first image of
 * each backend is a warm-up (kernel compilation, memory allocation) and is
 * left out of the mean.
 *
 * @param imagesPerBackend - Images timed on each backend, for example fewer
 *   on `cpu`, which is about 30 times slower than `wasm`.
 */
export async function measureStages(
  paths: readonly string[],
  pipeline: PipelineOptions,
  imagesPerBackend: (backend: BackendName) => number,
): Promise<BackendStages[]> {
  const results: BackendStages[] = [];
  for (const backend of BACKEND_NAMES) {
    const count = imagesPerBackend(backend);
    const files = paths.slice(0, count + 1);
    let analyses;
    try {
      analyses = await analyzeFilesInWorkers(
        files,
        { ...pipeline, backend, cache: false },
        1,
      );
    } catch (error) {
      results.push({
        backend,
        images: 0,
        stages: [],
        unavailable: (error as Error).message.split('\n')[0]!,
      });
      continue;
    }
    const timed = analyses.slice(1).flatMap((result) => {
      if ('error' in result) {
        throw new Error(
          `stage benchmark failed on ${result.path}: ${result.error}`,
        );
      }
      return [result.analysis.timings];
    });
    results.push({
      backend,
      images: timed.length,
      stages: STAGES.map((stage) => ({
        stage,
        seconds:
          timed.reduce((sum, timings) => sum + timings[stage], 0) /
          Math.max(timed.length, 1),
      })),
    });
  }
  return results;
}
