/**
 * An embedder over any TensorFlow.js graph model described by an
 * {@link EmbedderModelSpec}: Human's FaceRes and MobileFace, or a user's own
 * converted model.
 */
import type { GraphModel, Tensor, Tensor4D } from '@tensorflow/tfjs';

import type { AlignmentTemplate } from '../alignment/template';
import type { Tf } from '../backend/backend';
import type { RgbImage } from '../input/image';
import { loadGraphModelFromDisk } from '../models/graph-model';
import {
  embedderIdOf,
  templateOf,
  type EmbedderModelSpec,
} from '../models/manifest';
import { normalizeL2, type FaceEmbedder } from './types';

/** Maximum faces sent through the network in one batch. */
const BATCH_SIZE = 16;

/** Converts a batch of aligned faces to the model's input tensor. */
function toInput(
  tf: Tf,
  spec: EmbedderModelSpec,
  faces: readonly RgbImage[],
): Tensor4D {
  const size = spec.inputSize;
  const pixels = new Uint8Array(faces.length * size * size * 3);
  faces.forEach((face, i) => pixels.set(face.data, i * size * size * 3));
  return tf.tidy(() => {
    let input: Tensor4D = tf.tensor4d(
      pixels,
      [faces.length, size, size, 3],
      'float32',
    );
    if (spec.channels === 'bgr') input = tf.reverse(input, 3);
    input = tf.div(tf.sub(input, tf.tensor1d([...spec.mean])), [...spec.std]);
    return spec.layout === 'nchw' ? tf.transpose(input, [0, 3, 1, 2]) : input;
  });
}

/**
 * Runs the model once on a blank face and returns the number of values
 * each output has, which also checks that the model takes the spec's input.
 */
function measureOutputs(
  tf: Tf,
  model: GraphModel,
  spec: EmbedderModelSpec,
): number[] {
  const blank: RgbImage = {
    data: new Uint8Array(spec.inputSize * spec.inputSize * 3),
    width: spec.inputSize,
    height: spec.inputSize,
    source: 'blank face',
  };
  const input = toInput(tf, spec, [blank]);
  let outputs: Tensor[];
  try {
    outputs = [model.execute(input, model.outputNodes)].flat();
  } catch (error) {
    throw new Error(
      `${spec.modelPath}: the model rejects a ${spec.layout} input of ` +
        `${spec.inputSize}x${spec.inputSize} RGB (${(error as Error).message}); ` +
        'fix inputSize or layout in the model manifest',
    );
  } finally {
    input.dispose();
  }
  const lengths = outputs.map((output) => output.size);
  tf.dispose(outputs);
  return lengths;
}

/**
 * Returns the name of the model output that contains the embedding: the one
 * the spec names, else the only one of `dimension` values per face.
 */
function findEmbeddingOutput(
  tf: Tf,
  model: GraphModel,
  spec: EmbedderModelSpec,
): string {
  const lengths = measureOutputs(tf, model, spec);
  const names = model.outputNodes;
  const listing = names.map((name, i) => `${name} (${lengths[i]})`).join(', ');

  if (spec.output !== undefined) {
    const index = names.findIndex(
      (name) => name === spec.output || name === `${spec.output}:0`,
    );
    if (index < 0) {
      throw new Error(
        `${spec.modelPath}: no output named "${spec.output}"; ` +
          `set output to one of ${listing} in the model manifest`,
      );
    }
    if (lengths[index] !== spec.dimension) {
      throw new Error(
        `${spec.modelPath}: output ${spec.output} has ${lengths[index]} values, ` +
          `not dimension ${spec.dimension}; fix dimension in the model manifest`,
      );
    }
    return names[index]!;
  }

  const matches = names.filter((_, i) => lengths[i] === spec.dimension);
  if (matches.length !== 1) {
    throw new Error(
      `${spec.modelPath}: ${matches.length} outputs have ${spec.dimension} values ` +
        `(outputs: ${listing}); set output or dimension in the model manifest`,
    );
  }
  return matches[0]!;
}

class GraphModelEmbedder implements FaceEmbedder {
  readonly id: string;
  readonly dimension: number;
  readonly template: AlignmentTemplate;

  constructor(
    private readonly tf: Tf,
    private readonly model: GraphModel,
    private readonly spec: EmbedderModelSpec,
    private readonly outputName: string,
  ) {
    this.id = embedderIdOf(spec);
    this.dimension = spec.dimension;
    this.template = templateOf(spec);
  }

  async embed(faces: readonly RgbImage[]): Promise<Float32Array[]> {
    const size = this.spec.inputSize;
    for (const face of faces) {
      if (face.width !== size || face.height !== size) {
        throw new RangeError(
          `${face.source}: ${this.spec.name} needs ${size}x${size} aligned faces, got ${face.width}x${face.height}`,
        );
      }
    }
    const results: Float32Array[] = [];
    for (let start = 0; start < faces.length; start += BATCH_SIZE) {
      const batch = faces.slice(start, start + BATCH_SIZE);
      const input = toInput(this.tf, this.spec, batch);
      let output: Tensor | undefined;
      try {
        output = this.model.execute(input, this.outputName) as Tensor;
        // [faces, dimension] whatever the output's own shape, for example [n, 1, 1, d].
        const values = await output.data<'float32'>();
        for (let i = 0; i < batch.length; i++) {
          const offset = i * this.dimension;
          results.push(
            normalizeL2(values.slice(offset, offset + this.dimension)),
          );
        }
      } finally {
        input.dispose();
        output?.dispose();
      }
    }
    return results;
  }

  dispose(): void {
    this.model.dispose();
  }
}

/**
 * Loads the TensorFlow.js graph model that `spec` describes and wraps it as
 * a {@link FaceEmbedder}. Faces are normalised as the spec describes, and each
 * embedding is scaled to unit L2 length.
 *
 * @throws when the spec is not a `tfjs-graph` model, when the model rejects
 *   the spec's input, or when its outputs do not match `output`/`dimension`.
 */
export async function createGraphModelEmbedder(
  tf: Tf,
  spec: EmbedderModelSpec,
): Promise<FaceEmbedder> {
  if (spec.format !== 'tfjs-graph') {
    throw new Error(
      `${spec.modelPath}: format ${spec.format} is not a TensorFlow.js graph model; ` +
        'load it with the embedder for its format',
    );
  }
  const model = await loadGraphModelFromDisk(tf, spec.modelPath);
  try {
    const outputName = findEmbeddingOutput(tf, model, spec);
    return new GraphModelEmbedder(tf, model, spec, outputName);
  } catch (error) {
    model.dispose();
    throw error;
  }
}
