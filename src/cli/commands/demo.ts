import { join, relative } from 'node:path';

import { Command, Option } from 'commander';

import {
  listLfwPeople,
  lfwFolderFromEnvironment,
  verifyLfw,
} from '../../datasets/lfw';
import { runIdentificationRound } from '../../evaluation/identification-round';
import { createLogger } from '../../log';
import { faceApiSampleFolder } from '../../models/paths';
import type { ImageResult } from '../../output/result';
import { formatResultsTable } from '../../output/table';
import type { FacePipeline, StageTimings } from '../../pipeline';
import { Gallery } from '../../prediction/gallery';
import { Recognizer } from '../../recognizer';
import { runBatch, type BatchItem } from '../batch';
import {
  addPipelineOptions,
  integerAtLeast,
  createPipeline,
  resolveLimits,
  type PipelineFlags,
} from '../context';
import { createOutputFolder } from '../files';
import { Progress } from '../progress';
import { toImageResult, writeAnnotated } from './identify';

const log = createLogger('demo');

/** Number of sample photos `@vladmandic/face-api` ships. */
const SAMPLE_COUNT = 6;

interface DemoFlags extends PipelineFlags {
  enroll: string;
  out: string;
  lfwPeople: number;
  lfw: boolean;
}

function samplePath(index: number): string {
  return join(faceApiSampleFolder(), `sample${index}.jpg`);
}

function formatTimings(items: readonly StageTimings[]): string {
  const stages: (keyof StageTimings)[] = ['decode', 'detect', 'align', 'embed'];
  const count = Math.max(items.length, 1);
  return stages
    .map(
      (stage) =>
        `${stage} ${(items.reduce((sum, t) => sum + t[stage], 0) / count).toFixed(3)} s`,
    )
    .join(', ');
}

async function runSamplePhotos(
  pipeline: FacePipeline,
  flags: DemoFlags,
): Promise<number> {
  const enrollIndex = Number(flags.enroll);
  const limits = resolveLimits(pipeline.model);
  const gallery = new Gallery(pipeline.model, pipeline.embedder.dimension);
  const recognizer = new Recognizer(gallery, { limits });
  const paths = Array.from({ length: SAMPLE_COUNT }, (_, i) =>
    samplePath(i + 1),
  );
  const enrollPath = samplePath(enrollIndex);
  const items: BatchItem[] = [];
  const failures = await runBatch(pipeline, paths, (item) => {
    items.push(item);
  });

  // Enroll everyone in one photo, named left to right.
  const enrollItem = items.find((item) => item.path === enrollPath);
  if (enrollItem === undefined || 'error' in enrollItem) {
    throw new Error(`could not analyse the enrollment photo ${enrollPath}`);
  }
  const people = [...enrollItem.analysis.faces].sort(
    (a, b) => a.box.x - b.box.x,
  );
  people.forEach((face, i) =>
    gallery.add(`person-${i + 1}`, face.embedding, enrollPath),
  );
  process.stdout.write(
    `Enrolled ${people.length} people from ${relative(process.cwd(), enrollPath)} (one photo each, named left to right).\n\n`,
  );

  const results: ImageResult[] = [];
  const annotated = new Set<string>();
  for (const item of items) {
    const result = toImageResult(item, recognizer);
    results.push({
      ...result,
      source: relative(faceApiSampleFolder(), item.path),
    });
    await writeAnnotated(item, result, flags.out, annotated);
  }
  process.stdout.write(`${formatResultsTable(results)}\n\n`);
  const timings = items.flatMap((item) =>
    'error' in item || item.analysis.cached ? [] : [item.analysis.timings],
  );
  if (timings.length > 0)
    process.stdout.write(
      `Seconds per image (${timings.length} uncached): ${formatTimings(timings)}\n`,
    );
  else
    process.stdout.write(
      'Every image came from the embedding cache (pass --no-cache to time the stages).\n',
    );
  process.stdout.write(`Annotated images: ${flags.out}\n`);
  return failures;
}

async function runLfwRound(
  pipeline: FacePipeline,
  folder: string,
  flags: DemoFlags,
): Promise<void> {
  const problems = await verifyLfw(folder);
  for (const problem of problems) log.warn(`LFW at ${folder}: ${problem}`);
  const people = await listLfwPeople(folder);
  let progress: Progress | undefined;
  const result = await runIdentificationRound(pipeline, people, {
    people: flags.lfwPeople,
    threshold: resolveLimits(pipeline.model).threshold,
    onProgress: (_done, total) => {
      progress ??= new Progress('LFW round: analysing photos', total);
      progress.advance();
    },
  });
  process.stdout.write(
    `\nLFW identification round: ${result.enrolled} people enrolled with one photo each, ` +
      `${result.probes} other photos identified.\n` +
      `Rank-1 accuracy: ${(100 * result.rank1).toFixed(1)}% (${result.correct}/${result.probes}); ` +
      `right and within the threshold: ${result.acceptedCorrect}/${result.probes}.\n` +
      `Photos with no detected face: ${result.noFace}; unreadable: ${result.failed}.\n`,
  );
}

/** `facelab demo`: the whole pipeline on the sample photos, and on LFW when available. */
export function demoCommand(): Command {
  const command = new Command('demo')
    .description(
      'run the whole pipeline on the sample photos shipped with face-api: enroll the people of one photo, ' +
        'identify everyone in all of them; with FACELAB_DATASETS set, also an LFW identification round',
    )
    .addOption(
      new Option('--enroll <n>', 'which sample photo to enroll the people of')
        .choices(Array.from({ length: SAMPLE_COUNT }, (_, i) => String(i + 1)))
        .default('1'),
    )
    .option(
      '--out <folder>',
      'where annotated images are written',
      join('facelab-output', 'demo'),
    )
    .option(
      '--lfw-people <count>',
      'people enrolled in the LFW round',
      integerAtLeast(2),
      50,
    )
    .option('--no-lfw', 'skip the LFW round even when FACELAB_DATASETS is set');
  addPipelineOptions(command);
  return command.action(async (flags: DemoFlags) => {
    const lfwFolder = flags.lfw ? lfwFolderFromEnvironment() : undefined;
    await createOutputFolder(command, '--out', flags.out);
    const pipeline = await createPipeline(flags);
    try {
      process.stdout.write(
        `facelab demo: backend ${pipeline.runtime.backend}, detector ${pipeline.detector.name}, embedder ${pipeline.model}\n\n`,
      );
      const failures = await runSamplePhotos(pipeline, flags);
      if (lfwFolder !== undefined)
        await runLfwRound(pipeline, lfwFolder, flags);
      else if (flags.lfw)
        process.stdout.write(
          '\nSet FACELAB_DATASETS to a folder containing lfw/ to add an LFW identification round.\n',
        );
      if (failures > 0) process.exitCode = 1;
    } finally {
      pipeline.dispose();
    }
  });
}
