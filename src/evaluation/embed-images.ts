/**
 * Embedding of many data-set images for the evaluations: the face nearest
 * the centre of each image, or, when the detector finds none, the face at
 * the mean landmark positions of the images where it did find one. LFW
 * images are pre-aligned, so that fallback lands on the labelled face.
 */
import type { Landmarks5, Point } from '../detection/types';
import { loadImage } from '../input/decode';
import type { AnalyzedFace, FacePipeline } from '../pipeline';

/** Embeddings of a list of images. */
export interface EmbeddedImages {
  /** Unit-length embedding of each image path. */
  readonly embeddings: ReadonlyMap<string, Float32Array>;
  /** Images embedded at the mean landmarks because no face was detected. */
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

/** Returns the mean position of each of the five landmarks. */
export function meanLandmarks(all: readonly Landmarks5[]): Landmarks5 {
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

/**
 * Embeds every image, one after the other, through the pipeline and its
 * cache. Every evaluation embeds its images through this one function, so a
 * faster implementation (for example a pool of worker threads) can replace
 * it in one place.
 *
 * @param onProgress - Called after each detected image with the count done
 *   and the total.
 * @throws Error when no face is detected in any image, since the fallback
 *   landmarks then cannot be computed.
 */
export async function embedImages(
  pipeline: FacePipeline,
  paths: Iterable<string>,
  onProgress?: (done: number, total: number) => void,
): Promise<EmbeddedImages> {
  const unique = [...new Set(paths)];
  const embeddings = new Map<string, Float32Array>();
  const found: Landmarks5[] = [];
  const missed: string[] = [];

  // First pass: detect and embed; remember the landmarks of found faces.
  let done = 0;
  for (const path of unique) {
    const analysis = await pipeline.analyzeFile(path);
    const face = centralFace(analysis.faces, analysis.width, analysis.height);
    if (face === undefined) missed.push(path);
    else {
      embeddings.set(path, face.embedding);
      found.push(face.landmarks5);
    }
    onProgress?.(++done, unique.length);
  }

  // Second pass: the images with no detected face, at the mean landmarks.
  if (missed.length > 0) {
    if (found.length === 0) {
      throw new Error(
        `no face was detected in any of ${unique.length} images, so the fallback landmarks cannot be computed`,
      );
    }
    const fallback = meanLandmarks(found);
    for (const path of missed) {
      embeddings.set(
        path,
        await pipeline.embedAt(await loadImage(path), fallback),
      );
    }
  }
  return { embeddings, fallback: missed };
}
