/** Seeded pseudo-random numbers, so that splits, layouts and generated data are the same on every run. */

/**
 * Returns a generator of uniform numbers in [0, 1) from a 32-bit seed
 * (the mulberry32 generator: fast and adequate for layout initialisation,
 * not for cryptography).
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Returns a standard normal sample drawn with the Box-Muller transform. */
export function normalSample(random: () => number): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
