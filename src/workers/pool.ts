/**
 * A pool of worker threads that analyse image files in parallel. Each worker
 * loads its own TensorFlow.js runtime and {@link FacePipeline}, so the models
 * run on as many cores as there are workers. Files go to whichever worker is
 * idle, and the results come back in input order.
 */
import { availableParallelism } from 'node:os';
import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';

import { createLogger } from '../log';
import type { ImageAnalysis, PipelineOptions } from '../pipeline';
import type { AnalyzeRequest, WorkerReply, WorkerSetup } from './protocol';

/** Maximum number of workers used by default, because each loads its own copy of the models. */
export const MAX_DEFAULT_WORKERS = 4;

/** The outcome of one file: its analysis, or the reason it failed. */
export type FileAnalysis =
  | { readonly path: string; readonly analysis: ImageAnalysis }
  | { readonly path: string; readonly error: string };

const log = createLogger('workers');

/** Returns the default worker count: the cores available, at most {@link MAX_DEFAULT_WORKERS}. */
export function defaultWorkerCount(): number {
  return Math.max(1, Math.min(availableParallelism(), MAX_DEFAULT_WORKERS));
}

/**
 * Starts one worker thread. From compiled `dist/` the entry is the `.js`
 * file beside this one. From the TypeScript sources (tests, `tsx`) the worker
 * registers tsx's CommonJS hook in the same thread and then requires the
 * `.ts` entry, so no extra process is started.
 */
function startWorker(setup: WorkerSetup): Worker {
  const extension = extname(__filename);
  const entry = join(__dirname, `analysis-worker${extension}`);
  if (extension === '.js') return new Worker(entry, { workerData: setup });
  const hook = require.resolve('tsx/cjs/api');
  const source =
    `require(${JSON.stringify(hook)}).register();` +
    `require(${JSON.stringify(entry)});`;
  return new Worker(source, { eval: true, workerData: setup });
}

/** Feeds files to one worker until none are left, then stops it. */
function drive(
  worker: Worker,
  next: () => AnalyzeRequest | undefined,
  onResult: (id: number, result: FileAnalysis) => void,
  paths: readonly string[],
): Promise<void> {
  return new Promise((resolve, reject) => {
    let current: AnalyzeRequest | undefined;
    const sendNext = (): void => {
      current = next();
      if (current === undefined) {
        void worker.terminate().then(() => resolve());
        return;
      }
      worker.postMessage(current);
    };
    const fail = (error: Error): void => {
      void worker.terminate();
      reject(error);
    };
    worker.on('message', (reply: WorkerReply) => {
      switch (reply.type) {
        case 'ready':
          log.debug(`worker ${worker.threadId} running on ${reply.backend}`);
          sendNext();
          break;
        case 'result':
          onResult(reply.id, {
            path: paths[reply.id]!,
            analysis: reply.analysis,
          });
          sendNext();
          break;
        case 'failed':
          onResult(reply.id, { path: paths[reply.id]!, error: reply.message });
          sendNext();
          break;
        case 'fatal':
          fail(
            new Error(`worker could not load the pipeline: ${reply.message}`),
          );
          break;
      }
    });
    worker.on('error', (error) => {
      const during = current ? ` while analysing ${current.path}` : '';
      fail(new Error(`worker thread failed${during}: ${error.message}`));
    });
    worker.on('exit', (code) => {
      // After terminate() the promise is already settled and this is a no-op.
      if (current !== undefined) {
        reject(
          new Error(
            `worker thread exited with code ${code} while analysing ${current.path}`,
          ),
        );
      }
    });
  });
}

/**
 * Analyses image files on `workers` threads and returns one result per file,
 * in the order of `paths`. A file that cannot be read or analysed gives an
 * `error` result and the others go on. Every worker is terminated when the
 * files are done or when any worker fails to start or crashes, in which case
 * the returned promise rejects.
 *
 * @param onProgress - Called after each file with the number done and the total.
 */
export async function analyzeFilesInWorkers(
  paths: readonly string[],
  pipeline: PipelineOptions,
  workers: number,
  onProgress?: (done: number, total: number) => void,
): Promise<FileAnalysis[]> {
  if (!(Number.isInteger(workers) && workers >= 1)) {
    throw new RangeError(`workers must be a positive integer, got ${workers}`);
  }
  if (paths.length === 0) return [];
  const results: FileAnalysis[] = new Array<FileAnalysis>(paths.length);
  let nextId = 0;
  let done = 0;
  const next = (): AnalyzeRequest | undefined =>
    nextId < paths.length ? { id: nextId, path: paths[nextId++]! } : undefined;
  const onResult = (id: number, result: FileAnalysis): void => {
    results[id] = result;
    onProgress?.(++done, paths.length);
  };

  const count = Math.min(workers, paths.length);
  const threads = Array.from({ length: count }, () =>
    startWorker({ pipeline }),
  );
  try {
    await Promise.all(
      threads.map((worker) => drive(worker, next, onResult, paths)),
    );
  } catch (error) {
    await Promise.all(threads.map((worker) => worker.terminate()));
    throw error;
  }
  return results;
}
