/**
 * Compares framings of the aligned face (padding, vertical offset) for
 * embedders on LFW View 1 training pairs, with MTCNN landmarks. Each image
 * is detected once, so every embedder and framing embeds the same faces.
 * Prints the best-threshold accuracy of each combination.
 *
 *   FACELAB_DATASETS=/path/to/datasets npx tsx scripts/framing-grid.ts \
 *     --embedder faceres,mobileface --pairs 100 --framings 0:0,0.1:0,0.1:-0.05
 *
 * `--embedder` takes built-in names or manifest paths, `--pairs` the number
 * of pairs (half same-person, half different, from the start of each half
 * of pairsDevTrain.txt), `--framings` padding:verticalOffset couples.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { alignFace } from '../src/alignment/align';
import { createTemplate } from '../src/alignment/template';
import { loadRuntime } from '../src/backend/backend';
import { lfwFolderFromEnvironment, lfwImagePath } from '../src/datasets/lfw';
import { detectFaces } from '../src/detection/detect';
import { createDetector } from '../src/detection/factory';
import type { Landmarks5 } from '../src/detection/types';
import { createEmbedder } from '../src/embedding/factory';
import { bestThreshold } from '../src/evaluation/calibration';
import { balancedSubset, readPairs } from '../src/evaluation/pairs';
import { loadImage } from '../src/input/decode';
import type { RgbImage } from '../src/input/image';
import { largestFaceOf } from '../src/output/faces';
import { l2Distance } from '../src/prediction/distance';

async function main(): Promise<void> {
  const folder = lfwFolderFromEnvironment();
  if (folder === undefined)
    throw new Error('set FACELAB_DATASETS to the folder that contains lfw/');
  const { values } = parseArgs({
    options: {
      embedder: { type: 'string', default: 'faceres,mobileface' },
      pairs: { type: 'string', default: '100' },
      framings: { type: 'string', default: '0:0,0.1:0,0.2:0,0.1:-0.05' },
    },
  });
  const embedders = values.embedder.split(',');
  const pairs = balancedSubset(
    readPairs(join(folder, 'pairsDevTrain.txt')).pairs,
    Number(values.pairs),
  );
  const framings = values.framings
    .split(',')
    .map((couple) => couple.split(':').map(Number) as [number, number]);

  // Detection, once per image.
  const runtime = await loadRuntime();
  const detector = await createDetector(runtime, 'mtcnn');
  const faces = new Map<string, { image: RgbImage; landmarks: Landmarks5 }>();
  for (const pair of pairs) {
    for (const { name, index } of [pair.first, pair.second]) {
      const path = lfwImagePath(folder, name, index);
      if (faces.has(path)) continue;
      const image = await loadImage(path);
      const face = largestFaceOf(
        await detectFaces(runtime.tf, detector, image),
      );
      if (face !== undefined)
        faces.set(path, { image, landmarks: face.landmarks5 });
    }
  }
  detector.dispose();
  const usable = pairs.filter((pair) =>
    [pair.first, pair.second].every(({ name, index }) =>
      faces.has(lfwImagePath(folder, name, index)),
    ),
  );
  process.stdout.write(
    `${usable.length} of ${pairs.length} pairs with a face in both images\n`,
  );

  for (const name of embedders) {
    const embedder = await createEmbedder(runtime, name);
    for (const [padding, verticalOffset] of framings) {
      const template = createTemplate(
        embedder.template.size,
        padding,
        verticalOffset,
      );
      const paths = [...faces.keys()];
      const start = performance.now();
      const vectors = await embedder.embed(
        paths.map(
          (path) =>
            alignFace(
              faces.get(path)!.image,
              faces.get(path)!.landmarks,
              template,
            ).image,
        ),
      );
      const seconds = (performance.now() - start) / 1000;
      const byPath = new Map(paths.map((path, i) => [path, vectors[i]!]));
      const genuine: number[] = [];
      const impostor: number[] = [];
      for (const pair of usable) {
        const a = byPath.get(
          lfwImagePath(folder, pair.first.name, pair.first.index),
        )!;
        const b = byPath.get(
          lfwImagePath(folder, pair.second.name, pair.second.index),
        )!;
        (pair.same ? genuine : impostor).push(l2Distance(a, b));
      }
      const { threshold, accuracy } = bestThreshold(genuine, impostor);
      process.stdout.write(
        `${name} padding ${padding} offset ${verticalOffset}: accuracy ${(100 * accuracy).toFixed(1)}% ` +
          `at threshold ${threshold.toFixed(3)}, ${((1000 * seconds) / paths.length).toFixed(0)} ms per face\n`,
      );
    }
    embedder.dispose();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exitCode = 1;
});
