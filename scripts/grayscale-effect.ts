/**
 * Measures how far converting a colour photo to grey moves a face's
 * embedding, at the same landmarks, for every face MTCNN finds in the six
 * colour sample photos of `@vladmandic/face-api`. The LFW copy used for
 * evaluation is grey only, so this is the one direct measurement of what the
 * missing colour costs.
 *
 *   npx tsx scripts/grayscale-effect.ts
 */
import { join } from 'node:path';

import { loadImage } from '../src/input/decode';
import { createRgbImage, type RgbImage } from '../src/input/image';
import { bandLimitsFor } from '../src/models/calibration';
import { faceApiSampleFolder } from '../src/models/paths';
import { FacePipeline } from '../src/pipeline';
import { l2Distance } from '../src/prediction/distance';

/** Replaces each pixel by its luma, with the ITU-R BT.601 weights. */
function toGrey(image: RgbImage): RgbImage {
  const data = new Uint8Array(image.data.length);
  for (let i = 0; i < image.data.length; i += 3) {
    const luma = Math.round(
      0.299 * image.data[i]! +
        0.587 * image.data[i + 1]! +
        0.114 * image.data[i + 2]!,
    );
    data[i] = luma;
    data[i + 1] = luma;
    data[i + 2] = luma;
  }
  return createRgbImage(
    data,
    image.width,
    image.height,
    `${image.source} (grey)`,
  );
}

async function main(): Promise<void> {
  const pipeline = await FacePipeline.create({ cache: false });
  const distances: number[] = [];
  try {
    for (let n = 1; n <= 6; n++) {
      const path = join(faceApiSampleFolder(), `sample${n}.jpg`);
      const image = await loadImage(path);
      const grey = toGrey(image);
      const { faces } = await pipeline.analyze(image);
      for (const face of faces) {
        const colour = await pipeline.embedAt(image, face.landmarks5);
        const fromGrey = await pipeline.embedAt(grey, face.landmarks5);
        distances.push(l2Distance(colour, fromGrey));
      }
    }
  } finally {
    pipeline.dispose();
  }
  distances.sort((a, b) => a - b);
  const mean = distances.reduce((sum, d) => sum + d, 0) / distances.length;
  const { threshold } = bandLimitsFor(pipeline.model).limits;
  console.log(
    `faces: ${distances.length}, backend: ${pipeline.runtime.backend}`,
  );
  console.log(
    `L2 distance between the colour and grey embedding of one face: mean ${mean.toFixed(3)}, median ${distances[distances.length >> 1]!.toFixed(3)}, max ${distances[distances.length - 1]!.toFixed(3)} (threshold ${threshold.toFixed(3)})`,
  );
}

void main();
