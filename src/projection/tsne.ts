/**
 * Exact t-SNE (van der Maaten and Hinton, 2008): neighbour probabilities in
 * the embedding space, matched by a Student-t distribution in 2-D or 3-D by
 * gradient descent. Exact means O(n^2) memory and time per iteration, which
 * suits a few thousand points.
 */
import { normalSample, seededRandom } from '../random';
import { checkRows, type Rows } from './vectors';

/** Options of {@link tsne}. */
export interface TsneOptions {
  /** Output dimensions, 2 or 3 (default 2). */
  readonly components?: number;
  /** Effective number of neighbours of each point (default 30). */
  readonly perplexity?: number;
  /** Gradient descent iterations (default 1000). */
  readonly iterations?: number;
  /** Seed of the random initial layout (default 1). */
  readonly seed?: number;
}

const EARLY_EXAGGERATION = 12;
const EXAGGERATION_ITERATIONS = 250;
const MIN_GAIN = 0.01;

function squaredDistances(rows: Rows, dimension: number): Float64Array {
  const n = rows.length;
  const distances = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const a = rows[i]!;
    for (let j = i + 1; j < n; j++) {
      const b = rows[j]!;
      let sum = 0;
      for (let k = 0; k < dimension; k++) sum += (a[k]! - b[k]!) ** 2;
      distances[i * n + j] = sum;
      distances[j * n + i] = sum;
    }
  }
  return distances;
}

/**
 * Finds, for each point, the Gaussian precision whose conditional
 * distribution has the requested perplexity (by bisection on the entropy),
 * then returns the symmetrised joint probabilities `P`, summing to 1.
 */
function jointProbabilities(
  distances: Float64Array,
  n: number,
  perplexity: number,
): Float64Array {
  const targetEntropy = Math.log(perplexity);
  const conditional = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    let beta = 1;
    let low = -Infinity;
    let high = Infinity;
    for (let step = 0; step < 100; step++) {
      let sum = 0;
      let weighted = 0;
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        const d = distances[i * n + j]!;
        const p = Math.exp(-d * beta);
        conditional[i * n + j] = p;
        sum += p;
        weighted += d * p;
      }
      const entropy = sum > 0 ? Math.log(sum) + (beta * weighted) / sum : 0;
      for (let j = 0; j < n; j++)
        conditional[i * n + j] = sum > 0 ? conditional[i * n + j]! / sum : 0;
      const difference = entropy - targetEntropy;
      if (Math.abs(difference) < 1e-5) break;
      if (difference > 0) {
        low = beta;
        beta = high === Infinity ? beta * 2 : (beta + high) / 2;
      } else {
        high = beta;
        beta = low === -Infinity ? beta / 2 : (beta + low) / 2;
      }
    }
  }
  const joint = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const value =
        (conditional[i * n + j]! + conditional[j * n + i]!) / (2 * n);
      joint[i * n + j] = Math.max(value, 1e-12);
    }
  }
  return joint;
}

/**
 * Lays out the rows in 2-D or 3-D with exact t-SNE, seeded so that equal
 * input and options give the same layout.
 *
 * @throws RangeError for invalid rows, components other than 2 or 3, or a
 *   perplexity that is not below the number of points.
 */
export function tsne(rows: Rows, options: TsneOptions = {}): number[][] {
  const components = options.components ?? 2;
  const perplexity = options.perplexity ?? 30;
  const iterations = options.iterations ?? 1000;
  const dimension = checkRows(rows, 3);
  const n = rows.length;
  if (components !== 2 && components !== 3)
    throw new RangeError(`t-SNE components must be 2 or 3, got ${components}`);
  if (!(perplexity > 1 && perplexity < n))
    throw new RangeError(
      `perplexity must be above 1 and below the ${n} points, got ${perplexity}`,
    );

  const joint = jointProbabilities(
    squaredDistances(rows, dimension),
    n,
    perplexity,
  );
  const random = seededRandom(options.seed ?? 1);
  const layout = Float64Array.from(
    { length: n * components },
    () => 1e-4 * normalSample(random),
  );
  // A fixed large learning rate makes small layouts diverge, so it grows
  // with the number of points: n / 48, at least 50.
  const learningRate = Math.max(n / (4 * EARLY_EXAGGERATION), 50);
  const velocity = new Float64Array(n * components);
  const gains = new Float64Array(n * components).fill(1);
  const gradient = new Float64Array(n * components);
  const kernel = new Float64Array(n * n);

  for (let iteration = 0; iteration < iterations; iteration++) {
    const early = iteration < EXAGGERATION_ITERATIONS;
    const exaggeration = early ? EARLY_EXAGGERATION : 1;
    const momentum = early ? 0.5 : 0.8;

    // Student-t kernel q_ij ∝ 1 / (1 + |y_i - y_j|^2) and its normaliser.
    let normaliser = 0;
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        let squared = 0;
        for (let k = 0; k < components; k++)
          squared +=
            (layout[i * components + k]! - layout[j * components + k]!) ** 2;
        const value = 1 / (1 + squared);
        kernel[i * n + j] = value;
        normaliser += 2 * value;
      }
    }

    // Gradient of KL(P || Q): 4 * sum_j (p_ij - q_ij) * kernel_ij * (y_i - y_j).
    // Each pair's term is added to i and subtracted from j.
    gradient.fill(0);
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const value = kernel[i * n + j]!;
        const force =
          4 * (exaggeration * joint[i * n + j]! - value / normaliser) * value;
        for (let k = 0; k < components; k++) {
          const term =
            force * (layout[i * components + k]! - layout[j * components + k]!);
          gradient[i * components + k]! += term;
          gradient[j * components + k]! -= term;
        }
      }
    }

    // Update with momentum and per-coordinate adaptive gains.
    for (let index = 0; index < layout.length; index++) {
      const sameSign = gradient[index]! > 0 === velocity[index]! > 0;
      gains[index] = Math.max(
        sameSign ? gains[index]! * 0.8 : gains[index]! + 0.2,
        MIN_GAIN,
      );
      velocity[index] =
        momentum * velocity[index]! -
        learningRate * gains[index]! * gradient[index]!;
      layout[index]! += velocity[index]!;
    }

    // Keep the layout centred at the origin.
    for (let k = 0; k < components; k++) {
      let mean = 0;
      for (let i = 0; i < n; i++) mean += layout[i * components + k]!;
      mean /= n;
      for (let i = 0; i < n; i++) layout[i * components + k]! -= mean;
    }
  }
  return Array.from({ length: n }, (_, i) =>
    Array.from(layout.subarray(i * components, (i + 1) * components)),
  );
}
