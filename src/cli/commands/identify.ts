import { mkdir, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';

import { Command } from 'commander';

import { createLogger } from '../../log';

import { annotateImage } from '../../plots/annotate';
import type { ImageResult } from '../../output/result';
import { formatResultsTable } from '../../output/table';
import type { Recognizer } from '../../recognizer';
import { describeError, runBatch, type BatchItem } from '../batch';
import {
  addPipelineOptions,
  addPredictionOptions,
  createPipeline,
  createRecognizer,
  openGallery,
  type PipelineFlags,
  type PredictionFlags,
} from '../context';
import { createOutputFolder, expandImagePaths } from '../files';

const log = createLogger('identify');

interface IdentifyFlags extends PipelineFlags, PredictionFlags {
  json?: boolean;
  annotate?: string;
}

/** Serialises results as JSON; an infinite distance (empty gallery) becomes null. */
export function resultsToJson(results: readonly ImageResult[]): string {
  return JSON.stringify(
    results,
    (_key, value: unknown) => (value === Infinity ? null : value),
    2,
  );
}

/** Turns a batch item into a result, labelling its faces with each label used once. */
export function toImageResult(
  item: BatchItem,
  recognizer: Recognizer,
): ImageResult {
  if ('error' in item)
    return { source: item.path, faces: [], error: describeError(item.error) };
  const { analysis } = item;
  return {
    source: item.path,
    width: analysis.width,
    height: analysis.height,
    faces: recognizer.identifyAll(analysis.faces),
  };
}

/**
 * Writes an annotated JPEG copy of an image into `folder`, named after the
 * input. `usedNames` contains the names written so far in this run, so that two
 * inputs with the same name (from different folders) get `name-2.jpg` and so
 * on rather than overwriting each other.
 */
export async function writeAnnotated(
  item: BatchItem,
  result: ImageResult,
  folder: string,
  usedNames: Set<string>,
): Promise<string | undefined> {
  if ('error' in item) return undefined;
  await mkdir(folder, { recursive: true });
  const stem = basename(item.path, extname(item.path));
  let name = `${stem}.jpg`;
  for (let copy = 2; usedNames.has(name); copy++) name = `${stem}-${copy}.jpg`;
  usedNames.add(name);
  const path = join(folder, name);
  await writeFile(path, await annotateImage(item.image, result.faces));
  return path;
}

/** `facelab identify`: labels every face in the images against the gallery. */
export function identifyCommand(): Command {
  const command = new Command('identify')
    .description('find faces in images and say who they are, or unknown')
    .argument('<images...>', 'image files, or folders of images')
    .option('--json', 'print results as JSON instead of a table')
    .option(
      '--annotate <folder>',
      'write JPEG copies of the images, named NAME.jpg, with boxes, landmarks and names into this folder',
    );
  addPipelineOptions(command);
  addPredictionOptions(command);
  return command.action(async (images: string[], flags: IdentifyFlags) => {
    const paths = await expandImagePaths(images);
    if (paths.length === 0) {
      command.error(`error: no image files found in ${images.join(', ')}`);
    }
    if (flags.annotate !== undefined)
      await createOutputFolder(command, '--annotate', flags.annotate);
    const pipeline = await createPipeline(flags);
    try {
      const gallery = await openGallery(flags.gallery, pipeline);
      if (gallery.size === 0) {
        log.warn(
          `the gallery ${flags.gallery} is empty or missing, so every face is unknown; ` +
            'add people with `facelab enroll <label> <images...>`',
        );
      }
      const annotated = new Set<string>();
      const recognizer = createRecognizer(gallery, flags);
      const results: ImageResult[] = [];
      const failures = await runBatch(pipeline, paths, async (item) => {
        const result = toImageResult(item, recognizer);
        results.push(result);
        if (flags.annotate !== undefined)
          await writeAnnotated(item, result, flags.annotate, annotated);
      });
      process.stdout.write(
        `${flags.json ? resultsToJson(results) : formatResultsTable(results)}\n`,
      );
      if (flags.annotate !== undefined) {
        log.info(
          `wrote ${annotated.size} annotated JPEG copies (NAME.jpg, whatever the input format) to ${flags.annotate}`,
        );
      }
      if (failures > 0) process.exitCode = 1;
    } finally {
      pipeline.dispose();
    }
  });
}
