/**
 * Deterministic, seeded splits of a labelled data set into enrolled photos
 * and probes, so that every algorithm and every run uses the same split.
 */
import type { LfwPerson } from '../datasets/lfw';
import { seededRandom } from '../random';

/** One photo and the person it shows. */
export interface LabelledImage {
  readonly label: string;
  readonly path: string;
}

/** Photos to enroll and photos to identify against them. */
export interface EnrollmentSplit {
  readonly enrolled: readonly LabelledImage[];
  readonly probes: readonly LabelledImage[];
}

/** Returns a copy of `items` in a seeded random order (Fisher-Yates). */
export function seededShuffle<T>(items: readonly T[], seed: number): T[] {
  const random = seededRandom(seed);
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

/** Labels the photos `start..end` (end excluded) of a person. */
export function photosOf(
  person: LfwPerson,
  start: number,
  end: number,
): LabelledImage[] {
  return person.images
    .slice(start, end)
    .map((path) => ({ label: person.name, path }));
}

/** Returns every image path of the splits, without repeats. */
export function splitPaths(splits: readonly EnrollmentSplit[]): Set<string> {
  const paths = new Set<string>();
  for (const split of splits) {
    for (const image of [...split.enrolled, ...split.probes])
      paths.add(image.path);
  }
  return paths;
}
