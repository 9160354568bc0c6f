/**
 * Messages between the analysis pool and its worker threads. Everything here
 * survives the structured clone, and embeddings travel as transferred
 * `Float32Array` buffers.
 */
import type { ImageAnalysis, PipelineOptions } from '../pipeline';

/** Data every worker receives at start: how to build its pipeline. */
export interface WorkerSetup {
  readonly pipeline: PipelineOptions;
}

/** Request from the pool: analyse one image file. */
export interface AnalyzeRequest {
  readonly id: number;
  readonly path: string;
}

/** Messages a worker sends to the pool. */
export type WorkerReply =
  | { readonly type: 'ready'; readonly backend: string }
  | {
      readonly type: 'result';
      readonly id: number;
      readonly analysis: ImageAnalysis;
    }
  | { readonly type: 'failed'; readonly id: number; readonly message: string }
  /** The pipeline could not be built, so the worker cannot analyse anything. */
  | { readonly type: 'fatal'; readonly message: string };
