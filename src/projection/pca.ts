/**
 * Principal component analysis: the directions of largest variance, found by
 * power iteration with deflation on the covariance matrix.
 */
import { normalSample, seededRandom } from '../random';
import { checkRows, type Rows } from './vectors';

/** Coordinates of every point on the principal components. */
export interface PcaResult {
  /** `[n, components]` coordinates. */
  readonly points: number[][];
  /** Fraction of the total variance along each component, largest first. */
  readonly explainedVariance: number[];
}

const ITERATIONS = 500;
const TOLERANCE = 1e-10;

function columnMeans(rows: Rows, dimension: number): Float64Array {
  const mean = new Float64Array(dimension);
  for (const row of rows)
    for (let k = 0; k < dimension; k++) mean[k]! += row[k]!;
  for (let k = 0; k < dimension; k++) mean[k]! /= rows.length;
  return mean;
}

function covariance(
  rows: Rows,
  mean: Float64Array,
  dimension: number,
): Float64Array[] {
  const matrix = Array.from(
    { length: dimension },
    () => new Float64Array(dimension),
  );
  const centred = new Float64Array(dimension);
  for (const row of rows) {
    for (let k = 0; k < dimension; k++) centred[k] = row[k]! - mean[k]!;
    for (let i = 0; i < dimension; i++) {
      const ci = centred[i]!;
      const line = matrix[i]!;
      for (let j = i; j < dimension; j++) line[j]! += ci * centred[j]!;
    }
  }
  for (let i = 0; i < dimension; i++) {
    for (let j = i; j < dimension; j++) {
      const value = matrix[i]![j]! / (rows.length - 1);
      matrix[i]![j] = value;
      matrix[j]![i] = value;
    }
  }
  return matrix;
}

function multiply(matrix: Float64Array[], vector: Float64Array): Float64Array {
  const out = new Float64Array(vector.length);
  matrix.forEach((line, i) => {
    let sum = 0;
    for (let j = 0; j < vector.length; j++) sum += line[j]! * vector[j]!;
    out[i] = sum;
  });
  return out;
}

function normalize(vector: Float64Array): number {
  const norm = Math.hypot(...vector);
  if (norm > 0) for (let k = 0; k < vector.length; k++) vector[k]! /= norm;
  return norm;
}

/**
 * Returns the dominant eigenvector of a symmetric matrix and its eigenvalue,
 * by power iteration from a random start, with the sign chosen so that the
 * largest coordinate is positive.
 */
function dominantEigenvector(
  matrix: Float64Array[],
  random: () => number,
): { vector: Float64Array; eigenvalue: number } {
  const dimension = matrix.length;
  let vector: Float64Array = Float64Array.from({ length: dimension }, () =>
    normalSample(random),
  );
  normalize(vector);
  let eigenvalue = 0;
  for (let iteration = 0; iteration < ITERATIONS; iteration++) {
    const next = multiply(matrix, vector);
    eigenvalue = normalize(next);
    let change = 0;
    for (let k = 0; k < dimension; k++) change += (next[k]! - vector[k]!) ** 2;
    vector = next;
    if (change < TOLERANCE) break;
  }

  let largest = 0;
  for (let k = 1; k < dimension; k++)
    if (Math.abs(vector[k]!) > Math.abs(vector[largest]!)) largest = k;
  if (vector[largest]! < 0)
    for (let k = 0; k < dimension; k++) vector[k] = -vector[k]!;
  return { vector, eigenvalue };
}

/**
 * Projects the rows on their first `components` principal components.
 * Each component's sign is fixed so that its largest coordinate is
 * positive, so the result does not depend on the random start vectors.
 *
 * @throws RangeError for fewer than two rows, unequal rows, non-finite
 *   values, or more components than coordinates.
 */
export function pca(rows: Rows, components = 2, seed = 1): PcaResult {
  const dimension = checkRows(rows, 2);
  if (!(
    Number.isInteger(components) &&
    components >= 1 &&
    components <= dimension
  ))
    throw new RangeError(
      `components must be an integer from 1 to ${dimension}, got ${components}`,
    );

  const mean = columnMeans(rows, dimension);
  const matrix = covariance(rows, mean, dimension);
  let trace = 0;
  for (let k = 0; k < dimension; k++) trace += matrix[k]![k]!;

  const random = seededRandom(seed);
  const axes: Float64Array[] = [];
  const variances: number[] = [];
  for (let c = 0; c < components; c++) {
    const { vector, eigenvalue } = dominantEigenvector(matrix, random);
    // Deflate: remove this component so the next iteration finds the next one.
    for (let i = 0; i < dimension; i++)
      for (let j = 0; j < dimension; j++)
        matrix[i]![j]! -= eigenvalue * vector[i]! * vector[j]!;
    axes.push(vector);
    variances.push(trace > 0 ? eigenvalue / trace : 0);
  }

  const points = rows.map((row) =>
    axes.map((axis) => {
      let sum = 0;
      for (let k = 0; k < dimension; k++)
        sum += (row[k]! - mean[k]!) * axis[k]!;
      return sum;
    }),
  );
  return { points, explainedVariance: variances };
}
