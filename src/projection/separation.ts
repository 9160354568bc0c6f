/**
 * Measures of how well a layout separates people: the silhouette score and the
 * leave-one-out k-nearest-neighbour accuracy, both with Euclidean distance.
 */
import { checkRows, type Rows } from './vectors';

function distance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let k = 0; k < a.length; k++) sum += (a[k]! - b[k]!) ** 2;
  return Math.sqrt(sum);
}

function checkLabels(rows: Rows, labels: readonly string[]): void {
  checkRows(rows, 2);
  if (labels.length !== rows.length)
    throw new RangeError(
      `${labels.length} labels for ${rows.length} points; pass one label per point`,
    );
}

/**
 * Computes the mean silhouette score in -1..1 (Rousseeuw, 1987): for each
 * point, `(b - a) / max(a, b)` where `a` is its mean distance to its own
 * group and `b` the smallest mean distance to another group. Points alone in
 * their group score 0.
 *
 * @throws RangeError when the label count differs from the point count or
 *   there are fewer than two groups.
 */
export function silhouetteScore(rows: Rows, labels: readonly string[]): number {
  checkLabels(rows, labels);
  const groups = [...new Set(labels)];
  if (groups.length < 2)
    throw new RangeError('the silhouette score needs at least two groups');
  const groupIndex = labels.map((label) => groups.indexOf(label));
  const sizes = new Array<number>(groups.length).fill(0);
  for (const g of groupIndex) sizes[g]!++;
  let total = 0;
  for (let i = 0; i < rows.length; i++) {
    const own = groupIndex[i]!;
    if (sizes[own] === 1) continue;
    const sums = new Array<number>(groups.length).fill(0);
    for (let j = 0; j < rows.length; j++) {
      if (j !== i) sums[groupIndex[j]!]! += distance(rows[i]!, rows[j]!);
    }
    const a = sums[own]! / (sizes[own]! - 1);
    let b = Infinity;
    sums.forEach((sum, g) => {
      if (g !== own) b = Math.min(b, sum / sizes[g]!);
    });
    total += (b - a) / Math.max(a, b);
  }
  return total / rows.length;
}

/**
 * Computes the fraction of points whose `k` nearest other points vote for
 * their own label (leave-one-out). A tied vote goes to the label of the
 * nearest point among the tied labels.
 *
 * @throws RangeError when the label count differs from the point count or
 *   `k` is not an integer from 1 to n - 1.
 */
export function knnAccuracy(
  rows: Rows,
  labels: readonly string[],
  k = 5,
): number {
  checkLabels(rows, labels);
  if (!(Number.isInteger(k) && k >= 1 && k < rows.length))
    throw new RangeError(
      `k must be an integer from 1 to ${rows.length - 1}, got ${k}`,
    );
  let correct = 0;
  for (let i = 0; i < rows.length; i++) {
    const neighbours = rows
      .map((row, j) => ({ j, d: j === i ? Infinity : distance(rows[i]!, row) }))
      .sort((x, y) => x.d - y.d)
      .slice(0, k);
    const votes = new Map<string, number>();
    for (const { j } of neighbours)
      votes.set(labels[j]!, (votes.get(labels[j]!) ?? 0) + 1);
    const maxVotes = Math.max(...votes.values());
    // Neighbours are sorted, so the first one with a top label breaks ties.
    const winner = neighbours.find(
      ({ j }) => votes.get(labels[j]!) === maxVotes,
    )!;
    if (labels[winner.j] === labels[i]) correct++;
  }
  return correct / rows.length;
}
