import { mkdir, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';

import { Command } from 'commander';

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
import { expandImagePaths } from '../files';

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

/** Turns a batch item into a result, labelling its faces. */
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
    faces: analysis.faces.map((face) => recognizer.identify(face)),
  };
}

/** Writes an annotated copy of an image into `folder`, named after the input. */
export async function writeAnnotated(
  item: BatchItem,
  result: ImageResult,
  folder: string,
): Promise<string | undefined> {
  if ('error' in item) return undefined;
  await mkdir(folder, { recursive: true });
  const name = `${basename(item.path, extname(item.path))}.jpg`;
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
      'write copies of the images with boxes, landmarks and names',
    );
  addPipelineOptions(command);
  addPredictionOptions(command);
  return command.action(async (images: string[], flags: IdentifyFlags) => {
    const pipeline = await createPipeline(flags);
    try {
      const gallery = await openGallery(flags.gallery, pipeline);
      const recognizer = createRecognizer(gallery, flags);
      const results: ImageResult[] = [];
      const failures = await runBatch(
        pipeline,
        await expandImagePaths(images),
        async (item) => {
          const result = toImageResult(item, recognizer);
          results.push(result);
          if (flags.annotate !== undefined)
            await writeAnnotated(item, result, flags.annotate);
        },
      );
      process.stdout.write(
        `${flags.json ? resultsToJson(results) : formatResultsTable(results)}\n`,
      );
      if (failures > 0) process.exitCode = 1;
    } finally {
      pipeline.dispose();
    }
  });
}
