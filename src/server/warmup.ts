/**
 * The warm-up slideshow's images. `slides/warmup/manifest.json` lists crops
 * of the sample photos that `@vladmandic/face-api` ships, each with an
 * optional transform (pixelate, upside down, lower half covered) and a
 * caption. The server prepares them at start with sharp, so nothing but the
 * manifest is committed.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import sharp from 'sharp';

import { faceApiSampleFolder } from '../models/paths';

/** Default manifest of the warm-up slideshow. */
export const WARMUP_MANIFEST = resolve(
  __dirname,
  '..',
  '..',
  'slides',
  'warmup',
  'manifest.json',
);

/** Maximum side, in pixels, of a prepared image, because larger photos only slow detection. */
const MAX_SIDE = 1280;

/** Side of one block of a pixelated image, in pixels of the crop. */
const PIXEL_BLOCK = 16;

const TRANSFORMS = ['pixelate', 'upside-down', 'cover-lower-half'] as const;

/** A change applied to a warm-up image after cropping. */
export type WarmupTransform = (typeof TRANSFORMS)[number];

/** A rectangle `[left, top, width, height]` in pixels of the source photo. */
type Crop = readonly [number, number, number, number];

interface ManifestPerson {
  readonly label: string;
  readonly from: string;
  readonly crop?: Crop;
}

interface ManifestImage {
  readonly name: string;
  readonly from: string;
  readonly caption: string;
  readonly crop?: Crop;
  readonly transform?: WarmupTransform;
}

/** One slide of the prepared slideshow, as the page reads it. */
export interface WarmupSlide {
  readonly name: string;
  /** URL of the image on the server. */
  readonly url: string;
  readonly caption: string;
}

/** The result of {@link prepareWarmup}. */
export interface PreparedWarmup {
  /** Labelled folder of the people to enroll: one sub-folder per label. */
  readonly peopleFolder: string;
  readonly slides: readonly WarmupSlide[];
}

function invalid(path: string, what: string): Error {
  return new Error(
    `${path}: ${what}; fix the warm-up manifest (see slides/warmup/manifest.json)`,
  );
}

function validateCrop(value: unknown, path: string, where: string): void {
  if (value === undefined) return;
  if (
    !Array.isArray(value) ||
    value.length !== 4 ||
    !value.every((n) => Number.isInteger(n) && n >= 0)
  ) {
    throw invalid(
      path,
      `${where} has a crop that is not [left, top, width, height] in whole pixels`,
    );
  }
}

/** Reads and validates a warm-up manifest. */
async function readManifest(
  path: string,
): Promise<{ people: ManifestPerson[]; images: ManifestImage[] }> {
  const parsed = JSON.parse(await readFile(path, 'utf8')) as {
    people?: unknown;
    images?: unknown;
  };
  if (!Array.isArray(parsed.people) || !Array.isArray(parsed.images)) {
    throw invalid(path, 'expected arrays "people" and "images"');
  }
  const people = parsed.people as ManifestPerson[];
  const images = parsed.images as ManifestImage[];
  people.forEach((person, i) => {
    if (typeof person.label !== 'string' || !/^[\w -]+$/.test(person.label))
      throw invalid(path, `people[${i}] has no valid label`);
    if (typeof person.from !== 'string')
      throw invalid(path, `people[${i}] has no "from" photo`);
    validateCrop(person.crop, path, `people[${i}]`);
  });
  images.forEach((image, i) => {
    if (typeof image.name !== 'string' || !/^[a-z0-9-]+$/.test(image.name))
      throw invalid(path, `images[${i}] has no valid name (a-z, 0-9, -)`);
    if (typeof image.from !== 'string' || typeof image.caption !== 'string')
      throw invalid(path, `images[${i}] needs "from" and "caption"`);
    if (
      image.transform !== undefined &&
      !TRANSFORMS.includes(image.transform)
    ) {
      throw invalid(
        path,
        `images[${i}] has the unknown transform "${image.transform}" (known: ${TRANSFORMS.join(', ')})`,
      );
    }
    validateCrop(image.crop, path, `images[${i}]`);
  });
  return { people, images };
}

/** Crops a sample photo and scales it to at most {@link MAX_SIDE}. */
async function cropSample(from: string, crop?: Crop): Promise<Buffer> {
  let image = sharp(join(faceApiSampleFolder(), from));
  if (crop !== undefined) {
    const [left, top, width, height] = crop;
    image = image.extract({ left, top, width, height });
  }
  return image
    .resize({
      width: MAX_SIDE,
      height: MAX_SIDE,
      fit: 'inside',
      withoutEnlargement: true,
    })
    .toBuffer();
}

async function applyTransform(
  bytes: Buffer,
  transform: WarmupTransform | undefined,
): Promise<Buffer> {
  const { width, height } = await sharp(bytes).metadata();
  switch (transform) {
    case undefined:
      return bytes;
    case 'upside-down':
      return sharp(bytes).rotate(180).toBuffer();
    case 'pixelate': {
      // Shrink to one pixel per block, then enlarge with nearest-neighbour sampling.
      const small = await sharp(bytes)
        .resize({ width: Math.max(1, Math.round(width / PIXEL_BLOCK)) })
        .toBuffer();
      return sharp(small)
        .resize({ width, height, kernel: 'nearest', fit: 'fill' })
        .toBuffer();
    }
    case 'cover-lower-half': {
      const half = Math.ceil(height / 2);
      const cover = await sharp({
        create: { width, height: half, channels: 3, background: '#3a3a3a' },
      })
        .png()
        .toBuffer();
      return sharp(bytes)
        .composite([{ input: cover, left: 0, top: height - half }])
        .toBuffer();
    }
  }
}

/**
 * Writes the warm-up images to `folder/images/`, the people's crops to
 * `folder/people/<label>/`, and the slide list to `folder/manifest.json`.
 *
 * @param urlPrefix - URL under which the server exposes `folder`.
 */
export async function prepareWarmup(
  folder: string,
  urlPrefix: string,
  manifestPath = WARMUP_MANIFEST,
): Promise<PreparedWarmup> {
  const manifest = await readManifest(manifestPath);
  const peopleFolder = join(folder, 'people');
  for (const person of manifest.people) {
    const target = join(peopleFolder, person.label);
    await mkdir(target, { recursive: true });
    const bytes = await cropSample(person.from, person.crop);
    await sharp(bytes).jpeg({ quality: 92 }).toFile(join(target, person.from));
  }
  await mkdir(join(folder, 'images'), { recursive: true });
  const slides: WarmupSlide[] = [];
  for (const image of manifest.images) {
    const cropped = await cropSample(image.from, image.crop);
    const changed = await applyTransform(cropped, image.transform);
    await sharp(changed)
      .jpeg({ quality: 90 })
      .toFile(join(folder, 'images', `${image.name}.jpg`));
    slides.push({
      name: image.name,
      url: `${urlPrefix}images/${image.name}.jpg`,
      caption: image.caption,
    });
  }
  await writeFile(
    join(folder, 'manifest.json'),
    `${JSON.stringify({ slides }, null, 1)}\n`,
  );
  return { peopleFolder, slides };
}
