/** Renders a {@link BenchmarkResult} as the Markdown page `docs/benchmarks.md`. */
import { DEFAULT_HNSW_SETTINGS } from '../prediction/hnsw-index';
import type { BenchmarkResult } from './run';
import { TARGET_RECALL } from './search';

/** Goals of the benchmark, checked in the report. */
export const TARGETS = {
  maxOverheadRatio: 1.05,
  minTwoWorkerSpeedup: 1.8,
  maxExactMsAt100k: 10,
  minHnswRecallAt1M: 0.99,
  maxHnswMsAt1M: 0.2,
  maxFullMinutes: 10,
  maxQuickMinutes: 1,
} as const;

function table(header: readonly string[], rows: readonly string[][]): string {
  const lines = [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ];
  return lines.join('\n');
}

const fixed = (value: number, digits: number): string =>
  Number.isFinite(value) ? value.toFixed(digits) : 'n/a';

/** Returns a section whose part did not run, because the run was stopped before it. */
function notRun(heading: string): string {
  return `${heading}\n\nNot measured: the run stopped before this part.`;
}

function verdict(met: boolean | undefined): string {
  if (met === undefined) return 'not measured';
  return met ? 'met' : 'not met';
}

function stagesSection(result: BenchmarkResult): string {
  if (result.stagesByBackend.length === 0) {
    return notRun('## Seconds per stage and backend');
  }
  const rows = result.stagesByBackend.map((entry) => {
    if (entry.unavailable !== undefined) {
      return [entry.backend, '0', 'not installed', '', '', '', ''];
    }
    const seconds = (name: string): number =>
      entry.stages.find((stage) => stage.stage === name)?.seconds ?? 0;
    const total = entry.stages.reduce((sum, stage) => sum + stage.seconds, 0);
    return [
      entry.backend,
      String(entry.images),
      ...['decode', 'detect', 'align', 'embed'].map((name) =>
        fixed(seconds(name), 4),
      ),
      fixed(total, 4),
    ];
  });
  const skipped = result.stagesByBackend
    .filter((entry) => entry.unavailable !== undefined)
    .map((entry) => `- ${entry.backend}: ${entry.unavailable}`);
  return [
    '## Seconds per stage and backend',
    '',
    'MTCNN detection and the 128-d face-api embedder, cache off, one worker ' +
      'thread per backend, one untimed warm-up image per backend. Seconds per ' +
      'image (LFW images are 250x250 with one face).',
    '',
    table(
      ['backend', 'images', 'decode', 'detect', 'align', 'embed', 'total'],
      rows,
    ),
    ...(skipped.length > 0
      ? ['', 'Backends that did not load, with the reason:', '', ...skipped]
      : []),
  ].join('\n');
}

function overheadSection(result: BenchmarkResult): string {
  const o = result.overhead;
  if (o === undefined) return notRun('## Pipeline overhead');
  return [
    '## Pipeline overhead',
    '',
    `facelab's \`FacePipeline.analyzeFile\` with the SSD detector against ` +
      "face-api's `detectAllFaces(ssd).withFaceLandmarks().withFaceDescriptors()` " +
      `on the same ${o.images} images, ${o.rounds} rounds, alternating which ` +
      `runs first, in one process on ${result.backend}. Both decode the file.`,
    '',
    table(
      ['', 'seconds per image', 'faces per round'],
      [
        ['facelab', fixed(o.facelabSeconds, 4), fixed(o.facelabFaces, 0)],
        [
          'face-api directly',
          fixed(o.faceApiSeconds, 4),
          fixed(o.faceApiFaces, 0),
        ],
        ['ratio', fixed(o.ratio, 3), ''],
      ],
    ),
  ].join('\n');
}

