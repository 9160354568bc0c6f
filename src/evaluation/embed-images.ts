/**
 * Embedding pass over many single-face images, such as a data set of
 * pre-aligned photos: one embedding per image, from the face nearest the
 * image centre. Images where the detector finds no face are embedded at the
 * mean landmark positions of the images where it found one.
 */
import type { Landmarks5, Point } from '../detection/types';
import { loadImage } from '../input/decode';
import type { AnalyzedFace, FacePipeline, ImageAnalysis } from '../pipeline';
import { analyzeFilesInWorkers } from '../workers/pool';

/** Settings of {@link embedImages}. */
export interface EmbedImagesOptions {
  /** Worker threads; 1 (the default) analyses in this thread with `pipeline`. */
  readonly workers?: number;
}

/** Embeddings of a list of images. */
export interface ImageEmbeddings {
  /** One unit-length embedding per path. */
  readonly embeddings: Map<string, Float32Array>;
  /** Paths with no detected face, embedded at the mean landmarks instead. */
  readonly fallback: readonly string[];
}

/** Returns the face nearest the image centre, since LFW labels the centred face. */
export function centralFace(
  faces: readonly AnalyzedFace[],
  width: number,
  height: number,
): AnalyzedFace | undefined {
  let best: AnalyzedFace | undefined;
  let bestDistance = Infinity;
  for (const face of faces) {
    const dx = face.box.x + face.box.width / 2 - width / 2;
    const dy = face.box.y + face.box.height / 2 - height / 2;
    const distance = Math.hypot(dx, dy);
    if (distance < bestDistance) {
      best = face;
      bestDistance = distance;
    }
  }
  return best;
}

function meanLandmarks(all: readonly Landmarks5[]): Landmarks5 {
  const sums = Array.from({ length: 5 }, () => ({ x: 0, y: 0 }));
  for (const landmarks of all) {
    landmarks.forEach((point, i) => {
      sums[i]!.x += point.x;
      sums[i]!.y += point.y;
    });
  }
  return sums.map((sum): Point => ({
    x: sum.x / all.length,
    y: sum.y / all.length,
  })) as unknown as Landmarks5;
}

async function analyzeAll(
  pipeline: FacePipeline,
  paths: readonly string[],
  workers: number,
  onProgress?: (done: number, total: number) => void,
): Promise<ImageAnalysis[]> {
  if (workers > 1) {
    const results = await analyzeFilesInWorkers(
      paths,
      pipeline.options,
      workers,
      onProgress,
    );
    return results.map((result) => {
      if ('error' in result) {
        throw new Error(`could not analyse ${result.path}: ${result.error}`);
      }
      return result.analysis;
    });
  }
  const analyses: ImageAnalysis[] = [];
  for (const path of paths) {
    analyses.push(await pipeline.analyzeFile(path));
    onProgress?.(analyses.length, paths.length);
  }
  return analyses;
}

/**
 * Detects and embeds the central face of every image, each path once, through
 * the pipeline's cache. Every evaluation embeds its images through this
 * function. With `workers` above
 * 1 the detection pass runs on that many worker threads, each with a
 * pipeline built from `pipeline.options`. The fallback pass runs on
 * `pipeline` itself.
 *
 * @throws Error when an image cannot be read, naming the file, or when no
 *   image has a detected face to take fallback landmarks from.
 */
export async function embedImages(
  pipeline: FacePipeline,
  images: Iterable<string>,
  options: EmbedImagesOptions = {},
  onProgress?: (done: number, total: number) => void,
): Promise<ImageEmbeddings> {
  const paths = [...new Set(images)];
  const workers = options.workers ?? 1;
  const analyses = await analyzeAll(pipeline, paths, workers, onProgress);

  // First pass: detected faces; remember their landmarks.
  const embeddings = new Map<string, Float32Array>();
  const found: Landmarks5[] = [];
  const fallback: string[] = [];
  analyses.forEach((analysis, i) => {
    const face = centralFace(analysis.faces, analysis.width, analysis.height);
    if (face === undefined) fallback.push(paths[i]!);
    else {
      embeddings.set(paths[i]!, face.embedding);
      found.push(face.landmarks5);
    }
  });

  // Second pass: the images with no detected face, at the mean landmarks.
  if (fallback.length > 0) {
    if (found.length === 0) {
      throw new Error(
        `no face was detected in any of the ${paths.length} images, so there are no landmarks to embed them at`,
      );
    }
    const landmarks = meanLandmarks(found);
    for (const path of fallback) {
      embeddings.set(
        path,
        await pipeline.embedAt(await loadImage(path), landmarks),
      );
    }
  }
  return { embeddings, fallback };
}
