/**
 * Closed-set and open-set identification on a labelled data set: rank-1
 * accuracy as the gallery grows, as more photos of each person are enrolled,
 * and the error rates of the unknown decision against its threshold. The
 * plans only choose photos; {@link galleryOf} and {@link rank1Of} score them
 * once the embeddings exist.
 */
import type { LfwPerson } from '../datasets/lfw';
import { Gallery } from '../prediction/gallery';
import type { LookAlikePair } from './look-alikes';
import type { Probe } from './open-set';
import {
  photosOf,
  seededShuffle,
  type EnrollmentSplit,
  type LabelledImage,
} from './split';

/** Rank-1 identification accuracy for one gallery size. */
export interface GallerySizePoint {
  readonly gallerySize: number;
  readonly rank1: number;
  readonly probes: number;
}

/** Rank-1 identification accuracy for one number of enrolled photos per person. */
export interface ShotsPoint {
  readonly shots: number;
  readonly rank1: number;
  readonly probes: number;
  readonly people: number;
}

/** A split for one gallery size. */
export interface GallerySizeSplit extends EnrollmentSplit {
  readonly gallerySize: number;
}

/** A split for one number of enrolled photos per person. */
export interface ShotsSplit extends EnrollmentSplit {
  readonly shots: number;
  readonly people: number;
}

/** A split into enrolled people and people who are never enrolled. */
export interface OpenSetSplit extends EnrollmentSplit {
  /** Photos of the people who are not in the gallery. */
  readonly strangers: readonly LabelledImage[];
}

/** Settings shared by the plans. */
export interface PlanOptions {
  /** Seed of the random order of people. */
  readonly seed: number;
  /** Maximum number of probe photos of each person. */
  readonly probesPerPerson: number;
}

/** Embeddings looked up by image path. */
export type EmbeddingLookup = (path: string) => Float32Array;

function checkPositiveInteger(name: string, value: number): void {
  if (!(Number.isInteger(value) && value >= 1)) {
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }
}

/**
 * Plans rank-1 accuracy against gallery size. At size N the gallery contains
 * one photo of each of the first N people of a seeded order of the people
 * with at least two photos, and their next photos are the probes. When
 * `probePeople` is smaller than N, only that many people are probed and the
 * rest of the gallery is filled with distractors: one photo of each of
 * the other people, including those with a single photo. Distractors make a
 * large gallery cost one photo per person instead of several.
 *
 * @throws RangeError when a size exceeds the number of people available.
 */
export function planGallerySizes(
  people: readonly LfwPerson[],
  sizes: readonly number[],
  options: PlanOptions & { readonly probePeople?: number },
): GallerySizeSplit[] {
  checkPositiveInteger('probesPerPerson', options.probesPerPerson);
  for (const size of sizes) checkPositiveInteger('gallery size', size);
  const order = seededShuffle(people, options.seed);
  const candidates = order.filter((person) => person.images.length >= 2);
  const probed = candidates.slice(0, options.probePeople ?? candidates.length);
  const probedNames = new Set(probed.map((person) => person.name));
  const distractors = order.filter((person) => !probedNames.has(person.name));

  return sizes.map((gallerySize) => {
    const enrolledPeople = probed.slice(0, gallerySize);
    const fillers = distractors.slice(0, gallerySize - enrolledPeople.length);
    if (enrolledPeople.length + fillers.length < gallerySize) {
      throw new RangeError(
        `gallery size ${gallerySize} is larger than the ${people.length} people available`,
      );
    }
    return {
      gallerySize,
      enrolled: [...enrolledPeople, ...fillers].flatMap((person) =>
        photosOf(person, 0, 1),
      ),
      probes: enrolledPeople.flatMap((person) =>
        photosOf(person, 1, 1 + options.probesPerPerson),
      ),
    };
  });
}

/**
 * Plans rank-1 accuracy against the number of enrolled photos per person,
 * from one to `maxShots`. Only people with more than `maxShots` photos take
 * part, so that every shot count is probed with the same photos: those after
 * the first `maxShots`.
 *
 * @throws RangeError when no person has more than `maxShots` photos.
 */
