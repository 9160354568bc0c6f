/**
 * Regenerates every figure the slides use into one folder (the work of
 * `facelab figures`).
 */
import { lfwFolderFromEnvironment } from '../../datasets/lfw';
import { createLogger } from '../../log';
import { FacePipeline, type PipelineOptions } from '../../pipeline';
import { withFigureExporter } from '../browser-export';
import {
  writeProjectionFigures,
  writeStoredResultFigures,
  writeVerificationFigures,
  type ProjectionQuality,
} from './data-figures';
import { writeSampleFigures } from './sample-figures';
import { SlideFolder, type SkippedFigure } from './writer';

const log = createLogger('figures');

/** Inputs of {@link writeSlideFigures}. */
export interface SlideFigureOptions {
  /** Output folder, created when missing. */
  readonly out: string;
  /** Result of `facelab eval lfw`. */
  readonly evalLfwPath: string;
  /** Result of `facelab eval identify`. */
  readonly evalIdentifyPath: string;
  /** Result of `npm run bench`. */
  readonly benchmarksPath: string;
  /** Options of the cached pipeline that embeds LFW images. */
  readonly pipeline?: PipelineOptions;
}

/** Figures written and skipped by a run, and the separation it measured. */
export interface SlideFigureReport {
  readonly written: readonly string[];
  readonly skipped: readonly SkippedFigure[];
  /** Separation in each 2-D projection; empty without LFW. */
  readonly projections: readonly ProjectionQuality[];
}

async function withPipeline<T>(
  options: PipelineOptions,
  work: (pipeline: FacePipeline) => Promise<T>,
): Promise<T> {
  const pipeline = await FacePipeline.create(options);
  try {
    return await work(pipeline);
  } finally {
    pipeline.dispose();
  }
}

/**
 * Writes every slide figure whose data is available into `options.out`.
 * Figures from the sample photos always work; LFW figures need
 * `FACELAB_DATASETS`; figures from stored results need their JSON files.
 */
export async function writeSlideFigures(
  options: SlideFigureOptions,
): Promise<SlideFigureReport> {
  const lfwFolder = lfwFolderFromEnvironment();
  return withFigureExporter(async (exporter) => {
    const slides = new SlideFolder(options.out, exporter);
    await slides.create();

    // Stage times must be measured, so these photos bypass the cache.
    await withPipeline({ ...options.pipeline, cache: false }, (pipeline) =>
      withPipeline(
        { ...options.pipeline, cache: false, landmarks68: true },
        (landmarkPipeline) =>
          writeSampleFigures(slides, pipeline, landmarkPipeline),
      ),
    );

    let projections: ProjectionQuality[] = [];
    await withPipeline(options.pipeline ?? {}, async (pipeline) => {
      await writeVerificationFigures(
        slides,
        pipeline,
        lfwFolder,
        options.evalLfwPath,
      );
      if (lfwFolder === undefined) {
        for (const method of ['umap', 'pca', 'tsne'])
          slides.skip(
            `embedding-${method}.png`,
            'FACELAB_DATASETS is unset; set it to the folder that contains lfw/',
          );
      } else {
        projections = await writeProjectionFigures(slides, pipeline, lfwFolder);
        for (const quality of projections)
          log.info(
            `${quality.method}: silhouette ${quality.silhouette.toFixed(3)}, 5-NN accuracy ${quality.knnAccuracy.toFixed(3)}`,
          );
      }
    });

    await writeStoredResultFigures(
      slides,
      options.evalIdentifyPath,
      options.benchmarksPath,
    );
    return {
      written: slides.written,
      skipped: slides.skipped,
      projections,
    };
  });
}
