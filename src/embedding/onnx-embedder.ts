/**
 * An embedder over a user's ONNX model (for example a FaceNet exported from
 * PyTorch), described by an {@link EmbedderModelSpec} and run by ONNX
 * Runtime on the CPU.
 */
import type { AlignmentTemplate } from '../alignment/template';
import type { RgbImage } from '../input/image';
import { createLogger } from '../log';
import {
  embedderIdOf,
  templateOf,
  type EmbedderModelSpec,
} from '../models/manifest';
import {
  loadOnnxRuntime,
  openOnnxSession,
  type OrtModule,
  type OrtSession,
  type OrtTensor,
} from './onnx-runtime';
import { normalizeL2, type FaceEmbedder } from './types';

/** Most faces sent through a model whose batch axis is not fixed. */
const BATCH_SIZE = 16;

/**
 * Threads for the work inside each operator. One, because facelab's worker
 * threads already run one embedder each, and a second ONNX thread then
 * competes with them for the same cores.
 * NOTE: measured on a shared 2-core machine with MobileFace converted to
 * ONNX, 96 faces, three runs each. At a load average of 5.5, one thread
 * took 2.2 to 2.7 ms per face and two took 4.1 to 4.9 ms. At 7.4, one took
 * 4.4 to 5.5 ms and two 7.5 to 11.0 ms. A machine with idle cores may gain
 * from more threads, so `threads` in {@link createOnnxEmbedder} sets them.
 */
export const ONNX_DEFAULT_THREADS = 1;

/** Settings of an ONNX embedder beyond its model spec. */
export interface OnnxEmbedderOptions {
  /** Threads for the work inside each operator (default {@link ONNX_DEFAULT_THREADS}). */
  threads?: number;
}

const log = createLogger('embedding');

/** Releases `session`. A failure is logged, not raised, because nothing can undo it. */
async function releaseSession(
  session: OrtSession,
  modelPath: string,
): Promise<void> {
  try {
    await session.release();
  } catch (error) {
    log.warn(
      `${modelPath}: releasing the ONNX Runtime session failed: ${String(error)}`,
    );
  }
}

/**
 * Writes `faces` into a float32 input of `rows` faces in the spec's layout,
 * channel order and normalisation. Rows past the last face stay zero.
 */
function facesToInput(
  spec: EmbedderModelSpec,
  faces: readonly RgbImage[],
  rows: number,
): Float32Array {
  const plane = spec.inputSize * spec.inputSize;
  const input = new Float32Array(rows * plane * 3);
  const nchw = spec.layout === 'nchw';
  for (let c = 0; c < 3; c++) {
    // Channel c of the model input. Its mean and std are in the model's order.
    const source = spec.channels === 'bgr' ? 2 - c : c;
    const mean = spec.mean[c]!;
    const scale = 1 / spec.std[c]!;
    faces.forEach((face, f) => {
      const data = face.data;
      for (let p = 0; p < plane; p++) {
        const index = nchw ? (f * 3 + c) * plane + p : (f * plane + p) * 3 + c;
        input[index] = (data[p * 3 + source]! - mean) * scale;
      }
    });
  }
  return input;
}

/** Shape of the model input for `rows` faces. */
function inputDims(spec: EmbedderModelSpec, rows: number): number[] {
  const size = spec.inputSize;
  return spec.layout === 'nchw' ? [rows, 3, size, size] : [rows, size, size, 3];
}

/**
 * Checks the model's single input against the spec, where ONNX Runtime
 * reports its type and shape. Returns the faces per run: the model's fixed
 * batch size, 1 when the shape is not reported, or undefined when the batch
 * axis takes any size.
 */
