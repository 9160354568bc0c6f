import type { Point } from '../detection/types';

/**
 * A similarity transform (rotation, uniform scale, translation) that maps
 * `(x, y)` to `(a*x - b*y + tx, b*x + a*y + ty)`.
 */
export interface Similarity {
  readonly a: number;
  readonly b: number;
  readonly tx: number;
  readonly ty: number;
}

/** Applies a similarity transform to a point. */
export function applySimilarity(t: Similarity, point: Point): Point {
  return {
    x: t.a * point.x - t.b * point.y + t.tx,
    y: t.b * point.x + t.a * point.y + t.ty,
  };
}

/** Returns the inverse transform; throws if the transform is degenerate. */
export function invertSimilarity(t: Similarity): Similarity {
  const norm = t.a * t.a + t.b * t.b;
  if (!(norm > 1e-12))
    throw new RangeError('cannot invert a similarity with zero scale');
  const a = t.a / norm;
  const b = -t.b / norm;
  return { a, b, tx: -(a * t.tx - b * t.ty), ty: -(b * t.tx + a * t.ty) };
}

/**
 * Estimates the similarity transform that maps `source` onto `target` with
 * the least squared error (the closed-form solution of Umeyama, 1991,
 * restricted to rotations without reflection).
 *
 * @throws RangeError when the point lists differ in length, have fewer than
 * two points, or the source points all coincide.
 */
export function estimateSimilarity(
  source: readonly Point[],
  target: readonly Point[],
): Similarity {
  if (source.length !== target.length || source.length < 2) {
    throw new RangeError(
      `need two lists of at least 2 matching points, got ${source.length} and ${target.length}`,
    );
  }
  const n = source.length;
  let sx = 0;
  let sy = 0;
  let ux = 0;
  let uy = 0;
  for (let i = 0; i < n; i++) {
    sx += source[i]!.x;
    sy += source[i]!.y;
    ux += target[i]!.x;
    uy += target[i]!.y;
  }
  sx /= n;
  sy /= n;
  ux /= n;
  uy /= n;

  // Spread of the source and its correlation with the target, both centred.
  let spread = 0;
  let dot = 0;
  let cross = 0;
  for (let i = 0; i < n; i++) {
    const x = source[i]!.x - sx;
    const y = source[i]!.y - sy;
    const u = target[i]!.x - ux;
    const v = target[i]!.y - uy;
    spread += x * x + y * y;
    dot += x * u + y * v;
    cross += x * v - y * u;
  }

  if (!(spread > 1e-12))
    throw new RangeError('source points coincide; cannot estimate a transform');
  const a = dot / spread;
  const b = cross / spread;
  return { a, b, tx: ux - (a * sx - b * sy), ty: uy - (b * sx + a * sy) };
}
