import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Tensor3D } from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadRuntime, type Tf } from '../src/backend/backend';
import {
  applyOffsets,
  computePyramid,
  createMtcnnDetector,
  DEFAULT_MTCNN_SETTINGS,
  type MtcnnDetector,
  type MtcnnOptions,
  type MtcnnStages,
  nonMaxSuppression,
  overlap,
  toSquare,
} from '../src/detection/mtcnn';
import type { Box, DetectedFace } from '../src/detection/types';
import { loadImage } from '../src/input/decode';
import { imageToTensor } from '../src/input/tensor';
import { lfwFolder, lfwImage, samplePhoto } from './helpers/datasets';

let tf: Tf;
let detector: MtcnnDetector;

beforeAll(async () => {
  ({ tf } = await loadRuntime());
  detector = await createMtcnnDetector(tf);
});

afterAll(() => {
  detector?.dispose();
});

async function tensorOf(path: string): Promise<Tensor3D> {
  return imageToTensor(tf, await loadImage(path));
}

async function detectIn(path: string): Promise<DetectedFace[]> {
  const image = await tensorOf(path);
  try {
    return await detector.detect(image);
  } finally {
    image.dispose();
  }
}

function centre(box: Box): { x: number; y: number } {
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

function inside(point: { x: number; y: number }, box: Box): boolean {
  return (
    point.x >= box.x &&
    point.x <= box.x + box.width &&
    point.y >= box.y &&
    point.y <= box.y + box.height
  );
}

describe('MTCNN box arithmetic', () => {
  it('overlap of identical and disjoint boxes', () => {
    const a = { x: 0, y: 0, width: 10, height: 10 };
    const b = { x: 20, y: 0, width: 10, height: 10 };
    expect(overlap(a, a, 'union')).toBe(1);
    expect(overlap(a, b, 'union')).toBe(0);
  });

  it('overlap by union and by smaller area', () => {
    const big = { x: 0, y: 0, width: 10, height: 10 };
    const small = { x: 0, y: 0, width: 5, height: 5 };
    expect(overlap(big, small, 'union')).toBeCloseTo(0.25);
    expect(overlap(big, small, 'min')).toBeCloseTo(1);
  });

  it('nonMaxSuppression keeps the best of overlapping boxes', () => {
    const boxes = [
      { x: 0, y: 0, width: 10, height: 10 },
      { x: 1, y: 1, width: 10, height: 10 },
      { x: 50, y: 50, width: 10, height: 10 },
    ];
    expect(nonMaxSuppression(boxes, [0.8, 0.9, 0.7], 0.5)).toEqual([1, 2]);
    expect(nonMaxSuppression(boxes, [0.8, 0.9, 0.7], 0.9)).toEqual([1, 0, 2]);
  });

  it('applyOffsets moves each edge by a fraction of the size', () => {
    const box = { x: 10, y: 20, width: 100, height: 50 };
    const moved = applyOffsets(box, [0.1, -0.2, 0.3, 0]);
    expect(moved).toEqual({ x: 20, y: 10, width: 120, height: 60 });
  });

  it('toSquare keeps the centre', () => {
    const square = toSquare({ x: 10, y: 20, width: 40, height: 80 });
    expect(square).toEqual({ x: -10, y: 20, width: 80, height: 80 });
  });
});

describe('MTCNN pyramid', () => {
  it('first level maps minFaceSize to 12 pixels', () => {
    const levels = computePyramid(250, 250, DEFAULT_MTCNN_SETTINGS);
    expect(levels[0]!.scale).toBeCloseTo(12 / 20);
    expect(levels[0]!.width).toBe(150);
  });

  it('caps the first level of a huge image', () => {
    const levels = computePyramid(6000, 4000, DEFAULT_MTCNN_SETTINGS);
    expect(levels[0]!.width).toBe(DEFAULT_MTCNN_SETTINGS.maxImageSide);
    const last = levels[levels.length - 1]!;
    expect(Math.min(last.width, last.height)).toBeGreaterThanOrEqual(12);
    expect(last.height * DEFAULT_MTCNN_SETTINGS.scaleFactor).toBeLessThan(12);
  });

  it('gives no levels for an image under 12 pixels', () => {
    expect(computePyramid(11, 500, DEFAULT_MTCNN_SETTINGS)).toEqual([]);
  });
});

describe('MTCNN on the face-api sample photos', () => {
  // People in each photo, and the fewest faces MTCNN must find. In sample2
  // the woman on the left is in full profile, which MTCNN misses.
  const photos = [
    { photo: 1, people: 3, minFound: 3 },
    { photo: 2, people: 3, minFound: 2 },
    { photo: 3, people: 3, minFound: 3 },
    { photo: 4, people: 4, minFound: 4 },
    { photo: 5, people: 5, minFound: 5 },
    { photo: 6, people: 4, minFound: 4 },
  ];

  it.each(photos)(
    'sample$photo faces found',
    async ({ photo, people, minFound }) => {
      const faces = await detectIn(samplePhoto(photo));
      expect(faces.length).toBeGreaterThanOrEqual(minFound);
      expect(faces.length).toBeLessThanOrEqual(people);
      for (const face of faces) {
        expect(face.score).toBeGreaterThan(0.7);
        expect(face.score).toBeLessThanOrEqual(1);
        // The faces in these 1920-pixel photos are 150 to 240 pixels wide.
        expect(face.box.width).toBeGreaterThan(100);
        expect(face.box.width).toBeLessThan(400);
      }
      const scores = faces.map((face) => face.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
    },
  );

  describe('stages of sample1', () => {
    let stages: MtcnnStages;
    let width: number;

    beforeAll(async () => {
      const image = await tensorOf(samplePhoto(1));
      width = image.shape[1];
      try {
        stages = await detector.detectWithStages(image);
      } finally {
        image.dispose();
      }
    });

    it('scales decrease', () => {
      expect(stages.scales.length).toBeGreaterThan(1);
      for (let i = 1; i < stages.scales.length; i++) {
        expect(stages.scales[i]!).toBeLessThan(stages.scales[i - 1]!);
      }
    });

    it('pyramid sizes match the scales', () => {
      expect(stages.pyramid.map((level) => level.scale)).toEqual(stages.scales);
      for (const level of stages.pyramid) {
        expect(level.width).toBe(Math.floor(width * level.scale));
      }
      expect(stages.pyramid[0]!.width).toBeLessThanOrEqual(
        DEFAULT_MTCNN_SETTINGS.maxImageSide,
      );
    });

    it('candidates thin out stage by stage', () => {
      expect(stages.onet.length).toBeGreaterThan(0);
      expect(stages.rnet.length).toBeGreaterThanOrEqual(stages.onet.length);
      expect(stages.pnet.length).toBeGreaterThanOrEqual(stages.rnet.length);
    });

    it('scores of every stage in 0..1', () => {
      const all = [...stages.pnet, ...stages.rnet, ...stages.onet];
      for (const candidate of all) {
        expect(candidate.score).toBeGreaterThanOrEqual(0);
        expect(candidate.score).toBeLessThanOrEqual(1);
      }
    });

    it('R-Net and O-Net inputs are square', () => {
      for (const candidate of [...stages.pnet, ...stages.rnet]) {
        expect(candidate.box.width).toBeCloseTo(candidate.box.height, 6);
      }
    });

    it('every final face has landmarks inside its box', () => {
      for (const face of stages.onet) {
        for (const point of face.landmarks5) {
          expect(inside(point, face.box)).toBe(true);
        }
      }
    });
  });
});

const lfw = lfwFolder();

describe.skipIf(lfw === undefined)('MTCNN on LFW', () => {
  const people = [
    'Aaron_Eckhart',
    'George_W_Bush',
    'Serena_Williams',
    'Colin_Powell',
    'Tony_Blair',
    'Jennifer_Aniston',
  ];

  it.each(people)('%s has one centred face', async (person) => {
    const faces = await detectIn(lfwImage(lfw!, person, 1));
    // LFW images are 250x250 with the face of interest in the middle.
    const centred = faces.filter((face) => {
      const c = centre(face.box);
      return Math.hypot(c.x - 125, c.y - 125) < 40;
    });
    expect(centred).toHaveLength(1);
    const face = centred[0]!;
    expect(face).toBe(faces[0]);
    expect(face.score).toBeGreaterThan(0.9);
    expect(face.box.width).toBeGreaterThan(60);
    expect(face.box.width).toBeLessThan(160);

    const [leftEye, rightEye, nose, leftMouth, rightMouth] = face.landmarks5;
    for (const point of face.landmarks5) {
      expect(inside(point, face.box)).toBe(true);
    }
    expect(leftEye.x).toBeLessThan(rightEye.x);
    expect(leftMouth.x).toBeLessThan(rightMouth.x);
    expect(Math.max(leftEye.y, rightEye.y)).toBeLessThan(nose.y);
    expect(nose.y).toBeLessThan(Math.min(leftMouth.y, rightMouth.y));
  });
});

describe('MTCNN without faces', () => {
  it('uniform grey gives no faces', async () => {
    const grey = tf.fill([240, 320, 3], 128, 'int32') as Tensor3D;
    try {
      expect(await detector.detect(grey)).toEqual([]);
    } finally {
      grey.dispose();
    }
  });

  it('uniform noise gives no faces', async () => {
    const noise = tf.randomUniform([300, 400, 3], 0, 255, 'float32', 7);
    try {
      expect(await detector.detect(noise as Tensor3D)).toEqual([]);
    } finally {
      noise.dispose();
    }
  });

  it('image under 12 pixels gives no faces', async () => {
    const tiny = tf.zeros([8, 100, 3], 'int32') as Tensor3D;
    try {
      const stages = await detector.detectWithStages(tiny);
      expect(stages.scales).toEqual([]);
      expect(stages.onet).toEqual([]);
    } finally {
      tiny.dispose();
    }
  });
});

describe('MTCNN tensor memory', () => {
  it('leaves no tensors after five images', async () => {
    const photo = await tensorOf(samplePhoto(3));
    const [height, width] = photo.shape;
    const half = tf.image.resizeBilinear(photo, [
      Math.round(height / 2),
      Math.round(width / 2),
    ]);
    const images: Tensor3D[] = [
      photo,
      half,
      tf.cast(tf.reverse(half, 1), 'int32') as Tensor3D,
      tf.slice(photo, [100, 400, 0], [600, 700, 3]) as Tensor3D,
      tf.fill([100, 150, 3], 40, 'int32') as Tensor3D,
    ];
    try {
      const before = tf.memory().numTensors;
      let found = 0;
      for (const image of images) {
        found += (await detector.detect(image)).length;
      }
      await detector.detectWithStages(half);
      expect(tf.memory().numTensors).toBe(before);
      expect(found).toBeGreaterThan(0);
    } finally {
      tf.dispose(images);
    }
  });
});

describe('MTCNN input and options', () => {
  it('rejects a tensor that is not RGB', async () => {
    const rgba = tf.zeros([20, 20, 4], 'int32') as unknown as Tensor3D;
    try {
      await expect(detector.detect(rgba)).rejects.toThrow(RangeError);
      await expect(detector.detect(rgba)).rejects.toThrow(/\[20,20,4\]/);
    } finally {
      rgba.dispose();
    }
  });

  const invalid: [string, MtcnnOptions | Record<string, unknown>][] = [
    ['minFaceSize', { minFaceSize: 0 }],
    ['minFaceSize', { minFaceSize: Number.NaN }],
    ['scaleFactor', { scaleFactor: 1 }],
    ['scaleFactor', { scaleFactor: -0.5 }],
    ['maxImageSide', { maxImageSide: 11 }],
    ['maxImageSide', { maxImageSide: 500.5 }],
    ['scoreThresholds', { scoreThresholds: [0.6, 0.7] }],
    ['scoreThresholds[1]', { scoreThresholds: [0.6, 1.5, 0.7] }],
    ['nmsThresholds.rnet', { nmsThresholds: { rnet: -0.1 } }],
    ['nmsThresholds.pnet', { nmsThresholds: { pnet: 0.5 } }],
    ['minFaceSise', { minFaceSise: 20 }],
  ];

  it.each(invalid)('rejects invalid %s', async (name, options) => {
    const created = createMtcnnDetector(tf, options as MtcnnOptions);
    await expect(created).rejects.toThrow(RangeError);
    await expect(created).rejects.toThrow(name);
  });

  it('fills in defaults for omitted options', async () => {
    const custom = await createMtcnnDetector(tf, {
      minFaceSize: 40,
      nmsThresholds: { onet: 0.5 },
    });
    try {
      expect(custom.settings.minFaceSize).toBe(40);
      expect(custom.settings.scaleFactor).toBe(0.709);
      expect(custom.settings.scoreThresholds).toEqual([0.6, 0.7, 0.7]);
      expect(custom.settings.nmsThresholds.onet).toBe(0.5);
      expect(custom.settings.nmsThresholds.rnet).toBe(0.7);
    } finally {
      custom.dispose();
    }
  });

  it('rejects a missing manifest', async () => {
    const created = createMtcnnDetector(tf, {
      manifestPath: join(tmpdir(), 'no-such-mtcnn-manifest.json'),
    });
    await expect(created).rejects.toThrow(/ENOENT/);
  });

  it('rejects a manifest without P-Net', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'facelab-mtcnn-'));
    try {
      const manifest = [
        {
          paths: ['shard1'],
          weights: [{ name: 'rnet/conv1/bias', shape: [28], dtype: 'float32' }],
        },
      ];
      await writeFile(join(folder, 'manifest.json'), JSON.stringify(manifest));
      await writeFile(join(folder, 'shard1'), new Uint8Array(28 * 4));
      const before = tf.memory().numTensors;
      const created = createMtcnnDetector(tf, {
        manifestPath: join(folder, 'manifest.json'),
      });
      await expect(created).rejects.toThrow(/pnet\/conv1\/weights is missing/);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      await rm(folder, { recursive: true });
    }
  });

  it('rejects detection after dispose', async () => {
    const disposable = await createMtcnnDetector(tf);
    disposable.dispose();
    const image = tf.zeros([50, 50, 3], 'int32') as Tensor3D;
    try {
      await expect(disposable.detect(image)).rejects.toThrow(/disposed/);
    } finally {
      image.dispose();
    }
  });
});