function checkInput(
  spec: EmbedderModelSpec,
  session: OrtSession,
): number | undefined {
  const path = spec.modelPath;
  if (session.inputNames.length !== 1) {
    throw new Error(
      `${path}: the model has ${session.inputNames.length} inputs ` +
        `(${session.inputNames.join(', ')}); facelab feeds one image tensor, ` +
        'so export the model with a single input',
    );
  }

  const metadata = session.inputMetadata[0];
  const name = session.inputNames[0]!;
  if (metadata?.isTensor && metadata.type !== 'float32') {
    throw new Error(
      `${path}: input ${name} is of type ${metadata.type}, not float32; ` +
        'export the model with a float32 input',
    );
  }

  const shape = metadata?.shape ?? [];
  if (shape.length === 0) return 1; // Unknown shape: one face per run is always valid.
  const expected = inputDims(spec, 0);
  // A symbolic (string) or negative dimension takes any size.
  const matches =
    shape.length === 4 &&
    shape.every(
      (side, axis) =>
        axis === 0 ||
        typeof side !== 'number' ||
        side < 0 ||
        side === expected[axis],
    );
  if (!matches) {
    throw new Error(
      `${path}: input ${name} has shape [${shape.join(', ')}], but the ` +
        `manifest's layout "${spec.layout}" and inputSize ${spec.inputSize} ` +
        `give [batch, ${expected.slice(1).join(', ')}]; fix layout or ` +
        'inputSize in the model manifest',
    );
  }

  const batch = shape[0];
  return typeof batch === 'number' && batch > 0 ? batch : undefined;
}

/**
 * Returns the name of the output that contains the embedding: the one the spec
 * names, else the only one with `dimension` values per face. It runs the
 * model once on a blank face, which also checks the input size.
 */
async function findEmbeddingOutput(
  ort: OrtModule,
  spec: EmbedderModelSpec,
  session: OrtSession,
  rows: number,
): Promise<string> {
  const path = spec.modelPath;
  const names = session.outputNames;
  if (spec.output !== undefined && !names.includes(spec.output)) {
    throw new Error(
      `${path}: no output named "${spec.output}"; set output to one of ` +
        `${names.join(', ')} in the model manifest`,
    );
  }

  const input = new ort.Tensor(
    'float32',
    new Float32Array(rows * spec.inputSize * spec.inputSize * 3),
    inputDims(spec, rows),
  );
  let outputs: Record<string, OrtTensor>;
  try {
    outputs = await session.run({ [session.inputNames[0]!]: input });
  } catch (error) {
    throw new Error(
      `${path}: the model rejects a ${spec.layout} input of shape ` +
        `[${inputDims(spec, rows).join(', ')}] (${(error as Error).message}); ` +
        'fix inputSize or layout in the model manifest',
    );
  }

  const lengths = names.map(
    (name) =>
      outputs[name]!.dims.reduce((product, side) => product * side, 1) / rows,
  );
  const output = spec.output ?? findOutputByLength(spec, names, lengths);
  const length = lengths[names.indexOf(output)];
  if (length !== spec.dimension) {
    throw new Error(
      `${path}: output ${output} has ${length} values per face, not ` +
        `dimension ${spec.dimension}; fix dimension or output in the model manifest`,
    );
  }
  const type = outputs[output]!.type;
  if (type !== 'float32' && type !== 'float64') {
    throw new Error(
      `${path}: output ${output} is of type ${type}, not float32; ` +
        'export the model with a float32 embedding output',
    );
  }
  return output;
}

/** Returns the only output with `dimension` values per face. */
function findOutputByLength(
  spec: EmbedderModelSpec,
  names: readonly string[],
  lengths: readonly number[],
): string {
  const path = spec.modelPath;
  const describe = names
    .map((name, i) => `${name} (${lengths[i]} values per face)`)
    .join(', ');
  const matches = names.filter((_, i) => lengths[i] === spec.dimension);
  if (matches.length === 0) {
    throw new Error(
      `${path}: no output has dimension ${spec.dimension} values per face ` +
        `(outputs: ${describe}); fix dimension in the model manifest`,
    );
  }
  if (matches.length > 1) {
    throw new Error(
      `${path}: ${matches.length} outputs have dimension ${spec.dimension} ` +
        `values per face (${matches.join(', ')}); set output in the model manifest`,
    );
  }
  return matches[0]!;
}

