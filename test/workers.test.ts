import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { embedImages } from '../src/evaluation/embed-images';
import { FacePipeline } from '../src/pipeline';
import { analyzeFilesInWorkers } from '../src/workers/pool';
import { lfwFolder, lfwImage } from './helpers/datasets';

const folder = lfwFolder();

describe.skipIf(!folder)('analysis worker pool', () => {
  let pipeline: FacePipeline;
  let paths: string[];

  beforeAll(async () => {
    pipeline = await FacePipeline.create({ cache: false, backend: 'wasm' });
    paths = [
      ['Aaron_Eckhart', 1],
      ['Abdullah_Gul', 1],
      ['Abdullah_Gul', 2],
      ['Colin_Powell', 1],
      ['Colin_Powell', 2],
      ['George_W_Bush', 1],
      ['George_W_Bush', 2],
      ['Serena_Williams', 1],
      ['Serena_Williams', 2],
      ['Tony_Blair', 1],
    ].map(([name, index]) =>
      lfwImage(folder!, name as string, index as number),
    );
  });
  afterAll(() => pipeline.dispose());

  it('two workers equal one thread', async () => {
    const single = await embedImages(pipeline, paths);
    let progressCalls = 0;
    const parallel = await embedImages(pipeline, paths, { workers: 2 }, () => {
      progressCalls++;
    });

    expect(progressCalls).toBe(paths.length);
    expect(parallel.fallback).toEqual(single.fallback);
    expect(parallel.embeddings.size).toBe(paths.length);
    for (const path of paths) {
      const a = single.embeddings.get(path)!;
      const b = parallel.embeddings.get(path)!;
      expect(b).toBeInstanceOf(Float32Array);
      expect(b.length).toBe(a.length);
      const largest = Math.max(...a.map((value, i) => Math.abs(value - b[i]!)));
      expect(largest, path).toBeLessThan(1e-5);
    }
  });

  it('reports a bad file and goes on', async () => {
    const bad = join(
      mkdtempSync(join(tmpdir(), 'facelab-workers-')),
      'bad.jpg',
    );
    writeFileSync(bad, 'not an image');
    const results = await analyzeFilesInWorkers(
      [paths[0]!, bad, paths[1]!],
      pipeline.options,
      2,
    );

    expect(results).toHaveLength(3);
    expect(results[0]).toHaveProperty('analysis');
    expect(results[1]).toHaveProperty('error');
    const failed = results[1] as { error: string };
    expect(failed.error).toContain('bad.jpg');
    expect(results[2]).toHaveProperty('analysis');
  });

  it('rejects when workers cannot load the pipeline', async () => {
    await expect(
      analyzeFilesInWorkers(
        paths.slice(0, 2),
        { ...pipeline.options, detectionMaxSide: 1 },
        2,
      ),
    ).rejects.toThrow(/could not load the pipeline.*detectionMaxSide/);
  });
});
