import type { Box, Landmarks5, Point } from './types';

function mean(points: readonly Point[]): Point {
  let x = 0;
  let y = 0;
  for (const point of points) {
    x += point.x;
    y += point.y;
  }
  return { x: x / points.length, y: y / points.length };
}

/**
 * Derives the five alignment points from the 68-point iBUG scheme: the eye
 * centres are the means of points 36-41 and 42-47, the nose tip is point 30
 * and the mouth corners are points 48 and 54 (zero-based).
 */
export function landmarks5From68(points: readonly Point[]): Landmarks5 {
  if (points.length !== 68) {
    throw new RangeError(`expected 68 landmarks, got ${points.length}`);
  }
  return [
    mean(points.slice(36, 42)),
    mean(points.slice(42, 48)),
    points[30]!,
    points[48]!,
    points[54]!,
  ];
}

/** Multiplies every coordinate of a point by `scale`. */
export function scalePoint(point: Point, scale: number): Point {
  return { x: point.x * scale, y: point.y * scale };
}

/** Multiplies every coordinate of a box by `scale`. */
export function scaleBox(box: Box, scale: number): Box {
  return {
    x: box.x * scale,
    y: box.y * scale,
    width: box.width * scale,
    height: box.height * scale,
  };
}
