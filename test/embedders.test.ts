import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { alignFace } from '../src/alignment/align';
import { loadRuntime, type Runtime } from '../src/backend/backend';
import { openGallery } from '../src/cli/context';
import { detectFaces } from '../src/detection/detect';
import { createDetector } from '../src/detection/factory';
import type { Landmarks5 } from '../src/detection/types';
import { createEmbedder, EMBEDDER_NAMES } from '../src/embedding/factory';
import type { FaceEmbedder } from '../src/embedding/types';
import { balancedSubset, readPairs } from '../src/evaluation/pairs';
import { loadImage } from '../src/input/decode';
import type { RgbImage } from '../src/input/image';
import {
  embedderIdOf,
  ManifestError,
  readEmbedderManifest,
} from '../src/models/manifest';
import { humanModelPath } from '../src/models/paths';
import { largestFaceOf } from '../src/output/faces';
import { FacePipeline } from '../src/pipeline';
import { l2Distance } from '../src/prediction/distance';
import { saveGallery } from '../src/prediction/gallery-file';
import { IndexedGallery } from '../src/prediction/indexed-gallery';
import { lfwFolder, lfwImage } from './helpers/datasets';
import { convertGraphModelToOnnx } from './helpers/tfjs-to-onnx';

const folder = lfwFolder();
const scratch = mkdtempSync(join(tmpdir(), 'facelab-embedders-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Writes a manifest into the scratch folder and returns its path. */
function writeManifest(name: string, content: unknown): string {
  const path = join(scratch, name);
  writeFileSync(
    path,
    typeof content === 'string' ? content : JSON.stringify(content),
  );
  return path;
}

/** A user's manifest for MobileFace, with the model path relative to the manifest. */
const MOBILEFACE_MANIFEST = {
  name: 'my-mobileface',
  model: relative(scratch, humanModelPath('mobileface.json')),
  inputSize: 112,
  dimension: 256,
};

describe('embedder manifest', () => {
  it('resolves the model path and fills defaults', () => {
    const path = writeManifest('defaults.json', MOBILEFACE_MANIFEST);
    const spec = readEmbedderManifest(path);
    expect(spec.modelPath).toBe(humanModelPath('mobileface.json'));
    expect(spec.format).toBe('tfjs-graph');
    expect(spec.layout).toBe('nhwc');
    expect(spec.channels).toBe('rgb');
    expect(spec.mean).toEqual([0, 0, 0]);
    expect(spec.std).toEqual([1, 1, 1]);
    expect(spec.padding).toBe(0);
    expect(spec.verticalOffset).toBe(0);
    expect(spec.output).toBeUndefined();
  });

  it('changes its embedder id when a setting changes, not when the name stays', () => {
    const id = (name: string, content: object) =>
      embedderIdOf(readEmbedderManifest(writeManifest(name, content)));
    const original = id('a.json', MOBILEFACE_MANIFEST);
    expect(original).toMatch(/^my-mobileface@pad0\/0#[0-9a-f]{8}$/);
    expect(id('b.json', MOBILEFACE_MANIFEST)).toBe(original);
    expect(id('c.json', { ...MOBILEFACE_MANIFEST, mean: 200 })).not.toBe(
      original,
    );
    expect(id('d.json', { ...MOBILEFACE_MANIFEST, channels: 'bgr' })).not.toBe(
      original,
    );
  });

  it('reads per-channel values and an absolute path', () => {
    const path = writeManifest('full.json', {
      ...MOBILEFACE_MANIFEST,
      model: humanModelPath('mobileface.json'),
      channels: 'bgr',
      mean: [1, 2, 3],
      std: 127.5,
      padding: 0.1,
      verticalOffset: -0.05,
    });
    const spec = readEmbedderManifest(path);
    expect(spec.modelPath).toBe(humanModelPath('mobileface.json'));
    expect(spec.channels).toBe('bgr');
    expect(spec.mean).toEqual([1, 2, 3]);
    expect(spec.std).toEqual([127.5, 127.5, 127.5]);
    expect(spec.padding).toBe(0.1);
    expect(spec.verticalOffset).toBe(-0.05);
  });

  it('names the manifest after its file by default', () => {
    const { name, ...unnamed } = MOBILEFACE_MANIFEST;
    expect(name).toBe('my-mobileface');
    const spec = readEmbedderManifest(writeManifest('arcface.json', unnamed));
    expect(spec.name).toBe('arcface');
  });

  it('defaults an .onnx model to onnx and nchw', () => {
    writeFileSync(join(scratch, 'facenet.onnx'), '');
    const spec = readEmbedderManifest(
      writeManifest('facenet.json', {
        model: 'facenet.onnx',
        inputSize: 160,
        dimension: 512,
      }),
    );
    expect(spec.format).toBe('onnx');
    expect(spec.layout).toBe('nchw');
  });

  it.each([
    ['model', { ...MOBILEFACE_MANIFEST, model: undefined }, 'missing'],
    ['inputSize', { ...MOBILEFACE_MANIFEST, inputSize: 0 }, 'integer'],
    ['dimension', { ...MOBILEFACE_MANIFEST, dimension: 2.5 }, 'integer'],
    ['mean', { ...MOBILEFACE_MANIFEST, mean: [1, 2] }, 'array of three'],
    ['std', { ...MOBILEFACE_MANIFEST, std: 0 }, 'positive'],
    ['layout', { ...MOBILEFACE_MANIFEST, layout: 'hwc' }, 'nhwc, nchw'],
    ['channels', { ...MOBILEFACE_MANIFEST, channels: 'rgba' }, 'rgb, bgr'],
    ['format', { ...MOBILEFACE_MANIFEST, format: 'keras' }, 'tfjs-graph'],
    ['padding', { ...MOBILEFACE_MANIFEST, padding: 0.5 }, '(-0.25, 0.45)'],
    ['output', { ...MOBILEFACE_MANIFEST, output: 3 }, 'string'],
    ['mea', { ...MOBILEFACE_MANIFEST, mea: 127.5 }, 'unknown field'],
  ])('rejects an invalid %s', (field, content, problem) => {
    const path = writeManifest(`bad-${field}.json`, content);
    const read = () => readEmbedderManifest(path);
    expect(read).toThrow(ManifestError);
    expect(read).toThrow(path);
    expect(read).toThrow(`field "${field}"`);
    expect(read).toThrow(problem);
  });

  it('names both files when the model is missing', () => {
    const path = writeManifest('missing-model.json', {
      ...MOBILEFACE_MANIFEST,
      model: 'weights/model.json',
    });
    const read = () => readEmbedderManifest(path);
    expect(read).toThrow(path);
    expect(read).toThrow(join(scratch, 'weights', 'model.json'));
    expect(read).toThrow('not found');
  });

  it('rejects a file that is not a JSON object', () => {
    const syntax = writeManifest('syntax.json', '{"model": ');
    expect(() => readEmbedderManifest(syntax)).toThrow(
      `${syntax}: not valid JSON`,
    );
    const list = writeManifest('list.json', [MOBILEFACE_MANIFEST]);
    expect(() => readEmbedderManifest(list)).toThrow(
      `${list}: not a JSON object`,
    );
  });
});

describe('embedder factory', () => {
  let runtime: Runtime;
  beforeAll(async () => {
    runtime = await loadRuntime();
  });

  it('rejects an unknown name', async () => {
    await expect(createEmbedder(runtime, 'arcface')).rejects.toThrow(
      `unknown embedder "arcface": not one of ${EMBEDDER_NAMES.join(', ')}`,
    );
  });

  it('loads an ONNX manifest with ONNX Runtime', async () => {
    const conversion = await convertGraphModelToOnnx(
      humanModelPath('mobileface.json'),
      join(scratch, 'mobileface.onnx'),
    );
    const path = writeManifest('onnx.json', {
      name: 'mobileface-onnx',
      model: 'mobileface.onnx',
      inputSize: conversion.inputSize,
      dimension: conversion.dimension,
    });
    const graph = await createEmbedder(runtime, 'mobileface');
    const onnx = await createEmbedder(runtime, path);
    try {
      expect(onnx.id).toMatch(/^mobileface-onnx@pad0\/0#[0-9a-f]{8}$/);
      const face: RgbImage = {
        data: Uint8Array.from({ length: 112 * 112 * 3 }, (_, i) => i % 251),
        width: 112,
        height: 112,
        source: 'pattern.png',
      };
      const [fromOnnx] = await onnx.embed([face]);
      const [fromGraph] = await graph.embed([face]);
      expect(l2Distance(fromOnnx!, fromGraph!)).toBeLessThan(1e-3);
    } finally {
      graph.dispose();
      onnx.dispose();
    }
  });

  it('rejects an invalid ONNX file', async () => {
    writeFileSync(join(scratch, 'empty.onnx'), '');
    const path = writeManifest('empty-onnx.json', {
      model: 'empty.onnx',
      inputSize: 112,
      dimension: 512,
    });
    await expect(createEmbedder(runtime, path)).rejects.toThrow(
      join(scratch, 'empty.onnx'),
    );
  });

  it('rejects a dimension that no output has', async () => {
    const path = writeManifest('wrong-dimension.json', {
      ...MOBILEFACE_MANIFEST,
      dimension: 512,
    });
    const before = runtime.tf.memory().numTensors;
    await expect(createEmbedder(runtime, path)).rejects.toThrow(
      '0 outputs have 512 values (outputs: batchnorm0/add_1:0 (256))',
    );
    expect(runtime.tf.memory().numTensors).toBe(before);
  });

  it('rejects an input size the model does not take', async () => {
    const path = writeManifest('wrong-size.json', {
      ...MOBILEFACE_MANIFEST,
      inputSize: 96,
    });
    await expect(createEmbedder(runtime, path)).rejects.toThrow(
      'fix inputSize or layout',
    );
  });
});

/** Aligned faces of 6 matched and 6 mismatched pairs from LFW View 1 training pairs. */
interface PairFaces {
  readonly same: boolean;
  readonly faces: readonly [RgbImage, RgbImage];
}

describe.skipIf(!folder)('embedders on LFW faces', () => {
  let runtime: Runtime;
  const landmarks = new Map<string, { image: RgbImage; points: Landmarks5 }>();
  const pairs = folder
    ? balancedSubset(readPairs(join(folder, 'pairsDevTrain.txt')).pairs, 12)
    : [];

  beforeAll(async () => {
    runtime = await loadRuntime();
    const detector = await createDetector(runtime, 'mtcnn');
    try {
      for (const pair of pairs) {
        for (const { name, index } of [pair.first, pair.second]) {
          const path = lfwImage(folder!, name, index);
          const image = await loadImage(path);
          const face = largestFaceOf(
            await detectFaces(runtime.tf, detector, image),
          );
          if (face === undefined) throw new Error(`${path}: no face found`);
          landmarks.set(path, { image, points: face.landmarks5 });
        }
      }
    } finally {
      detector.dispose();
    }
  }, 120_000);

  function alignPairs(embedder: FaceEmbedder): PairFaces[] {
    const align = ({ name, index }: { name: string; index: number }) => {
      const { image, points } = landmarks.get(lfwImage(folder!, name, index))!;
      return alignFace(image, points, embedder.template).image;
    };
    return pairs.map((pair) => ({
      same: pair.same,
      faces: [align(pair.first), align(pair.second)],
    }));
  }

  describe.each([
    ['faceres', /^faceres-1024@pad0\.05\/0$/, 1024],
    ['mobileface', /^mobileface-256@pad0\/0$/, 256],
    ['manifest', /^my-mobileface@pad0\/0#[0-9a-f]{8}$/, 256],
  ])('%s', (choice, id, dimension) => {
    let embedder: FaceEmbedder;
    let aligned: PairFaces[];
    let distances: { same: boolean; distance: number }[];

    beforeAll(async () => {
      const nameOrPath =
        choice === 'manifest'
          ? writeManifest('user.json', MOBILEFACE_MANIFEST)
          : choice;
      embedder = await createEmbedder(runtime, nameOrPath);
      aligned = alignPairs(embedder);
      const vectors = await embedder.embed(aligned.flatMap((p) => p.faces));
      distances = aligned.map((pair, i) => ({
        same: pair.same,
        distance: l2Distance(vectors[2 * i]!, vectors[2 * i + 1]!),
      }));
    }, 120_000);
    afterAll(() => embedder?.dispose());

    it('has its id and dimension', () => {
      expect(embedder.id).toMatch(id);
      expect(embedder.dimension).toBe(dimension);
    });

    it('returns unit vectors of its dimension', async () => {
      const vectors = await embedder.embed(aligned[0]!.faces);
      expect(vectors).toHaveLength(2);
      for (const vector of vectors) {
        expect(vector).toHaveLength(dimension);
        expect(Math.hypot(...vector)).toBeCloseTo(1, 5);
      }
    });

    it('separates different people', () => {
      for (const { distance } of distances.filter((d) => !d.same)) {
        expect(distance).toBeGreaterThan(0.5);
      }
    });

    it('puts the same person closer than different people', () => {
      const same = distances.filter((d) => d.same).map((d) => d.distance);
      const different = distances.filter((d) => !d.same).map((d) => d.distance);
      const mean = (values: number[]) =>
        values.reduce((sum, value) => sum + value, 0) / values.length;
      expect(mean(same) + 0.2).toBeLessThan(mean(different));
      // At most one matched pair is farther than the closest mismatched pair.
      const closestDifferent = Math.min(...different);
      const farther = same.filter((distance) => distance >= closestDifferent);
      expect(farther.length).toBeLessThanOrEqual(1);
    });

    it('leaves no tensors behind', async () => {
      const before = runtime.tf.memory().numTensors;
      await embedder.embed(aligned.slice(0, 3).flatMap((p) => p.faces));
      expect(runtime.tf.memory().numTensors).toBe(before);
    });

    it('rejects a face of another size', async () => {
      const face: RgbImage = {
        data: new Uint8Array(64 * 64 * 3),
        width: 64,
        height: 64,
        source: 'small.png',
      };
      await expect(embedder.embed([face])).rejects.toThrow(
        `small.png: ${embedder.id.split('@')[0]} needs`,
      );
    });
  });
});

describe.skipIf(!folder)('pipeline embedder option', () => {
  let faceapi: FacePipeline;
  let mobileface: FacePipeline;
  beforeAll(async () => {
    faceapi = await FacePipeline.create({ cache: false });
    mobileface = await FacePipeline.create({
      cache: false,
      embedder: relative(
        process.cwd(),
        writeManifest('pipeline.json', MOBILEFACE_MANIFEST),
      ),
    });
  }, 120_000);
  afterAll(() => {
    faceapi?.dispose();
    mobileface?.dispose();
  });

  it('carries the embedder in its options', () => {
    expect(faceapi.options.embedder).toBe('faceapi');
    expect(mobileface.options.embedder).toBe(join(scratch, 'pipeline.json'));
    expect(mobileface.model).toMatch(/^my-mobileface@pad0\/0#[0-9a-f]{8}$/);
  });

  it('embeds a face at the manifest model size', async () => {
    const analysis = await mobileface.analyzeFile(
      lfwImage(folder!, 'Aaron_Eckhart', 1),
    );
    expect(analysis.faces).toHaveLength(1);
    expect(analysis.faces[0]!.embedding).toHaveLength(256);
  });

  it('rejects a gallery of another embedder', async () => {
    const { faces } = await faceapi.analyzeFile(
      lfwImage(folder!, 'Aaron_Eckhart', 1),
    );
    const gallery = new IndexedGallery(faceapi.model, 128);
    gallery.add('Aaron_Eckhart', faces[0]!.embedding);
    const path = join(scratch, 'gallery.json');
    await saveGallery(gallery, path);
    await expect(openGallery(path, faceapi)).resolves.toBeDefined();
    await expect(openGallery(path, mobileface)).rejects.toThrow(
      `holds embeddings of model "${faceapi.model}" but the pipeline uses "${mobileface.model}"`,
    );
  });
});
