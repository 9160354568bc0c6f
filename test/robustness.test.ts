import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Landmarks5 } from '../src/detection/types';
import {
  compressJpeg,
  defaultDegradations,
  degrade,
  flipLandmarks,
  lowerResolution,
  occlude,
} from '../src/evaluation/degradations';
import { readPairs } from '../src/evaluation/pairs';
import { robustnessSweep } from '../src/evaluation/robustness';
import { loadImage } from '../src/input/decode';
import { flipHorizontally, type RgbImage } from '../src/input/image';
import { FacePipeline } from '../src/pipeline';
import { lfwFolder, lfwImage } from './helpers/datasets';

const folder = lfwFolder();

/** Returns a 40x30 image whose pixel values encode their position. */
function gradient(): RgbImage {
  const width = 40;
  const height = 30;
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      data.set([x * 6, y * 8, 100], (y * width + x) * 3);
  return { data, width, height, source: 'gradient' };
}

const landmarks: Landmarks5 = [
  { x: 12, y: 10 },
  { x: 28, y: 10 },
  { x: 20, y: 16 },
  { x: 14, y: 22 },
  { x: 26, y: 22 },
];

function meanAbsoluteDifference(a: RgbImage, b: RgbImage): number {
  let sum = 0;
  for (let i = 0; i < a.data.length; i++)
    sum += Math.abs(a.data[i]! - b.data[i]!);
  return sum / a.data.length;
}

describe('degradations', () => {
  it('flips an image and back', () => {
    const image = gradient();
    const flipped = flipHorizontally(image);
    expect(flipped.data[0]).toBe(image.data[(image.width - 1) * 3]);
    expect(flipHorizontally(flipped).data).toEqual(image.data);
  });

  it('mirrors landmarks and swaps sides', () => {
    const mirrored = flipLandmarks(landmarks, 40);
    expect(mirrored[0]).toEqual({ x: 11, y: 10 });
    expect(mirrored[1]).toEqual({ x: 27, y: 10 });
    expect(mirrored[2]).toEqual({ x: 19, y: 16 });
    expect(mirrored[3]).toEqual({ x: 13, y: 22 });
  });

  it('covers the eyes only', () => {
    const image = gradient();
    const covered = occlude(image, landmarks, 'eyes');
    const pixel = (img: RgbImage, x: number, y: number) =>
      img.data[(y * img.width + x) * 3 + 2];
    expect(pixel(covered, 20, 10)).toBe(0);
    expect(pixel(covered, 5, 10)).toBe(0);
    expect(pixel(covered, 20, 22)).toBe(100);
    expect(pixel(image, 20, 10)).toBe(100);
  });

  it('lowers the resolution at the same size', async () => {
    const image = gradient();
    const blurred = await lowerResolution(image, 5);
    expect(blurred.width).toBe(image.width);
    expect(blurred.height).toBe(image.height);
    expect(blurred.data).toHaveLength(image.data.length);
    expect(meanAbsoluteDifference(image, blurred)).toBeGreaterThan(1);
  });

  it('damages more at lower JPEG quality', async () => {
    const image = gradient();
    const mild = await compressJpeg(image, 90);
    const harsh = await compressJpeg(image, 5);
    expect(harsh.data).toHaveLength(image.data.length);
    expect(meanAbsoluteDifference(image, harsh)).toBeGreaterThan(
      meanAbsoluteDifference(image, mild),
    );
  });

  it('lists every kind in the default sweep', () => {
    const kinds = new Set(defaultDegradations(250).map((d) => d.kind));
    expect([...kinds].sort()).toEqual([
      'blur',
      'flip',
      'jpeg',
      'occlusion-eyes',
      'occlusion-mouth',
      'resolution',
    ]);
  });

  it('rejects a resolution without a side', async () => {
    await expect(
      degrade(gradient(), landmarks, {
        kind: 'resolution',
        severity: 2,
        label: 'half',
      }),
    ).rejects.toThrow('degradation "half" needs a side');
  });
});

describe.skipIf(!folder)('robustness sweep on LFW', () => {
  let pipeline: FacePipeline;
  beforeAll(async () => {
    pipeline = await FacePipeline.create({ cache: false });
  });
  afterAll(() => pipeline.dispose());

  it('loses accuracy at 12 px but not when flipped', async () => {
    const { pairs } = readPairs(`${folder}/pairsDevTest.txt`);
    const chosen = [
      ...pairs.filter((pair) => pair.same).slice(0, 3),
      ...pairs.filter((pair) => !pair.same).slice(0, 3),
    ];
    const points = await robustnessSweep(pipeline, folder!, chosen, {
      threshold: 0.417,
      degradations: [
        { kind: 'resolution', severity: 250 / 12, label: '12 px', side: 12 },
        { kind: 'flip', severity: 1, label: 'flipped' },
      ],
    });
    expect(points.map((point) => `${point.kind} ${point.severity}`)).toEqual([
      'resolution 0',
      'flip 0',
      `resolution ${250 / 12}`,
      'flip 1',
    ]);
    const [clean, , tiny, flipped] = points;
    expect(clean!.accuracy).toBeGreaterThanOrEqual(5 / 6);
    expect(tiny!.meanGenuineDistance).toBeGreaterThan(
      clean!.meanGenuineDistance + 0.05,
    );
    expect(
      Math.abs(flipped!.meanGenuineDistance - clean!.meanGenuineDistance),
    ).toBeLessThan(0.05);
    expect(flipped!.detectionRate).toBe(1);
  }, 240_000);

  it('loads the images it degrades', async () => {
    const image = await loadImage(lfwImage(folder!, 'Aaron_Eckhart', 1));
    const damaged = await degrade(image, landmarks, {
      kind: 'jpeg',
      severity: 95,
      label: 'quality 5',
    });
    expect(damaged.width).toBe(250);
    expect(damaged.source).toContain('JPEG quality 5');
  });
});
