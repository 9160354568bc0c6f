import { join } from 'node:path';

import type { Tensor3D } from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadRuntime, type Runtime, type Tf } from '../src/backend/backend';
import {
  BLAZEFACE_INPUT_SIZE,
  type BlazeFaceDetector,
  type BlazeFaceKeypoints,
  createAnchors,
  createBlazeFaceDetector,
  decodeCandidates,
  landmarks5FromKeypoints,
  MOUTH_TO_EYE_WIDTH,
  REGRESSORS_PER_ANCHOR,
  resolveBlazeFaceOptions,
} from '../src/detection/blazeface';
import { createDetector, DETECTOR_NAMES } from '../src/detection/factory';
import {
  createMtcnnDetector,
  type MtcnnDetector,
} from '../src/detection/mtcnn';
import { overlap } from '../src/detection/mtcnn/boxes';
import type { DetectedFace, Point } from '../src/detection/types';
import { readPairs } from '../src/evaluation/pairs';
import { loadImage } from '../src/input/decode';
import { imageToTensor } from '../src/input/tensor';
import { FacePipeline } from '../src/pipeline';
import { l2Distance } from '../src/prediction/distance';
import { lfwFolder, lfwImage, samplePhoto } from './helpers/datasets';

const folder = lfwFolder();

/** Eight LFW people whose first photo shows one frontal face to MTCNN. */
const LFW_PEOPLE = [
  'Abdullah_Gul',
  'Ahmed_Chalabi',
  'Akiko_Morigami',
  'Alex_King',
  'Amber_Tamblyn',
  'Ana_Paula_Gerard',
  'Andrei_Nikolishin',
  'Anthony_Fauci',
];

function distance(a: Point, b: Point): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

/**
 * Distance of the farther of the two eyes from the reference's eye, as a
 * fraction of the reference's eye distance.
 */
function relativeEyeError(face: DetectedFace, reference: DetectedFace): number {
  const [left, right] = face.landmarks5;
  const [referenceLeft, referenceRight] = reference.landmarks5;
  const eyeDistance = distance(referenceLeft, referenceRight);
  return (
    Math.max(distance(left, referenceLeft), distance(right, referenceRight)) /
    eyeDistance
  );
}

/** Finds the face whose box overlaps `reference`'s most, and that IoU. */
function bestMatch(
  faces: readonly DetectedFace[],
  reference: DetectedFace,
): { face: DetectedFace | undefined; iou: number } {
  let best: { face: DetectedFace | undefined; iou: number } = {
    face: undefined,
    iou: 0,
  };
  for (const face of faces) {
    const iou = overlap(face.box, reference.box, 'union');
    if (iou > best.iou) best = { face, iou };
  }
  return best;
}

describe('BlazeFace anchors and decoding', () => {
  it('anchors cover both grids', () => {
    const anchors = createAnchors();
    expect(anchors).toHaveLength(16 * 16 * 2 + 8 * 8 * 6);
    // 16x16 grid of stride 16, two anchors per cell.
    expect(anchors[0]).toEqual({ x: 8, y: 8 });
    expect(anchors[1]).toEqual({ x: 8, y: 8 });
    expect(anchors[2]).toEqual({ x: 24, y: 8 });
    expect(anchors[511]).toEqual({ x: 248, y: 248 });
    // 8x8 grid of stride 32, six anchors per cell.
    expect(anchors[512]).toEqual({ x: 16, y: 16 });
    expect(anchors[517]).toEqual({ x: 16, y: 16 });
    expect(anchors[518]).toEqual({ x: 48, y: 16 });
    expect(anchors.at(-1)).toEqual({ x: 240, y: 240 });
  });

  it('decodes offsets relative to the anchor', () => {
    const anchors: Point[] = [
      { x: 100, y: 50 },
      { x: 10, y: 10 },
    ];
    const regressors = new Float32Array(2 * REGRESSORS_PER_ANCHOR);
    regressors.set([4, -2, 40, 60], 0);
    for (let k = 0; k < 6; k++) {
      regressors[4 + 2 * k] = k;
      regressors[5 + 2 * k] = -k;
    }
    // Logit 2 gives about 0.88, and logit -2 about 0.12, below the threshold.
    const [candidate, ...rest] = decodeCandidates(
      [2, -2],
      regressors,
      anchors,
      0.5,
    );
    expect(rest).toHaveLength(0);
    expect(candidate!.anchor).toBe(0);
    expect(candidate!.score).toBeCloseTo(1 / (1 + Math.exp(-2)));
    expect(candidate!.box).toEqual({ x: 84, y: 18, width: 40, height: 60 });
    expect(candidate!.keypoints[0]).toEqual({ x: 100, y: 50 });
    expect(candidate!.keypoints[5]).toEqual({ x: 105, y: 45 });
  });

  it('decoding rejects outputs of the wrong size', () => {
    const anchors = createAnchors();
    expect(() =>
      decodeCandidates(new Float32Array(10), new Float32Array(160), anchors, 0),
    ).toThrow(/896 anchors/);
  });

  it('options reject values out of range', () => {
    expect(() => resolveBlazeFaceOptions({ minScore: 1.5 })).toThrow(
      /minScore/,
    );
    expect(() => resolveBlazeFaceOptions({ iouThreshold: -0.1 })).toThrow(
      /iouThreshold/,
    );
    expect(() => resolveBlazeFaceOptions({ maxFaces: 0 })).toThrow(/maxFaces/);
  });
});

