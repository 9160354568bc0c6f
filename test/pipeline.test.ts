import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import sharp from 'sharp';

import { listLfwPeople } from '../src/datasets/lfw';
import { runIdentificationRound } from '../src/evaluation/identification-round';
import { decodeImage, loadImage } from '../src/input/decode';
import type { LoadedImage } from '../src/input/image';
import { largestFaceOf } from '../src/output/faces';
import { FacePipeline } from '../src/pipeline';
import { l2Distance } from '../src/prediction/distance';
import type { Box, Point } from '../src/detection/types';
import { lfwFolder, lfwImage, samplePhoto } from './helpers/datasets';

const folder = lfwFolder();

function meanAbsoluteDifference(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

function inside(point: Point, box: Box, slack: number): boolean {
  return (
    point.x >= box.x - slack &&
    point.x <= box.x + box.width + slack &&
    point.y >= box.y - slack &&
    point.y <= box.y + box.height + slack
  );
}

describe('pipeline on sample photos', () => {
  let pipeline: FacePipeline;

  beforeAll(async () => {
    pipeline = await FacePipeline.create({ cache: false });
  });
  afterAll(() => pipeline.dispose());

  it('finds every face in sample 4', async () => {
    const analysis = await pipeline.analyzeFile(samplePhoto(4));
    expect(analysis.width).toBe(1920);
    expect(analysis.faces).toHaveLength(4);
  });

  it('maps boxes back to full resolution', async () => {
    // The detector gets a 1280-pixel copy, but boxes must land on the 1920-pixel original.
    const analysis = await pipeline.analyzeFile(samplePhoto(1));
    for (const face of analysis.faces) {
      expect(face.box.x + face.box.width).toBeLessThanOrEqual(
        analysis.width + 1,
      );
      expect(face.box.width).toBeGreaterThan(120);
    }
    const rightmost = Math.max(...analysis.faces.map((f) => f.box.x));
    expect(rightmost).toBeGreaterThan(1280);
  });

  it('puts landmarks inside their box', async () => {
    const analysis = await pipeline.analyzeFile(samplePhoto(5));
    expect(analysis.faces.length).toBeGreaterThan(0);
    for (const face of analysis.faces) {
      const slack = 0.1 * face.box.width;
      for (const point of face.landmarks5) {
        expect(inside(point, face.box, slack)).toBe(true);
      }
      const [leftEye, rightEye, nose, mouthLeft] = face.landmarks5;
      expect(leftEye.x).toBeLessThan(rightEye.x);
      expect(nose.y).toBeGreaterThan(leftEye.y);
      expect(mouthLeft.y).toBeGreaterThan(nose.y);
    }
  });

  it('returns unit-length 128-d embeddings', async () => {
    const analysis = await pipeline.analyzeFile(samplePhoto(3));
    for (const face of analysis.faces) {
      expect(face.embedding).toHaveLength(128);
      const norm = Math.hypot(...face.embedding);
      expect(norm).toBeCloseTo(1, 4);
    }
  });
});

describe.each([
  { detector: 'ssd', landmarks68: false },
  { detector: 'tiny', landmarks68: false },
  { detector: 'mtcnn', landmarks68: true },
] as const)('$detector detector', (options) => {
  let pipeline: FacePipeline;

  beforeAll(async () => {
    pipeline = await FacePipeline.create({ cache: false, ...options });
  });
  afterAll(() => pipeline.dispose());

  it('finds faces with 68 landmarks', async () => {
    const analysis = await pipeline.analyzeFile(samplePhoto(4));
    expect(analysis.faces.length).toBeGreaterThanOrEqual(3);
    for (const face of analysis.faces) {
      expect(face.landmarks68).toHaveLength(68);
      const slack = 0.15 * face.box.width;
      for (const point of face.landmarks68!) {
        expect(inside(point, face.box, slack)).toBe(true);
      }
    }
  });
});

describe.skipIf(!folder)('pipeline on LFW', () => {
  let pipeline: FacePipeline;
  const lfw = folder!;

  beforeAll(async () => {
    pipeline = await FacePipeline.create({ cache: false });
  });
  afterAll(() => pipeline.dispose());

  it('finds one central face in LFW images', async () => {
    for (const [person, index] of [
      ['Aaron_Eckhart', 1],
      ['Serena_Williams', 3],
      ['Colin_Powell', 7],
    ] as const) {
      const analysis = await pipeline.analyzeFile(lfwImage(lfw, person, index));
      const face = largestFaceOf(analysis.faces);
      expect(face, person).toBeDefined();
      const centreX = face!.box.x + face!.box.width / 2;
      const centreY = face!.box.y + face!.box.height / 2;
      expect(Math.abs(centreX - 125)).toBeLessThan(30);
      expect(Math.abs(centreY - 125)).toBeLessThan(40);
    }
  });

  it('aligns one person closer than two people', async () => {
    const embed = async (person: string, index: number) =>
      largestFaceOf(
        (await pipeline.analyzeFile(lfwImage(lfw, person, index))).faces,
      )!.embedding;
    const bush1 = await embed('George_W_Bush', 1);
    const bush2 = await embed('George_W_Bush', 2);
    const powell = await embed('Colin_Powell', 1);
    const williams = await embed('Serena_Williams', 1);
    const same = l2Distance(bush1, bush2);
    expect(same).toBeLessThan(l2Distance(bush1, powell));
    expect(same).toBeLessThan(l2Distance(bush1, williams));
    expect(same).toBeLessThan(l2Distance(bush2, powell));
  });

  it('aligns a moved face onto the same pixels', async () => {
    // Consistency: the same face rotated, scaled and shifted in its photo
    // lands on the same template pixels, so the two aligned crops nearly
    // coincide, while a crop of another person does not.
    const path = lfwImage(lfw, 'Tony_Blair', 1);
    const moved = await decodeImage(
      await sharp(path)
        .rotate(12, { background: '#000000' })
        .resize(420)
        .extend({ left: 60, top: 20, background: '#000000' })
        .jpeg({ quality: 95 })
        .toBuffer(),
      'moved',
    );
    const alignedOf = async (image: LoadedImage) => {
      const face = largestFaceOf((await pipeline.analyze(image)).faces)!;
      return pipeline.alignForDisplay(image, face);
    };
    const original = await alignedOf(await loadImage(path));
    const shifted = await alignedOf(moved);
    const other = await alignedOf(
      await loadImage(lfwImage(lfw, 'Colin_Powell', 1)),
    );
    expect(original.image.width).toBe(160);
    expect(original.residual).toBeLessThan(8);
    const sameFace = meanAbsoluteDifference(
      original.image.data,
      shifted.image.data,
    );
    const otherFace = meanAbsoluteDifference(
      original.image.data,
      other.image.data,
    );
    expect(sameFace).toBeLessThan(15);
    expect(sameFace).toBeLessThan(otherFace / 2);
  });

  it('reads a phone photo upright', async () => {
    // Pixels stored sideways with EXIF orientation 6, as phones write them.
    const path = lfwImage(lfw, 'Tony_Blair', 2);
    const sideways = await sharp(path)
      .rotate(-90)
      .withMetadata({ orientation: 6 })
      .jpeg({ quality: 95 })
      .toBuffer();
    const upright = largestFaceOf((await pipeline.analyzeFile(path)).faces)!;
    const phone = largestFaceOf(
      (await pipeline.analyze(await decodeImage(sideways, 'phone.jpg'))).faces,
    )!;
    expect(phone).toBeDefined();
    const [leftEye, rightEye] = phone.landmarks5;
    expect(Math.abs(leftEye.y - rightEye.y)).toBeLessThan(10);
    expect(l2Distance(phone.embedding, upright.embedding)).toBeLessThan(0.15);
  });

  it('identifies LFW people one-shot', async () => {
    const people = await listLfwPeople(lfw);
    const result = await runIdentificationRound(pipeline, people, {
      people: 12,
      probesPerPerson: 2,
      threshold: 0.5,
    });
    expect(result.enrolled).toBe(12);
    // Some of the chosen people have only two photos, so one probe each.
    expect(result.probes).toBeGreaterThanOrEqual(12);
    expect(result.rank1).toBeGreaterThanOrEqual(0.85);
  });

  it('leaves no tensors after 20 images', async () => {
    const { tf } = pipeline.runtime;
    const paths = Array.from({ length: 20 }, (_, i) =>
      lfwImage(lfw, 'George_W_Bush', i + 1),
    );
    await pipeline.analyzeFile(paths[0]!);
    const before = tf.memory().numTensors;
    for (const path of paths) await pipeline.analyzeFile(path);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe.skipIf(!folder)('embedding cache', () => {
  it('returns the stored faces on a second run', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'facelab-cache-'));
    const pipeline = await FacePipeline.create({ cache });
    try {
      const path = lfwImage(folder!, 'Gerhard_Schroeder', 1);
      const first = await pipeline.analyzeFile(path);
      const second = await pipeline.analyzeFile(path);
      expect(first.cached).toBe(false);
      expect(second.cached).toBe(true);
      expect(second.faces).toHaveLength(first.faces.length);
      expect(Array.from(second.faces[0]!.embedding)).toEqual(
        Array.from(first.faces[0]!.embedding),
      );
      expect(second.timings.detect).toBe(0);
    } finally {
      pipeline.dispose();
    }
  });
});