function throughputSection(result: BenchmarkResult): string {
  if (result.throughput.length === 0) return notRun('## Batch throughput');
  const base = result.throughput[0]?.imagesPerSecond ?? Number.NaN;
  return [
    '## Batch throughput',
    '',
    'MTCNN and the 128-d embedder on LFW images, cache off. The rate counts ' +
      'from the first images finished to the last, so it leaves out the ' +
      'start-up, in which each worker loads its own models.',
    '',
    table(
      ['workers', 'images', 'images per second', 'speed-up', 'start-up (s)'],
      result.throughput.map((point) => [
        String(point.workers),
        String(point.images),
        fixed(point.imagesPerSecond, 2),
        fixed(point.imagesPerSecond / base, 2),
        fixed(point.startupSeconds, 1),
      ]),
    ),
    ...(result.coreScaling === undefined
      ? []
      : [
          '',
          'For comparison, the machine itself: a loop of arithmetic that ' +
            'touches no memory took ' +
            `${fixed(result.coreScaling.oneThreadSeconds, 2)} s on one worker ` +
            `thread and ${fixed(result.coreScaling.twoThreadsSeconds, 2)} s ` +
            'for twice the work on two, a speed-up of ' +
            `${fixed(result.coreScaling.speedup, 2)}x.`,
        ]),
  ].join('\n');
}

function searchSection(result: BenchmarkResult): string {
  const details = result.searchDetails;
  if (details === undefined) {
    return notRun('## Gallery search against gallery size');
  }
  const sizes = [...new Set(result.search.map((point) => point.gallerySize))];
  const rows = sizes.map((size) => {
    const exact = result.search.find(
      (p) => p.method === 'exact' && p.gallerySize === size,
    );
    const exactJs = result.search.find(
      (p) => p.method === 'exact-js' && p.gallerySize === size,
    );
    const hnsw = result.search.find(
      (p) => p.method === 'hnsw' && p.gallerySize === size,
    );
    const build = details.sweep.find((p) => p.gallerySize === size);
    return [
      size.toLocaleString('en-US'),
      fixed(exact?.msPerQuery ?? Number.NaN, 3),
      fixed(exactJs?.msPerQuery ?? Number.NaN, 3),
      String(hnsw?.efSearch ?? 'n/a'),
      fixed(hnsw?.msPerQuery ?? Number.NaN, 3),
      fixed(hnsw?.recallAt1 ?? Number.NaN, 3),
      build?.fromCache
        ? `${fixed(build.buildSeconds, 1)} (read from cache)`
        : fixed(build?.buildSeconds ?? Number.NaN, 1),
    ];
  });
  const plan = result.plan;
  return [
    '## Gallery search against gallery size',
    '',
    `Queries: ${plan.searchQueries} real LFW embeddings (128-d, MTCNN), ` +
      `of which the first ${plan.exactQueryLimit} are timed, never in the ` +
      `gallery. Galleries: ${details.realInGallery.toLocaleString('en-US')} ` +
      'other real LFW embeddings, then generated ones: a real embedding plus ' +
      `Gaussian noise of ${details.noise} / sqrt(128) per value, scaled back to unit ` +
      'length. A generated embedding lies at a mean L2 distance of ' +
      `${fixed(details.meanGeneratedDistance, 3)} from the real one it came ` +
      'from; for comparison, this model calls two photos the same person ' +
      'below 0.417 (its calibrated threshold). ' +
      'Recall@1 is the fraction of queries for which HNSW returns the entry ' +
      'that exact search returns. HNSW: `hnswlib-node`, M = ' +
      `${DEFAULT_HNSW_SETTINGS.links} links, efConstruction ` +
      `${DEFAULT_HNSW_SETTINGS.efConstruction}, built and searched on one ` +
      'thread; each HNSW time is the median of five rounds of the timed ' +
      'queries. The main table shows, at each size, the smallest efSearch of ' +
      `the sweep below that reaches recall@1 ${TARGET_RECALL}, or the largest ` +
      'when none does. Exact search scans the same rows with WebAssembly ' +
      'SIMD dot products (the gallery default) and, for comparison, in plain ' +
      'JavaScript. Graphs are kept in the cache folder, so a later run with ' +
      'the same vectors reads them instead of building them again.',
    '',
    table(
      [
        'gallery size',
        'exact, SIMD (ms/query)',
        'exact, JavaScript (ms/query)',
        'HNSW efSearch',
        'HNSW (ms/query)',
        'HNSW recall@1',
        'HNSW build (s)',
      ],
      rows,
    ),
    '',
    'HNSW with every efSearch of the sweep (larger: slower, higher recall):',
    '',
    table(
      ['gallery size', 'efSearch', 'ms/query', 'recall@1'],
      details.sweep.map((p) => [
        p.gallerySize.toLocaleString('en-US'),
        String(p.efSearch),
        fixed(p.msPerQuery, 3),
        fixed(p.recallAt1, 3),
      ]),
    ),
  ].join('\n');
}