describe('BlazeFace mouth corner estimate', () => {
  it('ratio comes from the reference face', () => {
    // Reference mouth width 29.18 over eye distance 35.24 pixels.
    expect(MOUTH_TO_EYE_WIDTH).toBeCloseTo(0.828, 2);
  });

  it('corners straddle the mouth centre', () => {
    const keypoints: BlazeFaceKeypoints = [
      { x: 100, y: 100 },
      { x: 160, y: 110 },
      { x: 130, y: 130 },
      { x: 132, y: 160 },
      { x: 60, y: 110 },
      { x: 200, y: 120 },
    ];
    const [leftEye, rightEye, nose, leftMouth, rightMouth] =
      landmarks5FromKeypoints(keypoints);
    expect(leftEye).toEqual(keypoints[0]);
    expect(rightEye).toEqual(keypoints[1]);
    expect(nose).toEqual(keypoints[2]);
    // The image's left corner comes first.
    expect(leftMouth.x).toBeLessThan(rightMouth.x);
    expect((leftMouth.x + rightMouth.x) / 2).toBeCloseTo(132);
    expect((leftMouth.y + rightMouth.y) / 2).toBeCloseTo(160);
    // Parallel to the eye line and scaled like the reference face.
    const eyeDistance = distance(leftEye, rightEye);
    expect(distance(leftMouth, rightMouth) / eyeDistance).toBeCloseTo(
      MOUTH_TO_EYE_WIDTH,
    );
    expect(
      (rightMouth.y - leftMouth.y) / (rightMouth.x - leftMouth.x),
    ).toBeCloseTo(10 / 60);
  });
});

describe('BlazeFace on real photos', () => {
  let tf: Tf;
  let runtime: Runtime;
  let blazeface: BlazeFaceDetector;
  let mtcnn: MtcnnDetector;

  beforeAll(async () => {
    runtime = await loadRuntime();
    tf = runtime.tf;
    blazeface = await createBlazeFaceDetector(tf);
    mtcnn = await createMtcnnDetector(tf);
  });

  afterAll(() => {
    blazeface?.dispose();
    mtcnn?.dispose();
  });

  async function tensorOf(path: string): Promise<Tensor3D> {
    return imageToTensor(tf, await loadImage(path));
  }

  async function detectBoth(
    path: string,
  ): Promise<{ blaze: DetectedFace[]; reference: DetectedFace[] }> {
    const image = await tensorOf(path);
    try {
      return {
        blaze: await blazeface.detect(image),
        reference: await mtcnn.detect(image),
      };
    } finally {
      image.dispose();
    }
  }

  it('agrees with MTCNN on the group photos', async () => {
    // Measured: 20 of the 21 faces MTCNN finds in samples 1-6 match a
    // BlazeFace box at IoU 0.51-0.83 (BlazeFace's box is square, MTCNN's
    // taller), with eyes 0.05-0.25 eye distances apart.
    let referenceFaces = 0;
    let matched = 0;
    for (const index of [1, 2, 3, 4, 5, 6]) {
      const { blaze, reference } = await detectBoth(samplePhoto(index));
      referenceFaces += reference.length;
      for (const face of reference) {
        const { face: match, iou } = bestMatch(blaze, face);
        if (match === undefined || iou < 0.4) continue;
        matched += 1;
        expect(relativeEyeError(match, face)).toBeLessThan(0.35);
        // The eye on the image's left comes first.
        expect(match.landmarks5[0].x).toBeLessThan(match.landmarks5[1].x);
      }
      for (const face of blaze) {
        expect(face.score).toBeGreaterThanOrEqual(0.5);
        expect(face.score).toBeLessThanOrEqual(1);
      }
    }
    expect(referenceFaces).toBeGreaterThanOrEqual(20);
    expect(matched / referenceFaces).toBeGreaterThanOrEqual(0.85);
  });

  it('returns faces best first in image pixels', async () => {
    const image = await tensorOf(samplePhoto(5));
    try {
      const faces = await blazeface.detect(image);
      const [height, width] = image.shape;
      expect(faces.length).toBeGreaterThanOrEqual(4);
      for (let i = 1; i < faces.length; i++) {
        expect(faces[i]!.score).toBeLessThanOrEqual(faces[i - 1]!.score);
      }
      for (const { box } of faces) {
        expect(box.x).toBeGreaterThanOrEqual(0);
        expect(box.y).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width).toBeLessThanOrEqual(width);
        expect(box.y + box.height).toBeLessThanOrEqual(height);
      }
      // Far beyond the 256-pixel input: boxes are mapped back.
      expect(Math.max(...faces.map((f) => f.box.x))).toBeGreaterThan(
        4 * BLAZEFACE_INPUT_SIZE,
      );
    } finally {
      image.dispose();
    }
  });

  it.skipIf(folder === undefined)(
    'agrees with MTCNN on LFW portraits',
    async () => {
      // Measured on these images: IoU 0.71-0.77, eyes 0.02-0.09 apart.
      for (const person of LFW_PEOPLE) {
        const { blaze, reference } = await detectBoth(
          lfwImage(folder!, person, 1),
        );
        expect(reference, person).toHaveLength(1);
        const { face, iou } = bestMatch(blaze, reference[0]!);
        expect(iou, person).toBeGreaterThan(0.6);
        expect(relativeEyeError(face!, reference[0]!), person).toBeLessThan(
          0.2,
        );
      }
    },
  );

  it('finds no face in flat or noise images', async () => {
    const flat = tf.fill([480, 640, 3], 128, 'int32') as Tensor3D;
    const noise = tf.randomUniform(
      [480, 640, 3],
      0,
      255,
      'float32',
      7,
    ) as Tensor3D;
    try {
      expect(await blazeface.detect(flat)).toEqual([]);
      expect(await blazeface.detect(noise)).toEqual([]);
    } finally {
      tf.dispose([flat, noise]);
    }
  });

  it('leaves no tensors behind', async () => {
    const photo = await tensorOf(samplePhoto(3));
    const flat = tf.zeros([300, 200, 3], 'int32') as Tensor3D;
    try {
      const before = tf.memory().numTensors;
      await blazeface.detect(photo);
      await blazeface.detect(flat);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      tf.dispose([photo, flat]);
    }
  });

  it('is created by name and disposed', async () => {
    expect(DETECTOR_NAMES).toContain('blazeface');
    const detector = await createDetector(runtime, 'blazeface');
    expect(detector.name).toBe('blazeface');
    detector.dispose();
    const image = tf.zeros([64, 64, 3], 'int32') as Tensor3D;
    try {
      await expect(detector.detect(image)).rejects.toThrow(/disposed/);
    } finally {
      image.dispose();
    }
  });

  it('names the missing model file', async () => {
    await expect(
      createBlazeFaceDetector(tf, { modelPath: '/nonexistent/model.json' }),
    ).rejects.toThrow(/\/nonexistent\/model\.json/);
  });
});

