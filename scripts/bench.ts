/**
 * `npm run bench`: measures stage times per backend, the pipeline's
 * overhead over face-api, worker throughput, gallery search, memory and
 * accuracy, and writes `benchmarks.md` and `benchmarks.json`.
 *
 * Usage: npm run bench -- [--quick] [--out FOLDER] [--notes FILE] [--render]
 *   --quick   a run of about a minute on a few images (used by the tests)
 *   --out     folder of the two files (default docs)
 *   --notes   Markdown added after the targets, to explain missed targets
 *   --render  measure nothing: rewrite benchmarks.md from benchmarks.json
 * Needs FACELAB_DATASETS (the folder that contains lfw/).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { FULL_PLAN, QUICK_PLAN } from '../src/benchmarks/plan';
import { renderReport } from '../src/benchmarks/report';
import { runBenchmark, type BenchmarkResult } from '../src/benchmarks/run';
import { lfwFolderFromEnvironment } from '../src/datasets/lfw';
import { defaultCacheFolder } from '../src/embedding/cache';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      out: { type: 'string', default: 'docs' },
      notes: { type: 'string' },
      render: { type: 'boolean', default: false },
    },
  });
  const notes =
    values.notes === undefined ? '' : readFileSync(values.notes, 'utf8');
  const jsonPath = join(values.out, 'benchmarks.json');
  const markdownPath = join(values.out, 'benchmarks.md');
  if (values.render) {
    const saved = JSON.parse(readFileSync(jsonPath, 'utf8')) as BenchmarkResult;
    writeFileSync(markdownPath, renderReport(saved, notes));
    process.stderr.write(`rewrote ${markdownPath} from ${jsonPath}\n`);
    return;
  }
  const folder = lfwFolderFromEnvironment();
  if (folder === undefined) {
    throw new Error(
      'FACELAB_DATASETS is not set; set it to the folder that contains lfw/',
    );
  }
  const command = `npm run bench${values.quick ? ' -- --quick' : ''}`;
  mkdirSync(values.out, { recursive: true });
  // Both files are rewritten after each part, so a stopped run keeps its figures.
  const save = (result: BenchmarkResult): void => {
    writeFileSync(jsonPath, `${JSON.stringify(result, null, 2)}\n`);
    writeFileSync(markdownPath, renderReport(result, notes));
  };
  await runBenchmark(
    values.quick ? QUICK_PLAN : FULL_PLAN,
    folder,
    defaultCacheFolder(),
    command,
    save,
  );
  process.stderr.write(`wrote ${markdownPath} and ${jsonPath}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exitCode = 1;
});
