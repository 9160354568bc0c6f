import type { AlignmentTemplate } from '../alignment/template';
import type { RgbImage } from '../input/image';

/**
 * Conversion stage: turns aligned faces into embeddings, vectors in which
 * photos of one person lie close together.
 */
export interface FaceEmbedder {
  /** Identifies the model and its settings, in cache keys and gallery files. */
  readonly id: string;
  /** Length of each embedding. */
  readonly dimension: number;
  /** Key-point positions this model expects in its input face. */
  readonly template: AlignmentTemplate;
  /**
   * Embeds faces aligned with {@link template}. Each result is scaled to unit
   * L2 length, so L2 distances lie in 0..2.
   */
  embed(faces: readonly RgbImage[]): Promise<Float32Array[]>;
  /** Releases the model weights. */
  dispose(): void;
}

/** Scales a vector to unit L2 length in place and returns it. */
export function normalizeL2(vector: Float32Array): Float32Array {
  let sum = 0;
  for (const value of vector) sum += value * value;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < vector.length; i++) vector[i]! /= norm;
  return vector;
}
