/**
 * Memory benchmark: TensorFlow.js tensor count and process memory while the
 * pipeline analyses many images, to show that neither grows with the number
 * of images.
 */
import type { FacePipeline } from '../pipeline';

/** Memory after a number of images. */
export interface MemorySample {
  images: number;
  numTensors: number;
  rssMb: number;
  heapUsedMb: number;
}

const MB = 2 ** 20;

/**
 * Analyses every path with `pipeline` (give it the cache off, so every image
 * runs the models) and samples memory `samples` times along the way. The
 * first sample is taken after the first image, once the backend has
 * allocated its working memory.
 *
 * @returns The samples and the central-face embeddings, reusable as real data.
 */
export async function measureMemory(
  pipeline: FacePipeline,
  paths: readonly string[],
  samples: number,
): Promise<{ samples: MemorySample[]; embeddings: Float32Array[] }> {
  const every = Math.max(1, Math.floor(paths.length / samples));
  const result: MemorySample[] = [];
  const embeddings: Float32Array[] = [];
  for (let i = 0; i < paths.length; i++) {
    const analysis = await pipeline.analyzeFile(paths[i]!);
    const face = analysis.faces[0];
    if (face !== undefined) embeddings.push(face.embedding);
    const done = i + 1;
    if (done === 1 || done % every === 0 || done === paths.length) {
      const usage = process.memoryUsage();
      result.push({
        images: done,
        numTensors: pipeline.runtime.tf.memory().numTensors,
        rssMb: usage.rss / MB,
        heapUsedMb: usage.heapUsed / MB,
      });
    }
  }
  return { samples: result, embeddings };
}