function memorySection(result: BenchmarkResult): string {
  if (result.memory.length === 0) return notRun('## Memory over many images');
  return [
    '## Memory over many images',
    '',
    `MTCNN and the 128-d embedder in one process on ${result.backend}, cache ` +
      'off. `numTensors` is `tf.memory().numTensors`; RSS and heap come from ' +
      '`process.memoryUsage()`.',
    '',
    table(
      ['images', 'numTensors', 'RSS (MB)', 'heap used (MB)'],
      result.memory.map((sample) => [
        String(sample.images),
        String(sample.numTensors),
        fixed(sample.rssMb, 0),
        fixed(sample.heapUsedMb, 0),
      ]),
    ),
  ].join('\n');
}

function accuracySection(result: BenchmarkResult): string {
  if (result.accuracy.length === 0) {
    return notRun('## Accuracy against time per face');
  }
  const plan = result.plan;
  return [
    '## Accuracy against time per face',
    '',
    "Each detector with face-api's embedder, then each other embedder with " +
      'MTCNN. LFW View 1 test pairs: the first ' +
      `${plan.accuracyPairsPerKind} matched and ` +
      `${plan.accuracyPairsPerKind} mismatched pairs in ${plan.accuracyFolds} ` +
      "folds; accuracy is the mean of the k-fold protocol (each fold's " +
      'threshold chosen on the others). Time per face: detection, alignment ' +
      `and embedding of ${plan.accuracyTimedImages} images, cache off.`,
    '',
    table(
      [
        'detector',
        'embedder',
        'pairs',
        'accuracy',
        'AUC',
        'seconds per face',
        'no face found',
      ],
      result.accuracy.map((point) => [
        point.detector,
        `\`${point.embedder}\``,
        String(point.pairs),
        `${fixed(100 * point.accuracy, 1)}%`,
        fixed(point.auc, 4),
        fixed(point.secondsPerFace, 4),
        String(point.fallbackImages),
      ]),
    ),
  ].join('\n');
}

