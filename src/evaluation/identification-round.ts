/**
 * A small closed-set identification round on a labelled data set: one photo
 * of each chosen person is enrolled (one-shot), and the person's other photos
 * are identified against everyone enrolled.
 */
import type { FacePipeline } from '../pipeline';
import { Gallery } from '../prediction/gallery';
import { predict } from '../prediction/predict';
import { loadImage } from '../input/decode';
import { largestFaceOf } from '../output/faces';
import type { LfwPerson } from '../datasets/lfw';

/** Settings of {@link runIdentificationRound}. */
export interface RoundOptions {
  /** How many people to enroll (default 50). */
  people?: number;
  /** Most photos identified for each person (default 3). */
  probesPerPerson?: number;
  /** Distance threshold for the open-set count. */
  threshold: number;
  /** Called after each analysed photo with the number done and the total. */
  onProgress?: (done: number, total: number) => void;
}

/** Outcome of an identification round. */
export interface RoundResult {
  readonly enrolled: number;
  /** Photos identified (each had a detected face). */
  readonly probes: number;
  /** Probes whose nearest enrolled person is the right one. */
  readonly correct: number;
  /** `correct / probes`: rank-1 accuracy, closed set. */
  readonly rank1: number;
  /** Probes that were right and also within the threshold (not unknown). */
  readonly acceptedCorrect: number;
  /** Photos skipped because no face was detected. */
  readonly noFace: number;
  /** Photos skipped because they could not be read. */
  readonly failed: number;
}

/**
 * Picks `count` people with at least two photos, spread evenly over the
 * alphabetical list, so that the choice is the same on every run.
 */
export function choosePeople(
  people: readonly LfwPerson[],
  count: number,
): LfwPerson[] {
  const eligible = people.filter((person) => person.images.length >= 2);
  if (eligible.length <= count) return eligible;
  const step = eligible.length / count;
  return Array.from(
    { length: count },
    (_, i) => eligible[Math.floor(i * step)]!,
  );
}

/** Runs the round; photos with no detected face are counted and skipped. */
export async function runIdentificationRound(
  pipeline: FacePipeline,
  people: readonly LfwPerson[],
  options: RoundOptions,
): Promise<RoundResult> {
  const chosen = choosePeople(people, options.people ?? 50);
  const probesPerPerson = options.probesPerPerson ?? 3;
  const total = chosen.reduce(
    (sum, person) => sum + Math.min(person.images.length, probesPerPerson + 1),
    0,
  );
  let done = 0;
  let noFace = 0;
  let failed = 0;

  const embed = async (path: string): Promise<Float32Array | undefined> => {
    try {
      const face = largestFaceOf(
        (await pipeline.analyze(await loadImage(path))).faces,
      );
      if (face === undefined) noFace++;
      return face?.embedding;
    } catch {
      failed++;
      return undefined;
    } finally {
      options.onProgress?.(++done, total);
    }
  };

  // Enrollment: the first photo in which a face is found, so that one bad
  // photo does not drop a person from the round.
  const gallery = new Gallery(pipeline.model, pipeline.embedder.dimension);
  const probeLists: { name: string; paths: readonly string[] }[] = [];
  for (const person of chosen) {
    const candidates = person.images.slice(
      0,
      Math.min(person.images.length, probesPerPerson + 1),
    );
    for (let i = 0; i < candidates.length - 1; i++) {
      const embedding = await embed(candidates[i]!);
      if (embedding === undefined) continue;
      gallery.add(person.name, embedding, candidates[i]);
      probeLists.push({ name: person.name, paths: candidates.slice(i + 1) });
      break;
    }
  }

  let probes = 0;
  let correct = 0;
  let acceptedCorrect = 0;
  for (const { name, paths } of probeLists) {
    for (const path of paths) {
      const embedding = await embed(path);
      if (embedding === undefined) continue;
      const prediction = predict(gallery, embedding, {
        threshold: options.threshold,
      });
      probes++;
      if (prediction.nearestLabel === name) correct++;
      if (prediction.label === name) acceptedCorrect++;
    }
  }
  return {
    enrolled: gallery.labels().length,
    probes,
    correct,
    rank1: probes > 0 ? correct / probes : 0,
    acceptedCorrect,
    noFace,
    failed,
  };
}
