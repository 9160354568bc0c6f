/** Distance measure between two embeddings: Euclidean (`l2`) or `cosine`. */
export type Metric = 'l2' | 'cosine';

/** Euclidean (L2) distance between two vectors of equal length. */
export function l2Distance(
  a: Float32Array,
  b: Float32Array,
  offsetB = 0,
): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[offsetB + i]!;
    sum += d * d;
  }
  return Math.sqrt(sum);
}

/** Cosine distance, `1 - cos(angle)`, in 0..2. */
export function cosineDistance(
  a: Float32Array,
  b: Float32Array,
  offsetB = 0,
): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[offsetB + i]!;
    dot += x * y;
    normA += x * x;
    normB += y * y;
  }
  const denominator = Math.sqrt(normA * normB);
  return denominator > 0 ? 1 - dot / denominator : 1;
}

/**
 * Returns the distance function for a metric. `b` may be a long buffer of
 * many vectors; `offsetB` is where the compared vector starts.
 */
export function distanceFunction(
  metric: Metric,
): (a: Float32Array, b: Float32Array, offsetB?: number) => number {
  return metric === 'l2' ? l2Distance : cosineDistance;
}

/**
 * Dot product of `a` with the vector of `b` that starts at `offsetB`, summed
 * in four interleaved partial sums so that the loop pipelines well. The
 * summation order is fixed, so `dotProduct(v, v)` is the same number wherever
 * it is computed.
 */
export function dotProduct(
  a: Float32Array,
  b: Float32Array,
  offsetB = 0,
): number {
  const length = a.length;
  const unrolled = length - (length % 4);
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let i = 0; i < unrolled; i += 4) {
    s0 += a[i]! * b[offsetB + i]!;
    s1 += a[i + 1]! * b[offsetB + i + 1]!;
    s2 += a[i + 2]! * b[offsetB + i + 2]!;
    s3 += a[i + 3]! * b[offsetB + i + 3]!;
  }
  for (let i = unrolled; i < length; i++) s0 += a[i]! * b[offsetB + i]!;
  return s0 + s1 + s2 + s3;
}
