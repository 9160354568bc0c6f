import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { scoreLfwPairs } from '../src/evaluation/lfw-verification';
import { FacePipeline } from '../src/pipeline';
import { lfwFolder } from './helpers/datasets';

const folder = lfwFolder();

describe.skipIf(!folder)('LFW verification', () => {
  let pipeline: FacePipeline;

  beforeAll(async () => {
    pipeline = await FacePipeline.create({ cache: false });
  });
  afterAll(() => pipeline.dispose());

  it('scores a View 1 subset accurately', async () => {
    // Two folds of 25 matched and 25 mismatched pairs from the View 1 test file.
    const lines = readFileSync(join(folder!, 'pairsDevTest.txt'), 'utf8')
      .trim()
      .split('\n');
    const matched = lines.slice(0, 50);
    const mismatched = lines.slice(500, 550);
    const subset = [
      '2\t25',
      ...matched.slice(0, 25),
      ...mismatched.slice(0, 25),
      ...matched.slice(25),
      ...mismatched.slice(25),
    ];
    const path = join(
      mkdtempSync(join(tmpdir(), 'facelab-pairs-')),
      'pairs.txt',
    );
    writeFileSync(path, `${subset.join('\n')}\n`);

    const result = await scoreLfwPairs(pipeline, folder!, path);

    expect(result.pairs).toHaveLength(100);
    expect(result.crossValidation?.folds).toHaveLength(2);
    expect(result.crossValidation!.mean).toBeGreaterThanOrEqual(0.9);
    expect(result.roc.auc).toBeGreaterThan(0.95);
    expect(result.fallbackImages).toBeLessThan(5);

    // The 20 closest different-person pairs, closest first.
    expect(result.lookAlikes).toHaveLength(20);
    const distances = result.lookAlikes.map((pair) => pair.distance);
    expect(distances).toEqual([...distances].sort((a, b) => a - b));
    const impostors = result.pairs
      .filter((pair) => !pair.same)
      .map((pair) => pair.distance);
    expect(distances[0]).toBe(Math.min(...impostors));
    expect(result.lookAlikes[0]!.first).toMatch(/\.jpg$/);
  }, 300_000);

  it('keeps the first pairs of each kind', async () => {
    const path = join(folder!, 'pairsDevTest.txt');
    const result = await scoreLfwPairs(pipeline, folder!, path, undefined, {
      pairsPerKind: 3,
    });

    expect(result.pairs).toHaveLength(6);
    expect(result.pairs.filter((pair) => pair.same)).toHaveLength(3);
  }, 120_000);

  it('rejects a pairsPerKind of zero', async () => {
    const path = join(folder!, 'pairsDevTest.txt');
    await expect(
      scoreLfwPairs(pipeline, folder!, path, undefined, { pairsPerKind: 0 }),
    ).rejects.toThrow(/pairsPerKind must be a positive integer, got 0/);
  });
});
