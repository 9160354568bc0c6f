/**
 * Look-alikes: pairs of different people whose embeddings lie closest
 * together. They are the false accepts a threshold meets first, and the
 * notebooks show them side by side.
 */

/** Two images of different people and the distance between them. */
export interface LookAlikePair {
  readonly first: string;
  readonly second: string;
  readonly distance: number;
}

/** A scored image pair with the paths of both images. */
export interface PathPair extends LookAlikePair {
  readonly same: boolean;
}

/**
 * Returns the `count` impostor pairs (different people) with the smallest
 * distances, closest first.
 */
export function closestImpostors(
  pairs: readonly PathPair[],
  count: number,
): LookAlikePair[] {
  if (!(Number.isInteger(count) && count >= 0)) {
    throw new RangeError(
      `look-alike count must be a non-negative integer, got ${count}`,
    );
  }
  return pairs
    .filter((pair) => !pair.same)
    .sort((a, b) => a.distance - b.distance)
    .slice(0, count)
    .map(({ first, second, distance }) => ({ first, second, distance }));
}
