/**
 * `facelab eval identify` as a user runs it, on a small real configuration:
 * a few LFW people, one degraded pair of each kind, a fresh cache.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import type { IdentifyEvaluationResult } from '../src/evaluation/identify-evaluation';
import { CLI_TIMEOUT_MS, runCli, type CliRun } from './helpers/cli';
import { lfwFolder } from './helpers/datasets';

const folder = lfwFolder();

describe.skipIf(!folder)('facelab eval identify', () => {
  let workFolder: string;
  let env: NodeJS.ProcessEnv;
  let run: CliRun;
  let result: IdentifyEvaluationResult;

  beforeAll(async () => {
    workFolder = mkdtempSync(join(tmpdir(), 'facelab-eval-identify-'));
    env = { ...process.env, FACELAB_CACHE: join(workFolder, 'cache') };
    run = await runCli(
      [
        'eval',
        'identify',
        '--sizes',
        '4,12',
        '--probe-people',
        '4',
        '--probes',
        '1',
        '--shots',
        '2',
        '--shot-people',
        '4',
        '--open-set-people',
        '8',
        '--robustness-pairs',
        '1',
        '--out',
        join(workFolder, 'identify.json'),
      ],
      env,
    );
    result = JSON.parse(
      readFileSync(join(workFolder, 'identify.json'), 'utf8'),
    ) as IdentifyEvaluationResult;
  }, CLI_TIMEOUT_MS);

  it('exits cleanly with a summary', () => {
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('rank-1 against gallery size:');
    expect(run.stdout).toContain('best threshold');
  });

  it('reports progress on standard error', () => {
    expect(run.stderr).toMatch(/embedding LFW images \d+\/\d+/);
    expect(run.stderr).toMatch(/degrading LFW images \d+\/\d+/);
  });

  it('writes rank-1 for each gallery size', () => {
    expect(result.gallerySize.map((point) => point.gallerySize)).toEqual([
      4, 12,
    ]);
    for (const point of result.gallerySize) {
      expect(point.probes).toBe(4);
      expect(point.rank1).toBeGreaterThanOrEqual(0.5);
    }
  });

  it('writes the shots and algorithms', () => {
    expect(result.shots.map((point) => point.shots)).toEqual([1, 2]);
    expect(result.shots[0]!.people).toBe(4);
    expect(result.algorithms.map((row) => row.algorithm)).toEqual([
      '1nn',
      'knn',
      'centroid',
      'classifier-head',
      'classifier-head-online',
    ]);
    for (const row of result.algorithms) expect(row.probes).toBe(4);
  });

  it('writes the open-set curve and its best point', () => {
    expect(result.openSet.length).toBeGreaterThan(10);
    const summary = result.openSetSummary;
    expect(summary.enrolledPeople).toBe(4);
    expect(summary.strangerPeople).toBe(4);
    expect(
      summary.best.falseAcceptRate + summary.best.falseRejectRate,
    ).toBeLessThanOrEqual(
      summary.atModelThreshold.falseAcceptRate +
        summary.atModelThreshold.falseRejectRate,
    );
  });

  it('writes robustness points and look-alikes', () => {
    const kinds = new Set(result.robustness.map((point) => point.kind));
    expect(kinds.size).toBe(6);
    expect(result.lookAlikes.length).toBeGreaterThan(0);
    expect(result.lookAlikes[0]!.first).toContain(folder!);
    expect(result.backend).toBe('wasm');
  });

  it('rejects a gallery size of zero', async () => {
    const bad = await runCli(['eval', 'identify', '--sizes', '10,0'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"0"');
  });

  it('rejects a gallery larger than LFW', async () => {
    const bad = await runCli(['eval', 'identify', '--sizes', '9999'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('9999 is larger than the 5749 people');
  });
});
