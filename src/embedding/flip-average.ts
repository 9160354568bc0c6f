import { flipHorizontally, type RgbImage } from '../input/image';
import { normalizeL2, type FaceEmbedder } from './types';

/**
 * Test-time flip averaging: embeds each aligned face and its mirror image
 * and returns the normalized mean of the two embeddings. The result lies in
 * the same space as the wrapped embedder's (so `id`, the calibration and
 * gallery files stay the same), but costs two forward passes per face.
 */
export class FlipAveragingEmbedder implements FaceEmbedder {
  readonly id: string;
  readonly dimension: number;
  readonly template: FaceEmbedder['template'];

  constructor(private readonly base: FaceEmbedder) {
    this.id = base.id;
    this.dimension = base.dimension;
    this.template = base.template;
  }

  /** Embeds the faces and their mirror images in one batch and averages each pair. */
  async embed(faces: readonly RgbImage[]): Promise<Float32Array[]> {
    const both = await this.base.embed([
      ...faces,
      ...faces.map(flipHorizontally),
    ]);
    return faces.map((_, i) => {
      const sum = Float32Array.from(both[i]!);
      const mirrored = both[faces.length + i]!;
      for (let j = 0; j < sum.length; j++) sum[j]! += mirrored[j]!;
      return normalizeL2(sum);
    });
  }

  /** Releases the wrapped embedder. */
  dispose(): void {
    this.base.dispose();
  }
}
