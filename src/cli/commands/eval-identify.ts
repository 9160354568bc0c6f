import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import { Command, InvalidArgumentError, Option } from 'commander';

import { lfwFolderFromEnvironment, listLfwPeople } from '../../datasets/lfw';
import {
  evaluateIdentification,
  type IdentifyEvaluationResult,
} from '../../evaluation/identify-evaluation';
import type { OpenSetPoint } from '../../evaluation/open-set';
import { readPairs } from '../../evaluation/pairs';
import {
  addPipelineOptions,
  addWorkersOption,
  createPipeline,
  integerAtLeast,
  parseDecimal,
  parseThreshold,
  resolveLimits,
  type PipelineFlags,
} from '../context';
import { Progress } from '../progress';

interface EvalIdentifyFlags extends PipelineFlags {
  sizes: (number | 'all')[];
  probePeople?: number;
  probes: number;
  shots: number;
  shotPeople?: number;
  openSetPeople?: number;
  robustnessPairs: number;
  seed: number;
  threshold?: number;
  out: string;
  workers: number;
}

function parseSizes(text: string): (number | 'all')[] {
  const sizes = text.split(',').map((field) => field.trim());
  return sizes.map((size) => {
    if (size === 'all') return 'all';
    const value = parseDecimal(size);
    if (!(Number.isInteger(value) && value >= 1)) {
      throw new InvalidArgumentError(
        `Expected a comma-separated list of positive integers or "all", got "${size}".`,
      );
    }
    return value;
  });
}

function percent(value: number): string {
  return `${(100 * value).toFixed(2)}%`;
}

/** `facelab eval identify`: identification accuracy on LFW people. */
export function evalIdentifyCommand(): Command {
  const command = new Command('identify')
    .description(
      'identification on LFW: rank-1 against gallery size and enrolled photos, open-set error rates, prediction algorithms, robustness and look-alikes',
    )
    .addOption(
      new Option(
        '--sizes <list>',
        'gallery sizes, comma-separated; "all" is every person with two photos',
      )
        .argParser(parseSizes)
        .default([10, 100, 1000, 'all'], '10,100,1000,all'),
    )
    .option(
      '--probe-people <count>',
      'people probed in the gallery-size test; larger galleries are filled with one photo of other people (default: all)',
      integerAtLeast(1),
    )
    .option(
      '--probes <count>',
      'maximum probe photos per person',
      integerAtLeast(1),
      3,
    )
    .option(
      '--shots <count>',
      'largest number of enrolled photos per person in the shots test',
      integerAtLeast(1),
      5,
    )
    .option(
      '--shot-people <count>',
      'people in the shots test and the algorithm comparison (default: all with more photos than --shots)',
      integerAtLeast(1),
    )
    .option(
      '--open-set-people <count>',
      'people in the open-set test, half of them enrolled (default: all with two photos)',
      integerAtLeast(2),
    )
    .option(
      '--robustness-pairs <count>',
      'matched and as many mismatched View 1 test pairs degraded by the robustness sweep; 0 skips it',
      integerAtLeast(0),
      25,
    )
    .option(
      '--seed <number>',
      'seed of the random order of people',
      integerAtLeast(0),
      1,
    )
    .option(
      '--threshold <distance>',
      'unknown threshold reported in the open-set test and used by the robustness sweep, above 0 and at most 2 (default: the model calibration)',
      parseThreshold,
    )
    .option(
      '--out <file>',
      'where the JSON result is written',
      join('facelab-output', 'eval-identify.json'),
    );
  addWorkersOption(command);
  addPipelineOptions(command);
  command.action(async (flags: EvalIdentifyFlags) => {
    const folder = lfwFolderFromEnvironment();
    if (folder === undefined) {
      command.error(
        'error: set FACELAB_DATASETS to the folder that contains lfw/',
      );
    }
    const people = await listLfwPeople(folder!);
    const withTwo = people.filter((person) => person.images.length >= 2).length;
    const sizes = flags.sizes.map((size) => (size === 'all' ? withTwo : size));
    const tooLarge = sizes.find((size) => size > people.length);
    if (tooLarge !== undefined) {
      command.error(
        `error: option '--sizes': ${tooLarge} is larger than the ${people.length} people in ${folder}`,
      );
    }
    const robustnessPairs =
      flags.robustnessPairs === 0
        ? []
        : (() => {
            const { pairs } = readPairs(join(folder!, 'pairsDevTest.txt'));
            return [
              ...pairs
                .filter((pair) => pair.same)
                .slice(0, flags.robustnessPairs),
              ...pairs
                .filter((pair) => !pair.same)
                .slice(0, flags.robustnessPairs),
            ];
          })();

    const pipeline = await createPipeline(flags);
    try {
      const progress = new Map<string, Progress>();
      const result = await evaluateIdentification(pipeline, folder!, people, {
        sizes,
        probesPerPerson: flags.probes,
        maxShots: flags.shots,
        seed: flags.seed,
        threshold: resolveLimits(pipeline.model, flags.threshold).threshold,
        robustnessPairs,
        workers: flags.workers,
        ...(flags.probePeople !== undefined && {
          probePeople: flags.probePeople,
        }),
        ...(flags.shotPeople !== undefined && { shotPeople: flags.shotPeople }),
        ...(flags.openSetPeople !== undefined && {
          openSetPeople: flags.openSetPeople,
        }),
        onProgress: (stage, _done, total) => {
          if (!progress.has(stage))
            progress.set(stage, new Progress(`${stage} LFW images`, total));
          progress.get(stage)!.advance();
        },
      });
      await mkdir(dirname(flags.out), { recursive: true });
      await writeFile(flags.out, `${JSON.stringify(result)}\n`);
      process.stdout.write(`${summaryLines(result).join('\n')}\n`);
      process.stdout.write(
        `${result.seconds.toFixed(0)} s; result written to ${flags.out}\n`,
      );
    } finally {
      pipeline.dispose();
    }
  });
  return command;
}