export function planShots(
  people: readonly LfwPerson[],
  maxShots: number,
  options: PlanOptions & { readonly maxPeople?: number },
): ShotsSplit[] {
  checkPositiveInteger('maxShots', maxShots);
  checkPositiveInteger('probesPerPerson', options.probesPerPerson);
  const chosen = seededShuffle(
    people.filter((person) => person.images.length > maxShots),
    options.seed,
  ).slice(0, options.maxPeople);
  if (chosen.length === 0) {
    throw new RangeError(
      `the shots test needs people with more than ${maxShots} photos, and there are none`,
    );
  }
  const probes = chosen.flatMap((person) =>
    photosOf(person, maxShots, maxShots + options.probesPerPerson),
  );
  return Array.from({ length: maxShots }, (_, i) => ({
    shots: i + 1,
    people: chosen.length,
    enrolled: chosen.flatMap((person) => photosOf(person, 0, i + 1)),
    probes,
  }));
}

/**
 * Plans the open-set test on a seeded order of the people with at least two
 * photos. The first half is enrolled with one photo each and probed with the
 * next ones. The second half is never enrolled, and its first photos are
 * probes that should all come out unknown.
 */
export function planOpenSet(
  people: readonly LfwPerson[],
  options: PlanOptions & { readonly maxPeople?: number },
): OpenSetSplit {
  checkPositiveInteger('probesPerPerson', options.probesPerPerson);
  const chosen = seededShuffle(
    people.filter((person) => person.images.length >= 2),
    options.seed,
  ).slice(0, options.maxPeople);
  if (chosen.length < 2) {
    throw new RangeError(
      `the open-set test needs at least 2 people with two photos, got ${chosen.length}`,
    );
  }
  const half = Math.ceil(chosen.length / 2);
  const members = chosen.slice(0, half);
  const others = chosen.slice(half);
  return {
    enrolled: members.flatMap((person) => photosOf(person, 0, 1)),
    probes: members.flatMap((person) =>
      photosOf(person, 1, 1 + options.probesPerPerson),
    ),
    strangers: others.flatMap((person) =>
      photosOf(person, 0, options.probesPerPerson),
    ),
  };
}

/** Builds a gallery of the enrolled photos of a split. */
export function galleryOf(
  enrolled: readonly LabelledImage[],
  embeddingOf: EmbeddingLookup,
  model: string,
  dimension: number,
): Gallery {
  const gallery = new Gallery(model, dimension);
  for (const image of enrolled)
    gallery.add(image.label, embeddingOf(image.path), image.path);
  return gallery;
}

/** Returns the probes of a split with their embeddings. */
export function probesOf(
  images: readonly LabelledImage[],
  embeddingOf: EmbeddingLookup,
): Probe[] {
  return images.map((image) => ({
    label: image.label,
    embedding: embeddingOf(image.path),
  }));
}

/**
 * Returns the fraction of probes whose nearest gallery photo (1-NN, L2)
 * shows the right person.
 */
export function rank1Of(gallery: Gallery, probes: readonly Probe[]): number {
  if (probes.length === 0) throw new RangeError('rank-1 of no probes');
  let correct = 0;
  for (const probe of probes) {
    const [nearest] = gallery.nearest(probe.embedding, 1);
    if (nearest?.label === probe.label) correct++;
  }
  return correct / probes.length;
}

/**
 * Returns the `count` closest pairs of a probe and a gallery photo of a
 * different person, closest first: the look-alikes that cause wrong
 * identifications.
 */
export function closestWrongMatches(
  gallery: Gallery,
  probes: readonly LabelledImage[],
  embeddingOf: EmbeddingLookup,
  count: number,
): LookAlikePair[] {
  const entries = gallery.entries();
  const pairs: LookAlikePair[] = [];
  for (const probe of probes) {
    // The nearest photos of other people lie among the nearest 1 + (photos
    // of the probe's own person) entries.
    const own = entries.filter((entry) => entry.label === probe.label).length;
    const wrong = gallery
      .nearest(embeddingOf(probe.path), own + 1)
      .find((neighbour) => neighbour.label !== probe.label);
    if (wrong === undefined) continue;
    pairs.push({
      first: probe.path,
      second: entries[wrong.index]!.source ?? wrong.label,
      distance: wrong.distance,
    });
  }
  return pairs.sort((a, b) => a.distance - b.distance).slice(0, count);
}
