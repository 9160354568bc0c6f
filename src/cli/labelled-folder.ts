/**
 * Enrollment from a labelled folder: each sub-folder is one person, named by
 * the sub-folder, and contains photos of that person. This is how a gallery for
 * a talk is prepared from a folder of photos.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

import { createLogger } from '../log';
import { largestFaceOf } from '../output/faces';
import type { FacePipeline } from '../pipeline';
import type { Gallery } from '../prediction/gallery';
import { runBatch } from './batch';
import { expandImagePaths } from './files';

const log = createLogger('enroll');

/** One person of a labelled folder: the sub-folder's name and its image files. */
export interface LabelledPhotos {
  readonly label: string;
  readonly paths: readonly string[];
}

/** Counts of one enrollment run. */
export interface EnrollmentReport {
  /** Photos whose largest face was added to the gallery. */
  enrolled: number;
  /** Files that could not be read or decoded. */
  failed: number;
  /** Photos in which no face was found. */
  withoutFace: number;
}

/**
 * Lists the sub-folders of `folder` with their image files, sorted by label.
 * Files directly inside `folder` are ignored, and sub-folders without images
 * are skipped with a warning.
 *
 * @throws Error when `folder` is not a folder or has no sub-folder with images.
 */
export async function listLabelledFolder(
  folder: string,
): Promise<LabelledPhotos[]> {
  let names: string[];
  try {
    if (!(await stat(folder)).isDirectory()) throw new Error('not a folder');
    names = await readdir(folder);
  } catch (error) {
    throw new Error(
      `${folder}: cannot read the labelled folder (${(error as Error).message}); ` +
        'pass a folder whose sub-folders are named after the people and contain their photos',
    );
  }
  const people: LabelledPhotos[] = [];
  for (const name of names.sort()) {
    const path = join(folder, name);
    if (!(await stat(path)).isDirectory()) continue;
    const paths = await expandImagePaths([path]);
    if (paths.length === 0) {
      log.warn(`${path}: no image files; skipping the label "${name}"`);
      continue;
    }
    people.push({ label: name, paths });
  }
  if (people.length === 0) {
    throw new Error(
      `${folder}: no sub-folder with images found; ` +
        'create one sub-folder per person, for example photos/Ada_Lovelace/ada1.jpg',
    );
  }
  return people;
}

/**
 * Adds the largest face of each photo to the gallery under its label. A file
 * that cannot be read or shows no face is logged and skipped.
 */
export async function enrollPhotos(
  pipeline: FacePipeline,
  gallery: Gallery,
  label: string,
  paths: readonly string[],
): Promise<EnrollmentReport> {
  const report: EnrollmentReport = { enrolled: 0, failed: 0, withoutFace: 0 };
  report.failed = await runBatch(pipeline, paths, (item) => {
    if ('error' in item) return;
    const face = largestFaceOf(item.analysis.faces);
    if (face === undefined) {
      log.error(
        `${item.path}: no face found; use a photo where the face is visible and at least 20 pixels wide`,
      );
      report.withoutFace++;
      return;
    }
    if (item.analysis.faces.length > 1) {
      log.warn(
        `${item.path}: ${item.analysis.faces.length} faces found; enrolling the largest`,
      );
    }
    gallery.add(label, face.embedding, item.path);
    report.enrolled++;
  });
  return report;
}

/** Enrolls every person listed by {@link listLabelledFolder}. */
export async function enrollPeople(
  pipeline: FacePipeline,
  gallery: Gallery,
  people: readonly LabelledPhotos[],
): Promise<EnrollmentReport> {
  const total: EnrollmentReport = { enrolled: 0, failed: 0, withoutFace: 0 };
  for (const person of people) {
    const report = await enrollPhotos(
      pipeline,
      gallery,
      person.label,
      person.paths,
    );
    total.enrolled += report.enrolled;
    total.failed += report.failed;
    total.withoutFace += report.withoutFace;
  }
  return total;
}

/** Enrolls every person of a labelled folder (see {@link listLabelledFolder}). */
export async function enrollLabelledFolder(
  pipeline: FacePipeline,
  gallery: Gallery,
  folder: string,
): Promise<EnrollmentReport> {
  return enrollPeople(pipeline, gallery, await listLabelledFolder(folder));
}
