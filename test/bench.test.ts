import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

import { describe, expect, it } from 'vitest';

import { FULL_PLAN, QUICK_PLAN } from '../src/benchmarks/plan';
import { QUICK_RUN_NOTE, renderReport } from '../src/benchmarks/report';
import type { BenchmarkResult } from '../src/benchmarks/run';
import { generateEmbeddings } from '../src/benchmarks/search';
import { normalizeL2 } from '../src/embedding/types';
import { lfwFolder } from './helpers/datasets';

const folder = lfwFolder();
const run = promisify(execFile);

describe('generated embeddings', () => {
  const seeds = [
    normalizeL2(Float32Array.from({ length: 128 }, (_, i) => Math.sin(i))),
    normalizeL2(Float32Array.from({ length: 128 }, (_, i) => Math.cos(i))),
  ];

  it('are unit length and repeatable', () => {
    const a = generateEmbeddings(seeds, 10, 0.5);
    const b = generateEmbeddings(seeds, 10, 0.5);
    expect(a).toHaveLength(10);
    for (const [i, vector] of a.entries()) {
      const norm = Math.hypot(...vector);
      expect(norm).toBeCloseTo(1, 5);
      expect(vector).toEqual(b[i]);
    }
  });

  it('lie near their seed at the noise scale', () => {
    const [generated] = generateEmbeddings(seeds, 1, 0.5);
    const distance = Math.hypot(
      ...generated!.map((value, i) => value - seeds[0]![i]!),
    );
    expect(distance).toBeGreaterThan(0.3);
    expect(distance).toBeLessThan(0.7);
  });

  it('rejects an empty seed list', () => {
    expect(() => generateEmbeddings([], 3, 0.5)).toThrow(/no embeddings/);
  });
});

describe('benchmark report', () => {
  const saved = JSON.parse(
    readFileSync(resolve(__dirname, '..', 'docs', 'benchmarks.json'), 'utf8'),
  ) as BenchmarkResult;

  it('marks a quick run once', () => {
    const markdown = renderReport({ ...saved, plan: QUICK_PLAN });

    expect(markdown.split(QUICK_RUN_NOTE)).toHaveLength(2);
    expect(markdown).toContain('## Targets');
  });

  it('leaves a full run unmarked', () => {
    const markdown = renderReport({ ...saved, plan: FULL_PLAN });

    expect(markdown).not.toContain(QUICK_RUN_NOTE);
  });
});

describe.skipIf(!folder)('npm run bench usage errors', () => {
  it.each([
    {
      args: ['--quick', '--max-gallery', '500'],
      message: '--max-gallery 1000 or more',
    },
    { args: ['--quick', '--colour', 'red'], message: "'--colour'" },
    { args: ['--quick', '--only', 'speed'], message: '"speed" is not a part' },
  ])('exit 2 for $args', async ({ args, message }) => {
    const out = mkdtempSync(join(tmpdir(), 'facelab-bench-'));
    const failure = await run(
      process.execPath,
      ['--import', 'tsx', 'scripts/bench.ts', ...args, '--out', out],
      { cwd: resolve(__dirname, '..'), timeout: 60_000 },
    ).then(
      () => undefined,
      (error: unknown) => error as { code?: number; stderr?: string },
    );

    expect(failure, 'bench exited 0').toBeDefined();
    expect(failure!.code).toBe(2);
    expect(failure!.stderr).toContain(message);
  });
});

describe.skipIf(!folder)('npm run bench -- --quick', () => {
  it('writes every table and figure', async () => {
    const out = mkdtempSync(join(tmpdir(), 'facelab-bench-'));
    await run(
      process.execPath,
      ['--import', 'tsx', 'scripts/bench.ts', '--quick', '--out', out],
      {
        cwd: resolve(__dirname, '..'),
        env: { ...process.env, FACELAB_LOG_LEVEL: 'warn' },
        timeout: 600_000,
      },
    );
    const result = JSON.parse(
      readFileSync(join(out, 'benchmarks.json'), 'utf8'),
    ) as BenchmarkResult;
    const markdown = readFileSync(join(out, 'benchmarks.md'), 'utf8');

    // Stage times: every stage of the backend that ran, and a row per backend.
    expect(result.stages.map((s) => s.stage)).toEqual([
      'decode',
      'detect',
      'align',
      'embed',
    ]);
    for (const stage of result.stages) {
      expect(stage.seconds).toBeGreaterThan(0);
    }
    expect(result.stagesByBackend.map((s) => s.backend)).toContain('wasm');
    expect(result.stagesByBackend.map((s) => s.backend)).toContain('cpu');

    // Overhead: both sides found the same faces.
    expect(result.complete).toBe(true);
    expect(result.overhead!.ratio).toBeGreaterThan(0);
    expect(result.overhead!.facelabFaces).toBe(result.overhead!.faceApiFaces);

    // Throughput with one and two workers, and the machine's own scaling,
    // which two threads can at most double.
    expect(result.throughput.map((t) => t.workers)).toEqual([1, 2]);
    for (const point of result.throughput) {
      expect(point.imagesPerSecond).toBeGreaterThan(0);
    }
    expect(result.coreScaling!.speedup).toBeGreaterThan(0.5);
    expect(result.coreScaling!.speedup).toBeLessThan(2.2);

    // Search: exact (SIMD and JavaScript) and HNSW at each size; exact is
    // its own reference. The quick galleries are generated from 20 real
    // embeddings, so their generated entries crowd around few points and
    // HNSW recall drops with size. It must still find the exact result in
    // the smallest gallery.
    const sizes = result.plan.searchSizes;
    expect(result.search).toHaveLength(3 * sizes.length);
    for (const point of result.search) {
      expect(sizes).toContain(point.gallerySize);
      expect(point.msPerQuery).toBeGreaterThan(0);
      if (point.method === 'hnsw') expect(point.recallAt1).toBeGreaterThan(0);
      else expect(point.recallAt1).toBe(1);
    }
    expect(result.searchDetails!.realInGallery).toBeGreaterThan(0);
    const smallest = result.search.find(
      (point) => point.method === 'hnsw' && point.gallerySize === sizes[0],
    );
    expect(smallest!.recallAt1).toBeGreaterThanOrEqual(0.9);

    // Memory: the tensor count stays flat.
    const tensors = result.memory.map((sample) => sample.numTensors);
    expect(result.memory.length).toBeGreaterThanOrEqual(2);
    expect(new Set(tensors).size).toBe(1);

    // Accuracy: one row per detector of the plan with face-api's embedder,
    // then one row per other embedder with MTCNN.
    const rows = result.accuracy.map(
      (point) => `${point.detector} ${point.embedder.split('@')[0]}`,
    );
    expect(rows).toEqual([
      ...result.plan.detectors.map(
        (detector) => `${detector} faceapi-recognition-128`,
      ),
      'mtcnn faceres-1024',
      'mtcnn mobileface-256',
    ]);
    for (const point of result.accuracy) {
      expect(point.accuracy).toBeGreaterThan(0.5);
      expect(point.secondsPerFace).toBeGreaterThan(0);
    }

    for (const heading of [
      '## Targets',
      '## Seconds per stage and backend',
      '## Pipeline overhead',
      '## Batch throughput',
      '## Gallery search against gallery size',
      '## Memory over many images',
      '## Accuracy against time per face',
    ]) {
      expect(markdown).toContain(heading);
    }
    expect(markdown).toContain(result.machine.cpu);
  }, 600_000);
});