function summaryLines(result: IdentifyEvaluationResult): string[] {
  const open = result.openSetSummary;
  const rates = (point: OpenSetPoint) =>
    `threshold ${point.threshold.toFixed(3)}: FAR ${percent(point.falseAcceptRate)}, FRR ${percent(point.falseRejectRate)}`;
  return [
    `LFW identification: ${result.images} images (${result.fallbackImages} with no detected face), model ${result.model}, detector ${result.detector}, backend ${result.backend}`,
    'rank-1 against gallery size:',
    ...result.gallerySize.map(
      (point) =>
        `  ${String(point.gallerySize).padStart(5)} people: ${percent(point.rank1)} of ${point.probes} probes`,
    ),
    `rank-1 against enrolled photos per person (${result.shots[0]?.people ?? 0} people):`,
    ...result.shots.map(
      (point) =>
        `  ${point.shots} shot${point.shots === 1 ? ' ' : 's'}: ${percent(point.rank1)} of ${point.probes} probes`,
    ),
    'algorithms on the split with the most shots:',
    ...result.algorithms.map(
      (row) =>
        `  ${row.algorithm.padEnd(22)} ${percent(row.rank1)}, training ${row.trainSeconds.toFixed(2)} s, ${row.msPerProbe.toFixed(3)} ms per probe`,
    ),
    `open set (${open.enrolledPeople} enrolled, ${open.strangerPeople} not enrolled):`,
    `  best ${rates(open.best)}`,
    `  model ${rates(open.atModelThreshold)}`,
    ...(result.robustness.length > 0
      ? [
          'robustness (accuracy at the model threshold, mean genuine distance):',
          ...result.robustness
            .filter((point) => point.severity > 0)
            .map(
              (point) =>
                `  ${point.kind.padEnd(16)} ${point.label.padEnd(14)} ${percent(point.accuracy)}, ${point.meanGenuineDistance.toFixed(3)}`,
            ),
        ]
      : []),
  ];
}