class OnnxEmbedder implements FaceEmbedder {
  readonly id: string;
  readonly dimension: number;
  readonly template: AlignmentTemplate;
  private released = false;

  constructor(
    private readonly ort: OrtModule,
    private readonly session: OrtSession,
    private readonly spec: EmbedderModelSpec,
    private readonly outputName: string,
    /** Faces per run, or undefined when the batch axis takes any size. */
    private readonly fixedBatch: number | undefined,
  ) {
    this.id = embedderIdOf(spec);
    this.dimension = spec.dimension;
    this.template = templateOf(spec);
  }

  async embed(faces: readonly RgbImage[]): Promise<Float32Array[]> {
    if (this.released) {
      throw new Error(`${this.spec.name}: the ONNX embedder was disposed`);
    }
    const size = this.spec.inputSize;
    for (const face of faces) {
      if (face.width !== size || face.height !== size) {
        throw new RangeError(
          `${face.source}: ${this.spec.name} needs ${size}x${size} aligned faces, got ${face.width}x${face.height}`,
        );
      }
    }
    const step = this.fixedBatch ?? BATCH_SIZE;
    const results: Float32Array[] = [];
    for (let start = 0; start < faces.length; start += step) {
      const batch = faces.slice(start, start + step);
      // A fixed batch is filled up with blank faces, whose outputs are dropped.
      const rows = this.fixedBatch ?? batch.length;
      const input = new this.ort.Tensor(
        'float32',
        facesToInput(this.spec, batch, rows),
        inputDims(this.spec, rows),
      );
      const outputs = await this.session.run(
        { [this.session.inputNames[0]!]: input },
        [this.outputName],
      );
      // Float32Array or Float64Array, as checked when the model loaded.
      const values = outputs[this.outputName]!.data as Float32Array;
      for (let i = 0; i < batch.length; i++) {
        const offset = i * this.dimension;
        const vector = values.subarray(offset, offset + this.dimension);
        results.push(normalizeL2(Float32Array.from(vector)));
      }
    }
    return results;
  }

  dispose(): void {
    if (this.released) return;
    this.released = true;
    void releaseSession(this.session, this.spec.modelPath);
  }
}

/**
 * Loads the ONNX model that `spec` describes with ONNX Runtime and wraps it
 * as a {@link FaceEmbedder}. Faces are normalised as the spec sets, sent in
 * batches (one at a time when the model fixes its batch size at 1), and each
 * embedding is scaled to unit L2 length.
 *
 * @throws when `onnxruntime-node` is not installed, when the model file is
 *   missing or invalid, or when its input or outputs do not match the spec.
 */
export async function createOnnxEmbedder(
  spec: EmbedderModelSpec,
  options: OnnxEmbedderOptions = {},
): Promise<FaceEmbedder> {
  if (spec.format !== 'onnx') {
    throw new Error(
      `${spec.modelPath}: format ${spec.format} is not ONNX; load it with the embedder for its format`,
    );
  }
  const threads = options.threads ?? ONNX_DEFAULT_THREADS;
  if (!(Number.isInteger(threads) && threads >= 1)) {
    throw new RangeError(
      `ONNX threads must be a positive integer, got ${threads}`,
    );
  }
  const ort = loadOnnxRuntime(spec.modelPath);
  const session = await openOnnxSession(ort, spec.modelPath, threads);
  try {
    const fixedBatch = checkInput(spec, session);
    const outputName = await findEmbeddingOutput(
      ort,
      spec,
      session,
      fixedBatch ?? 1,
    );
    log.info(
      `loaded ${spec.name} from ${spec.modelPath} with ONNX Runtime on the CPU ` +
        `(${threads} thread${threads === 1 ? '' : 's'}, ` +
        `${fixedBatch === undefined ? `up to ${BATCH_SIZE}` : fixedBatch} faces per run)`,
    );
    return new OnnxEmbedder(ort, session, spec, outputName, fixedBatch);
  } catch (error) {
    await releaseSession(session, spec.modelPath);
    throw error;
  }
}