describe.skipIf(folder === undefined)('BlazeFace in the pipeline', () => {
  let pipeline: FacePipeline;

  beforeAll(async () => {
    pipeline = await FacePipeline.create({
      detector: 'blazeface',
      cache: false,
    });
  });
  afterAll(() => pipeline?.dispose());

  async function embed(name: string, index: number): Promise<Float32Array> {
    const analysis = await pipeline.analyzeFile(lfwImage(folder!, name, index));
    // The largest face is the LFW subject, who sits in the middle.
    const faces = [...analysis.faces].sort(
      (a, b) => b.box.width * b.box.height - a.box.width * a.box.height,
    );
    expect(faces.length, `${name} ${index}`).toBeGreaterThan(0);
    return faces[0]!.embedding;
  }

  it('separates same and different people', async () => {
    const { pairs } = readPairs(join(folder!, 'pairsDevTrain.txt'));
    const matched = pairs.filter((p) => p.same).filter((_, i) => i % 200 === 0);
    const mismatched = pairs
      .filter((p) => !p.same)
      .filter((_, i) => i % 200 === 0);
    expect(matched).toHaveLength(6);
    expect(mismatched).toHaveLength(6);
    const distances = async (list: typeof pairs): Promise<number[]> => {
      const result: number[] = [];
      for (const { first, second } of list) {
        result.push(
          l2Distance(
            await embed(first.name, first.index),
            await embed(second.name, second.index),
          ),
        );
      }
      return result;
    };
    const same = await distances(matched);
    const different = await distances(mismatched);
    // Measured: matched 0.23-0.58, mismatched 0.42-0.67 (MTCNN: 0.22-0.55
    // and 0.42-0.70), so the means differ by 0.25.
    const mean = (values: number[]) =>
      values.reduce((sum, v) => sum + v, 0) / values.length;
    expect(mean(different) - mean(same)).toBeGreaterThan(0.15);
    // Fraction of (matched, mismatched) combinations ordered correctly, the
    // area under the ROC curve; measured 33 of 36.
    const ordered = same.flatMap((s) => different.map((d) => (s < d ? 1 : 0)));
    expect(mean(ordered)).toBeGreaterThanOrEqual(0.8);
  }, 120_000);
});