/** Checks each target against the measurements; undefined where a size was not run. */
export function checkTargets(
  result: BenchmarkResult,
): { target: string; measured: string; met: boolean | undefined }[] {
  const at = (method: string, size: number) =>
    result.search.find((p) => p.method === method && p.gallerySize === size);
  const one = result.throughput.find((p) => p.workers === 1);
  const two = result.throughput.find((p) => p.workers === 2);
  const speedup =
    one && two ? two.imagesPerSecond / one.imagesPerSecond : Number.NaN;
  const exact100k = at('exact', 100_000);
  const hnsw1m = at('hnsw', 1_000_000);
  const totalSeconds = result.parts.reduce((sum, run) => sum + run.seconds, 0);
  const limit =
    result.plan.name === 'full'
      ? TARGETS.maxFullMinutes
      : TARGETS.maxQuickMinutes;
  const tensors = result.memory.map((sample) => sample.numTensors);
  const ratio = result.overhead?.ratio ?? Number.NaN;
  return [
    {
      target: `overhead ratio at most ${TARGETS.maxOverheadRatio}`,
      measured: fixed(ratio, 3),
      met: Number.isFinite(ratio)
        ? ratio <= TARGETS.maxOverheadRatio
        : undefined,
    },
    {
      target: `2 workers at least ${TARGETS.minTwoWorkerSpeedup}x of 1`,
      measured: `${fixed(speedup, 2)}x`,
      met: Number.isFinite(speedup)
        ? speedup >= TARGETS.minTwoWorkerSpeedup
        : undefined,
    },
    {
      target: `exact search at 100,000 under ${TARGETS.maxExactMsAt100k} ms`,
      measured: exact100k ? `${fixed(exact100k.msPerQuery, 2)} ms` : 'n/a',
      met: exact100k && exact100k.msPerQuery < TARGETS.maxExactMsAt100k,
    },
    {
      target: `HNSW at 1,000,000: recall@1 at least ${TARGETS.minHnswRecallAt1M}`,
      measured: hnsw1m ? fixed(hnsw1m.recallAt1, 3) : 'n/a',
      met: hnsw1m && hnsw1m.recallAt1 >= TARGETS.minHnswRecallAt1M,
    },
    {
      target: `HNSW at 1,000,000: under ${TARGETS.maxHnswMsAt1M} ms per query`,
      measured: hnsw1m ? `${fixed(hnsw1m.msPerQuery, 3)} ms` : 'n/a',
      met: hnsw1m && hnsw1m.msPerQuery < TARGETS.maxHnswMsAt1M,
    },
    {
      target: 'numTensors flat over the memory run',
      measured:
        tensors.length > 0
          ? `${Math.min(...tensors)} to ${Math.max(...tensors)} over ${result.memory.at(-1)!.images} images`
          : 'n/a',
      met:
        tensors.length > 0
          ? Math.min(...tensors) === Math.max(...tensors)
          : undefined,
    },
    {
      target: `${result.plan.name} benchmark under ${limit} minutes`,
      measured: `${fixed(totalSeconds / 60, 1)} min`,
      met: result.complete ? totalSeconds / 60 < limit : undefined,
    },
  ];
}

/** Sentence under the targets of a quick run, whose verdicts measure nothing. */
export const QUICK_RUN_NOTE =
  'This was a quick run (`--quick`): it checks that the code works on a few ' +
  'images, so its numbers do not measure the targets above. Run ' +
  '`npm run bench` without `--quick` to measure them.';

/**
 * Renders the report. `notes` is Markdown placed after the targets, for
 * explanations of missed targets that need measurements beyond these tables.
 */
export function renderReport(result: BenchmarkResult, notes = ''): string {
  const m = result.machine;
  const targets = checkTargets(result);
  return [
    '# Benchmarks',
    '',
    `Last command: \`${result.command}\` (${result.plan.name} plan), ` +
      `started ${m.date}. Each part below ran at the time shown; the load ` +
      'average is the 1-minute `os.loadavg()` at its start and end, and ' +
      '"CPU s per s" the CPU time of the benchmark process per second of ' +
      'wall-clock time (n/a: not recorded by that run).',
    '',
    table(
      ['part', 'started (UTC)', 'seconds', 'load average', 'CPU s per s'],
      result.parts.map((run) => [
        run.part,
        run.startedAt.slice(0, 19).replace('T', ' '),
        fixed(run.seconds, 0),
        run.loadAverage.map((value) => value.toFixed(1)).join(' to '),
        fixed(run.cpuPerWallSecond ?? Number.NaN, 2),
      ]),
    ),
    '',
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB memory, ` +
      `${m.platform}, Node.js ${m.node}. A load average above the number ` +
      'of cores means other jobs shared the machine and slowed every time ' +
      'measured then. Main-thread backend: ' +
      `${result.backend}. Every figure is also in \`benchmarks.json\`.`,
    '',
    '## Targets',
    '',
    table(
      ['target', 'measured', 'result'],
      targets.map((t) => [t.target, t.measured, verdict(t.met)]),
    ),
    ...(result.plan.name === 'quick' ? ['', QUICK_RUN_NOTE] : []),
    ...(notes.trim() !== '' ? ['', notes.trim()] : []),
    '',
    stagesSection(result),
    '',
    overheadSection(result),
    '',
    throughputSection(result),
    '',
    searchSection(result),
    '',
    memorySection(result),
    '',
    accuracySection(result),
    '',
  ].join('\n');
}
