import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { alignFace } from '../src/alignment/align';
import { loadImage } from '../src/input/decode';
import { flipHorizontally, type RgbImage } from '../src/input/image';
import { FacePipeline } from '../src/pipeline';
import { l2Distance } from '../src/prediction/distance';
import { lfwFolder, lfwImage } from './helpers/datasets';

const folder = lfwFolder();

describe.skipIf(!folder)('flip averaging', () => {
  let plain: FacePipeline;
  let averaged: FacePipeline;
  let face: RgbImage;

  beforeAll(async () => {
    plain = await FacePipeline.create({ cache: false });
    averaged = await FacePipeline.create({ cache: false, flipAverage: true });
    const image = await loadImage(lfwImage(folder!, 'Aaron_Eckhart', 1));
    const [detected] = (await plain.analyze(image)).faces;
    face = alignFace(
      image,
      detected!.landmarks5,
      plain.embedder.template,
    ).image;
  }, 120_000);
  afterAll(() => {
    plain.dispose();
    averaged.dispose();
  });

  it('keeps the model id', () => {
    expect(averaged.model).toBe(plain.model);
  });

  it('gives a face and its mirror one embedding', async () => {
    const [a, b] = await averaged.embedder.embed([
      face,
      flipHorizontally(face),
    ]);
    expect(l2Distance(a!, b!)).toBeLessThan(1e-4);
    expect(Math.hypot(...a!)).toBeCloseTo(1, 5);
  });

  it('differs from the plain embedding', async () => {
    const [withFlip] = await averaged.embedder.embed([face]);
    const [without] = await plain.embedder.embed([face]);
    const distance = l2Distance(withFlip!, without!);
    expect(distance).toBeGreaterThan(1e-3);
    expect(distance).toBeLessThan(0.3);
  });
});
