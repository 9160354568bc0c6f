import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import { Command } from 'commander';

import { lfwFolderFromEnvironment } from '../../datasets/lfw';
import { scoreLfwPairs } from '../../evaluation/lfw-verification';
import { readPairs } from '../../evaluation/pairs';
import {
  addPipelineOptions,
  addWorkersOption,
  createPipeline,
  integerAtLeast,
  type PipelineFlags,
} from '../context';
import { lfwFoldsProblem } from '../lfw-folds';
import { Progress } from '../progress';
import { evalIdentifyCommand } from './eval-identify';

interface EvalLfwFlags extends PipelineFlags {
  pairs?: string;
  folds?: number;
  pairsPerKind?: number;
  out: string;
  workers: number;
}

function percent(value: number): string {
  return `${(100 * value).toFixed(2)}%`;
}

/** `facelab eval`: measurements of the pipeline on labelled data sets. */
export function evalCommand(): Command {
  const command = new Command('eval').description(
    'measure accuracy on a labelled data set',
  );
  const lfw = command
    .command('lfw')
    .description(
      'verification on LFW pairs: k-fold accuracy (the View 2 protocol), ROC, AUC, EER and TAR at fixed FAR',
    )
    .option(
      '--pairs <file>',
      'pairs file (default: lfw/pairs.txt under FACELAB_DATASETS)',
    )
    .option(
      '--folds <count>',
      'cross-validation folds, replacing the pairs file header (at least 2)',
      integerAtLeast(2),
    )
    .option(
      '--pairs-per-kind <count>',
      'score only the first this many matched and mismatched pairs of the file',
      integerAtLeast(1),
    )
    .option(
      '--out <file>',
      'where the JSON result is written',
      join('facelab-output', 'eval-lfw.json'),
    );
  addWorkersOption(lfw);
  addPipelineOptions(lfw);
  lfw.action(async (flags: EvalLfwFlags) => {
    const folder = lfwFolderFromEnvironment();
    if (folder === undefined) {
      lfw.error('error: set FACELAB_DATASETS to the folder that contains lfw/');
    }
    const pairsPath = flags.pairs ?? join(folder!, 'pairs.txt');
    if (!existsSync(pairsPath)) {
      lfw.error(
        `error: pairs file ${pairsPath} not found; pass --pairs with an LFW pairs file such as ${join(folder!, 'pairsDevTest.txt')}`,
      );
    }
    const problem = lfwFoldsProblem(
      readPairs(pairsPath),
      flags.folds,
      flags.pairsPerKind,
    );
    if (problem !== undefined) lfw.error(`error: ${problem}`);
    const pipeline = await createPipeline(flags);
    try {
      let progress: Progress | undefined;
      const result = await scoreLfwPairs(
        pipeline,
        folder!,
        pairsPath,
        (_done, total) => {
          progress ??= new Progress('embedding LFW images', total);
          progress.advance();
        },
        {
          folds: flags.folds,
          workers: flags.workers,
          pairsPerKind: flags.pairsPerKind,
        },
      );
      await mkdir(dirname(flags.out), { recursive: true });
      await writeFile(flags.out, `${JSON.stringify(result)}\n`);
      const lines = [
        `LFW verification: ${result.pairs.length} pairs, ${result.images} images (${result.pairsFile})`,
        `model ${result.model}, detector ${result.detector}, backend ${result.backend}`,
      ];
      const cv = result.crossValidation;
      if (cv !== undefined) {
        lines.push(
          `${cv.folds.length}-fold accuracy: ${percent(cv.mean)} ± ${percent(cv.standardDeviation)}`,
        );
      }
      lines.push(
        `AUC ${result.roc.auc.toFixed(4)}, EER ${percent(result.roc.eer)}, ` +
          `TAR ${percent(result.roc.tarAtFar0001)} at FAR 0.1%, ${percent(result.roc.tarAtFar001)} at FAR 1%`,
        `no face detected in ${result.fallbackImages} images (${result.fallbackPairs} pairs); ` +
          'they were embedded at the mean landmarks of the other images',
        `${result.seconds.toFixed(0)} s; result written to ${flags.out}`,
      );
      process.stdout.write(`${lines.join('\n')}\n`);
    } finally {
      pipeline.dispose();
    }
  });
  command.addCommand(evalIdentifyCommand());
  return command;
}
