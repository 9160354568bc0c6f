/**
 * `npm run bench`: measures stage times per backend, the pipeline's
 * overhead over face-api, worker throughput, gallery search, memory and
 * accuracy, and writes `benchmarks.md` and `benchmarks.json`.
 *
 * Usage: npm run bench -- [--quick] [--out FOLDER] [--notes FILE] [--render]
 *                         [--only PART,...] [--max-gallery ENTRIES]
 *   --quick        a run of about a minute on a few images (used by the tests)
 *   --out          folder of the two files (default docs, or
 *                  facelab-output/bench with --quick, so that a quick run
 *                  never replaces the published results)
 *   --notes        Markdown added after the targets, to explain missed targets
 *   --render       measure nothing: rewrite benchmarks.md from benchmarks.json
 *   --only         run these parts and keep the others from benchmarks.json
 *                  (parts: stages, overhead, throughput, search, accuracy, memory)
 *   --max-gallery  leave out search sizes above this many entries
 * Needs FACELAB_DATASETS (the folder that contains lfw/).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { FULL_PLAN, QUICK_PLAN } from '../src/benchmarks/plan';
import { renderReport } from '../src/benchmarks/report';
import {
  BENCHMARK_PARTS,
  runBenchmark,
  type BenchmarkPart,
  type BenchmarkResult,
} from '../src/benchmarks/run';
import { lfwFolderFromEnvironment } from '../src/datasets/lfw';
import { defaultCacheFolder } from '../src/embedding/cache';

/** Invalid command-line usage, which exits with code 2 as the facelab CLI does. */
class UsageError extends Error {}

/** Parses the `--only` list; undefined runs every part. */
function parseParts(list: string | undefined): Set<BenchmarkPart> | undefined {
  if (list === undefined) return undefined;
  const parts = list.split(',').map((part) => part.trim());
  for (const part of parts) {
    if (!(BENCHMARK_PARTS as readonly string[]).includes(part)) {
      throw new UsageError(
        `--only: "${part}" is not a part; use a comma-separated list of ${BENCHMARK_PARTS.join(', ')}`,
      );
    }
  }
  return new Set(parts as BenchmarkPart[]);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      out: { type: 'string' },
      notes: { type: 'string' },
      render: { type: 'boolean', default: false },
      only: { type: 'string' },
      'max-gallery': { type: 'string' },
    },
  });
  const notes =
    values.notes === undefined ? '' : readFileSync(values.notes, 'utf8');
  const out =
    values.out ?? (values.quick ? join('facelab-output', 'bench') : 'docs');
  const jsonPath = join(out, 'benchmarks.json');
  const markdownPath = join(out, 'benchmarks.md');
  if (values.render) {
    const saved = JSON.parse(readFileSync(jsonPath, 'utf8')) as BenchmarkResult;
    writeFileSync(markdownPath, renderReport(saved, notes));
    process.stderr.write(`rewrote ${markdownPath} from ${jsonPath}\n`);
    return;
  }
  const only = parseParts(values.only);
  const basePlan = values.quick ? QUICK_PLAN : FULL_PLAN;
  const maxGallery = Number(values['max-gallery'] ?? Infinity);
  if (!(maxGallery > 0)) {
    throw new UsageError(
      `--max-gallery must be a positive number of entries, got ${values['max-gallery']}`,
    );
  }
  const plan = {
    ...basePlan,
    searchSizes: basePlan.searchSizes.filter((size) => size <= maxGallery),
  };
  if (plan.searchSizes.length === 0 && (only?.has('search') ?? true)) {
    throw new UsageError(
      `--max-gallery ${values['max-gallery']} leaves no gallery size to search; ` +
        `the ${basePlan.name} plan searches ${basePlan.searchSizes.join(', ')} entries, ` +
        `so pass --max-gallery ${basePlan.searchSizes[0]} or more, ` +
        `or leave search out with --only ${BENCHMARK_PARTS.filter((part) => part !== 'search').join(',')}`,
    );
  }
  const folder = lfwFolderFromEnvironment();
  if (folder === undefined) {
    throw new UsageError(
      'FACELAB_DATASETS is not set; set it to the folder that contains lfw/',
    );
  }
  const command = `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim();
  mkdirSync(out, { recursive: true });
  // Both files are rewritten after each part, so a stopped run keeps its figures.
  const save = (result: BenchmarkResult): void => {
    writeFileSync(jsonPath, `${JSON.stringify(result, null, 2)}\n`);
    writeFileSync(markdownPath, renderReport(result, notes));
  };
  if (only !== undefined && !existsSync(jsonPath)) {
    throw new UsageError(
      `--only keeps the other parts from ${jsonPath}, which does not exist; ` +
        'run the whole benchmark first, or give --out a folder that has one',
    );
  }
  await runBenchmark(plan, folder, defaultCacheFolder(), command, {
    onPart: save,
    ...(only !== undefined && {
      only,
      previous: JSON.parse(readFileSync(jsonPath, 'utf8')) as BenchmarkResult,
    }),
  });
  process.stderr.write(`wrote ${markdownPath} and ${jsonPath}\n`);
}

/** Returns whether `parseArgs` rejected the command line, for example for an unknown option. */
function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exitCode =
    error instanceof UsageError || isParseArgsError(error) ? 2 : 1;
});
