/**
 * Loader for Labeled Faces in the Wild in its published layout. The folder
 * comes from `FACELAB_DATASETS` (which contains `lfw/`); `datasets/lfw.json`
 * describes what a complete copy contains.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** Description of a complete copy, from `datasets/lfw.json`. */
export interface LfwManifest {
  readonly images: number;
  readonly people: number;
  readonly pairsFiles: Record<string, string>;
}

/** Raised when the LFW folder is missing or incomplete. */
export class DatasetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatasetError';
  }
}

/** Reads `datasets/lfw.json`. */
export function lfwManifest(): LfwManifest {
  return JSON.parse(
    readFileSync(join(__dirname, '..', '..', 'datasets', 'lfw.json'), 'utf8'),
  ) as LfwManifest;
}

/**
 * Returns the LFW folder under `FACELAB_DATASETS`, or undefined when the variable is
 * unset. A set variable without `lfw/images` inside raises {@link DatasetError}.
 */
export function lfwFolderFromEnvironment(
  root = process.env.FACELAB_DATASETS,
): string | undefined {
  if (root === undefined || root === '') return undefined;
  const folder = resolve(root, 'lfw');
  if (!existsSync(join(folder, 'images'))) {
    throw new DatasetError(
      `FACELAB_DATASETS=${root} has no lfw/images folder; point it at the folder that contains lfw/ (layout: lfw/images/<Person_Name>/<Person_Name>_0001.jpg)`,
    );
  }
  return folder;
}

/** One person of LFW and the paths of their images, in numeric order. */
export interface LfwPerson {
  readonly name: string;
  readonly images: readonly string[];
}

/** Lists every person in the folder, sorted by name. */
export async function listLfwPeople(folder: string): Promise<LfwPerson[]> {
  const imagesFolder = join(folder, 'images');
  const names = (await readdir(imagesFolder, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const people: LfwPerson[] = [];
  for (const name of names) {
    const files = (await readdir(join(imagesFolder, name)))
      .filter((file) => file.endsWith('.jpg'))
      .sort();
    people.push({
      name,
      images: files.map((file) => join(imagesFolder, name, file)),
    });
  }
  return people;
}

/**
 * Checks a copy against the manifest: the number of people and images and the
 * pairs files. Returns the problems found, empty for a complete copy.
 */
export async function verifyLfw(folder: string): Promise<string[]> {
  const manifest = lfwManifest();
  const people = await listLfwPeople(folder);
  const images = people.reduce((sum, person) => sum + person.images.length, 0);
  const problems: string[] = [];
  if (people.length !== manifest.people)
    problems.push(`${people.length} people instead of ${manifest.people}`);
  if (images !== manifest.images)
    problems.push(`${images} images instead of ${manifest.images}`);
  for (const file of Object.keys(manifest.pairsFiles)) {
    if (!existsSync(join(folder, file))) problems.push(`${file} is missing`);
  }
  return problems;
}

/** Path of image `index` (1-based) of a person, in the published naming scheme. */
export function lfwImagePath(
  folder: string,
  name: string,
  index: number,
): string {
  return join(
    folder,
    'images',
    name,
    `${name}_${String(index).padStart(4, '0')}.jpg`,
  );
}
