/**
 * Alignment stage: a similarity transform moves the five key points of a
 * detected face onto a fixed template. Eyes, nose and mouth then land on the
 * same pixels in every aligned face, whatever the pose, size or position of
 * the face in its photo.
 */
import type { Landmarks5, Point } from '../detection/types';
import type { RgbImage } from '../input/image';
import {
  applySimilarity,
  estimateSimilarity,
  invertSimilarity,
  type Similarity,
} from './similarity';
import type { AlignmentTemplate } from './template';

/** An aligned face and the transform that produced it. */
export interface AlignedFace {
  /** `size * size` RGB pixels; areas outside the photo are black. */
  readonly image: RgbImage;
  /** Maps photo coordinates to aligned-face coordinates. */
  readonly transform: Similarity;
  /** Root-mean-square distance, in output pixels, of the landmarks from the template. */
  readonly residual: number;
}

/**
 * Warps `image` so that `landmarks` land on `template.points`, sampling the
 * photo bilinearly at full resolution.
 */
export function alignFace(
  image: RgbImage,
  landmarks: Landmarks5,
  template: AlignmentTemplate,
): AlignedFace {
  const transform = estimateSimilarity(landmarks, template.points);
  const inverse = invertSimilarity(transform);
  const { size } = template;
  const out = new Uint8Array(size * size * 3);
  for (let v = 0; v < size; v++) {
    for (let u = 0; u < size; u++) {
      // Sample at the pixel centre, mapped back into the photo.
      const source = applySimilarity(inverse, { x: u + 0.5, y: v + 0.5 });
      sampleBilinear(
        image,
        source.x - 0.5,
        source.y - 0.5,
        out,
        (v * size + u) * 3,
      );
    }
  }
  let squared = 0;
  landmarks.forEach((point: Point, i) => {
    const mapped = applySimilarity(transform, point);
    squared +=
      (mapped.x - template.points[i]!.x) ** 2 +
      (mapped.y - template.points[i]!.y) ** 2;
  });
  return {
    image: { data: out, width: size, height: size, source: image.source },
    transform,
    residual: Math.sqrt(squared / landmarks.length),
  };
}

/** Writes the bilinear interpolation of `image` at `(x, y)` to `out[offset..offset+2]`. */
function sampleBilinear(
  image: RgbImage,
  x: number,
  y: number,
  out: Uint8Array,
  offset: number,
): void {
  const { data, width, height } = image;
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  for (let c = 0; c < 3; c++) {
    let value = 0;
    for (let dy = 0; dy <= 1; dy++) {
      const row = y0 + dy;
      const wy = dy === 0 ? 1 - fy : fy;
      if (row < 0 || row >= height || wy === 0) continue;
      for (let dx = 0; dx <= 1; dx++) {
        const column = x0 + dx;
        const wx = dx === 0 ? 1 - fx : fx;
        if (column < 0 || column >= width || wx === 0) continue;
        value += wx * wy * data[(row * width + column) * 3 + c]!;
      }
    }
    out[offset + c] = Math.round(value);
  }
}
