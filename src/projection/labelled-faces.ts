/**
 * Faces of LFW people embedded by the pipeline, with a small thumbnail of
 * each aligned face, as input to the embedding-space projections.
 */
import sharp from 'sharp';

import { listLfwPeople } from '../datasets/lfw';
import { centralFace } from '../evaluation/lfw-verification';
import { loadImage } from '../input/decode';
import type { RgbImage } from '../input/image';
import type { FacePipeline } from '../pipeline';

/** One embedded face and the person it shows. */
export interface LabelledFace {
  readonly label: string;
  readonly path: string;
  /** Unit-length embedding from the pipeline's embedder. */
  readonly embedding: Float32Array;
  /** The aligned face as a `data:image/jpeg;base64,...` URL, for hover images. */
  readonly thumbnail: string;
}

/** Options of {@link embedLfwPeople}. */
export interface LfwSelection {
  /** Number of people, taken in name order among those with enough photos. */
  readonly people: number;
  /** Photos used per person (their first ones in numeric order). */
  readonly photosPerPerson: number;
  /** Side in pixels of each thumbnail (default 48). */
  readonly thumbnailSize?: number;
  /** Called after each image. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** Faces found, and the images skipped because no face was detected. */
export interface LabelledFaces {
  readonly faces: readonly LabelledFace[];
  readonly skipped: readonly string[];
}

/** Encodes an RGB image as a small JPEG data URL. */
export async function thumbnailDataUrl(
  image: RgbImage,
  size: number,
): Promise<string> {
  const jpeg = await sharp(Buffer.from(image.data), {
    raw: { width: image.width, height: image.height, channels: 3 },
  })
    .resize(size, size)
    .jpeg({ quality: 70 })
    .toBuffer();
  return `data:image/jpeg;base64,${jpeg.toString('base64')}`;
}

/**
 * Embeds the first `photosPerPerson` photos of the first `people` LFW people
 * (by name) that have at least that many photos. Each image contributes the
 * face nearest its centre, since LFW labels the centred face. Images where no
 * face is detected are listed in `skipped`.
 *
 * @throws RangeError when the data set has fewer such people than requested.
 */
export async function embedLfwPeople(
  pipeline: FacePipeline,
  folder: string,
  selection: LfwSelection,
): Promise<LabelledFaces> {
  const { people, photosPerPerson, onProgress } = selection;
  const thumbnailSize = selection.thumbnailSize ?? 48;
  const eligible = (await listLfwPeople(folder)).filter(
    (person) => person.images.length >= photosPerPerson,
  );
  if (eligible.length < people) {
    throw new RangeError(
      `LFW at ${folder} has ${eligible.length} people with at least ${photosPerPerson} photos, but ${people} were requested; ask for fewer people or photos`,
    );
  }
  const chosen = eligible.slice(0, people);
  const total = people * photosPerPerson;
  const faces: LabelledFace[] = [];
  const skipped: string[] = [];
  let done = 0;
  for (const person of chosen) {
    for (const path of person.images.slice(0, photosPerPerson)) {
      const image = await loadImage(path);
      const analysis = await pipeline.analyze(image);
      const face = centralFace(analysis.faces, image.width, image.height);
      if (face === undefined) skipped.push(path);
      else {
        const aligned = pipeline.alignForDisplay(image, face);
        faces.push({
          label: person.name,
          path,
          embedding: face.embedding,
          thumbnail: await thumbnailDataUrl(aligned.image, thumbnailSize),
        });
      }
      onProgress?.(++done, total);
    }
  }
  return { faces, skipped };
}
