import { join } from 'node:path';

import { Command } from 'commander';

import { writeSlideFigures } from '../../plots/slides';
import {
  addPipelineOptions,
  pipelineOptions,
  type PipelineFlags,
} from '../context';

interface FiguresFlags extends PipelineFlags {
  out: string;
  evalLfw: string;
  evalIdentify: string;
  benchmarks: string;
}

/** `facelab figures`: regenerates every slide figure into one folder. */
export function figuresCommand(): Command {
  const command = new Command('figures')
    .description(
      'regenerate every figure the slides use, as PNG files, into one folder',
    )
    .option('--out <dir>', 'output folder', join('slides', 'figures'))
    .option(
      '--eval-lfw <file>',
      'result of facelab eval lfw; when missing, the LFW View 1 test pairs are scored',
      join('facelab-output', 'eval-lfw.json'),
    )
    .option(
      '--eval-identify <file>',
      'result of facelab eval identify, for rank-1 and robustness figures',
      join('facelab-output', 'eval-identify.json'),
    )
    .option(
      '--benchmarks <file>',
      'result of npm run bench, for the search time figure',
      join('docs', 'benchmarks.json'),
    );
  addPipelineOptions(command);
  command.action(async (flags: FiguresFlags) => {
    const report = await writeSlideFigures({
      out: flags.out,
      evalLfwPath: flags.evalLfw,
      evalIdentifyPath: flags.evalIdentify,
      benchmarksPath: flags.benchmarks,
      pipeline: { ...pipelineOptions(flags), landmarks68: false },
    });
    const lines = [
      `wrote ${report.written.length} figures to ${flags.out}`,
      ...report.skipped.map((skip) => `skipped ${skip.file}: ${skip.reason}`),
      ...report.projections.map(
        (quality) =>
          `${quality.method} layout: silhouette ${quality.silhouette.toFixed(3)}, 5-NN accuracy ${(100 * quality.knnAccuracy).toFixed(1)}%`,
      ),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  });
  return command;
}
