/**
 * Box arithmetic of the MTCNN cascade on plain numbers. Boxes are in pixel
 * coordinates with `x`, `y` at the top-left edge, so a box covering pixels
 * 0..9 has x = 0 and width = 10.
 */
import type { Box } from '../types';

/** Box offsets predicted by a network, as fractions of the box's size. */
export type BoxOffsets = readonly [
  dx1: number,
  dy1: number,
  dx2: number,
  dy2: number,
];

/**
 * The overlap measure of {@link nonMaxSuppression}: intersection over union,
 * or intersection over the smaller box's area.
 */
export type OverlapMeasure = 'union' | 'min';

function area(box: Box): number {
  return Math.max(0, box.width) * Math.max(0, box.height);
}

function intersectionArea(a: Box, b: Box): number {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return width > 0 && height > 0 ? width * height : 0;
}

/**
 * Computes the overlap of two boxes, in 0..1: the intersection area divided
 * by the union area (`union`, the IoU) or by the smaller box's area (`min`).
 * Boxes without area give 0.
 */
export function overlap(a: Box, b: Box, measure: OverlapMeasure): number {
  const intersection = intersectionArea(a, b);
  if (intersection === 0) return 0;
  const areaA = area(a);
  const areaB = area(b);
  const denominator =
    measure === 'union' ? areaA + areaB - intersection : Math.min(areaA, areaB);
  return intersection / denominator;
}

/**
 * Greedy non-maximum suppression: visits boxes from the highest score down,
 * keeps each box that overlaps no kept box by more than `threshold`, and
 * returns the indices of the kept boxes, best first.
 */
export function nonMaxSuppression(
  boxes: readonly Box[],
  scores: readonly number[],
  threshold: number,
  measure: OverlapMeasure = 'union',
): number[] {
  if (boxes.length !== scores.length) {
    throw new RangeError(
      `nonMaxSuppression got ${boxes.length} boxes but ${scores.length} scores`,
    );
  }
  const order = boxes.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  const keptIndices: number[] = [];
  for (const candidate of order) {
    const box = boxes[candidate]!;
    const suppressed = keptIndices.some(
      (k) => overlap(boxes[k]!, box, measure) > threshold,
    );
    if (!suppressed) keptIndices.push(candidate);
  }
  return keptIndices;
}

/**
 * Moves each edge of a box by the network's offsets: the left edge by
 * `dx1 * width`, the top by `dy1 * height`, the right by `dx2 * width` and
 * the bottom by `dy2 * height`.
 */
export function applyOffsets(box: Box, offsets: BoxOffsets): Box {
  const [dx1, dy1, dx2, dy2] = offsets;
  const x1 = box.x + dx1 * box.width;
  const y1 = box.y + dy1 * box.height;
  const x2 = box.x + box.width + dx2 * box.width;
  const y2 = box.y + box.height + dy2 * box.height;
  return { x: x1, y: y1, width: x2 - x1, height: y2 - y1 };
}

/**
 * Grows the shorter side of a box to make it square, keeping its centre,
 * because R-Net and O-Net take square crops.
 */
export function toSquare(box: Box): Box {
  const side = Math.max(box.width, box.height);
  return {
    x: box.x + (box.width - side) / 2,
    y: box.y + (box.height - side) / 2,
    width: side,
    height: side,
  };
}

/**
 * Cuts a box to the image `[0, width] x [0, height]`. A box entirely outside
 * gets zero width or height.
 */
export function clipBox(box: Box, width: number, height: number): Box {
  const x1 = Math.min(Math.max(box.x, 0), width);
  const y1 = Math.min(Math.max(box.y, 0), height);
  const x2 = Math.min(Math.max(box.x + box.width, 0), width);
  const y2 = Math.min(Math.max(box.y + box.height, 0), height);
  return { x: x1, y: y1, width: x2 - x1, height: y2 - y1 };
}

/** Checks that a box has a positive, finite width and height. */
export function hasArea(box: Box): boolean {
  return (
    Number.isFinite(box.x) &&
    Number.isFinite(box.y) &&
    box.width > 0 &&
    box.height > 0 &&
    Number.isFinite(box.width) &&
    Number.isFinite(box.height)
  );
}
