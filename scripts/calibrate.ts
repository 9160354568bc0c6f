/**
 * Measures the band limits of an embedder on LFW View 1 training pairs and
 * stores them in models/calibration.json under the embedder's id.
 *
 *   FACELAB_DATASETS=/path/to/datasets npx tsx scripts/calibrate.ts \
 *     [--detector mtcnn] [--embedder faceapi] [--pairs 2200]
 *
 * `--embedder` takes a built-in name or a manifest path. `--pairs N` uses a
 * balanced subset (the first N/2 matched and N/2 mismatched pairs) when the
 * whole file takes too long.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { lfwFolderFromEnvironment, lfwImagePath } from '../src/datasets/lfw';
import { calibrateBands } from '../src/evaluation/calibration';
import { balancedSubset, readPairs } from '../src/evaluation/pairs';
import { loadImage } from '../src/input/decode';
import { calibrationPath, type Calibration } from '../src/models/calibration';
import { largestFaceOf } from '../src/output/faces';
import { FacePipeline } from '../src/pipeline';
import { l2Distance } from '../src/prediction/distance';
import { Progress } from '../src/cli/progress';
import type { DetectorName } from '../src/detection/factory';
import { DEFAULT_EMBEDDER } from '../src/embedding/factory';

async function main(): Promise<void> {
  const folder = lfwFolderFromEnvironment();
  if (folder === undefined)
    throw new Error('set FACELAB_DATASETS to the folder that contains lfw/');
  const { values } = parseArgs({
    options: {
      detector: { type: 'string', default: 'mtcnn' },
      embedder: { type: 'string', default: DEFAULT_EMBEDDER },
      pairs: { type: 'string' },
    },
  });
  const detector = values.detector as DetectorName;
  const embedder = values.embedder;
  const pairsFile = 'pairsDevTrain.txt';
  const all = readPairs(join(folder, pairsFile)).pairs;
  const pairs =
    values.pairs === undefined
      ? all
      : balancedSubset(all, Number(values.pairs));
  const pipeline = await FacePipeline.create({ detector, embedder });
  const embeddings = new Map<string, Float32Array | undefined>();
  const progress = new Progress(
    'calibration: embedding LFW pairs',
    pairs.length,
  );
  const embed = async (name: string, index: number) => {
    const path = lfwImagePath(folder, name, index);
    if (!embeddings.has(path)) {
      embeddings.set(
        path,
        largestFaceOf((await pipeline.analyze(await loadImage(path))).faces)
          ?.embedding,
      );
    }
    return embeddings.get(path);
  };
  const genuine: number[] = [];
  const impostor: number[] = [];
  let missing = 0;
  for (const pair of pairs) {
    const a = await embed(pair.first.name, pair.first.index);
    const b = await embed(pair.second.name, pair.second.index);
    progress.advance();
    if (a === undefined || b === undefined) {
      missing++;
      continue;
    }
    (pair.same ? genuine : impostor).push(l2Distance(a, b));
  }
  pipeline.dispose();
  const bands = calibrateBands(genuine, impostor);
  const subset =
    pairs.length < all.length
      ? `, its first ${pairs.length / 2} matched and ${pairs.length / 2} mismatched pairs`
      : '';
  const round = (value: number) => Math.round(value * 1000) / 1000;
  const entry: Calibration = {
    confidentBelow: round(bands.confidentBelow),
    threshold: round(bands.threshold),
    farAbove: round(bands.farAbove),
    data: `LFW ${pairsFile} (View 1 training)${subset}: ${genuine.length + impostor.length} of ${pairs.length} pairs with a face in both images; accuracy at the threshold ${(100 * bands.accuracy).toFixed(1)}%`,
    method:
      'confidentBelow: 0.1% of different-person pairs are closer; threshold: most accurate; farAbove: 1% of same-person pairs are farther',
    detector,
  };
  const table = JSON.parse(readFileSync(calibrationPath(), 'utf8')) as Record<
    string,
    Calibration
  >;
  table[pipeline.model] = entry;
  writeFileSync(calibrationPath(), `${JSON.stringify(table, null, 2)}\n`);
  process.stdout.write(
    `${pipeline.model}: ${JSON.stringify(entry, null, 2)}\npairs without a face: ${missing}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exitCode = 1;
});
