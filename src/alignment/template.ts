import type { Landmarks5, Point } from '../detection/types';

/** Target positions of the five key points of an aligned face, in output pixels. */
export interface AlignmentTemplate {
  /** Side of the square output, in pixels. */
  readonly size: number;
  /** Fraction of the side left as margin around the reference face, each side. */
  readonly padding: number;
  /** Vertical move of the points, as a fraction of the side; negative is up. */
  readonly verticalOffset: number;
  readonly points: Landmarks5;
}

/**
 * Reference positions of the five key points (eyes, nose tip, mouth corners)
 * in a tightly cropped 112x112 face: the template InsightFace publishes for
 * ArcFace training data, widely reused for 5-point alignment.
 */
export const REFERENCE_112: readonly (readonly [number, number])[] = [
  [38.2946, 51.6963],
  [73.5318, 51.5014],
  [56.0252, 71.7366],
  [41.5493, 92.3655],
  [70.7299, 92.2041],
];

/** Side, in pixels, of the consistent aligned face that facelab shows. */
export const ALIGNED_FACE_SIZE = 160;

/**
 * Creates the template for a square output of `size` pixels in which the
 * reference face fills the middle and `padding` (a fraction of the side)
 * is left on each side, so `padding = 0.1` shows a little hair and chin.
 * A negative padding zooms in. `verticalOffset` moves the points up
 * (negative) or down, as a fraction of the side, for networks trained on
 * crops framed differently.
 */
export function createTemplate(
  size = ALIGNED_FACE_SIZE,
  padding = 0.1,
  verticalOffset = 0,
): AlignmentTemplate {
  if (!(Number.isInteger(size) && size >= 16)) {
    throw new RangeError(
      `template size must be an integer of at least 16 pixels, got ${size}`,
    );
  }
  if (!(padding > -0.25 && padding < 0.45)) {
    throw new RangeError(
      `template padding must be in (-0.25, 0.45), got ${padding}`,
    );
  }
  if (!(Math.abs(verticalOffset) < 0.25)) {
    throw new RangeError(
      `template verticalOffset must be in (-0.25, 0.25), got ${verticalOffset}`,
    );
  }
  const inner = size * (1 - 2 * padding);
  const offset = size * padding;
  const points = REFERENCE_112.map(([x, y]): Point => ({
    x: offset + (x / 112) * inner,
    y: offset + (y / 112) * inner + verticalOffset * size,
  })) as unknown as Landmarks5;
  return { size, padding, verticalOffset, points };
}
