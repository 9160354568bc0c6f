/**
 * Runs the pipeline over many files. A file that fails is reported and
 * skipped, and the batch carries on; the caller turns failures into the exit
 * code.
 */
import { performance } from 'node:perf_hooks';

import { loadImage } from '../input/decode';
import { ImageInputError } from '../input/errors';
import type { LoadedImage } from '../input/image';
import { createLogger } from '../log';
import type { FacePipeline, ImageAnalysis } from '../pipeline';
import { Progress } from './progress';

const log = createLogger('batch');

/** The outcome for one file: its pixels and analysis, or the error. */
export type BatchItem =
  | {
      readonly path: string;
      readonly image: LoadedImage;
      readonly analysis: ImageAnalysis;
    }
  | { readonly path: string; readonly error: Error };

/** Describes an error for a report line: typed input errors carry their own message. */
export function describeError(error: Error): string {
  return error instanceof ImageInputError
    ? error.message
    : `${error.name}: ${error.message}`;
}

/**
 * Analyses files one after another, calling `onItem` as each finishes.
 * Progress goes to standard error when there are more than `progressAfter` files.
 *
 * @returns The number of files that failed.
 */
export async function runBatch(
  pipeline: FacePipeline,
  paths: readonly string[],
  onItem: (item: BatchItem) => Promise<void> | void,
  progressAfter = 10,
): Promise<number> {
  const progress =
    paths.length > progressAfter
      ? new Progress('analysing images', paths.length)
      : undefined;
  let failures = 0;
  for (const path of paths) {
    let item: BatchItem;
    try {
      const start = performance.now();
      const image = await loadImage(path);
      const decodeSeconds = (performance.now() - start) / 1000;
      const analysis = await pipeline.analyze(image);
      analysis.timings.decode = decodeSeconds;
      item = { path, image, analysis };
    } catch (error) {
      failures++;
      const failure = error instanceof Error ? error : new Error(String(error));
      log.error(describeError(failure));
      if (!(failure instanceof ImageInputError)) log.debug(failure.stack ?? '');
      item = { path, error: failure };
    }
    await onItem(item);
    progress?.advance();
  }
  return failures;
}
