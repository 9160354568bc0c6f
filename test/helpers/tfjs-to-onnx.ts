/**
 * Converts a TensorFlow.js graph model into an ONNX model file, so the tests
 * have a real ONNX face embedder without downloading one. The ONNX model
 * takes NCHW input, as a PyTorch export would: 4-D activations are kept in
 * NCHW order and the convolution weights, paddings and per-channel
 * constants are transposed to match.
 *
 * Only the ops of Human's MobileFace model are supported (Placeholder,
 * Const, Sub, Mul, Pad, Conv2D, DepthwiseConv2dNative, Maximum, Minimum,
 * AddV2, Reshape, MatMul), with float32 and int32 weights. Any other op,
 * attribute or weight type raises an error naming it.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import {
  encodeOnnxModel,
  ONNX_FLOAT,
  ONNX_INT64,
  type OnnxAttributeValue,
  type OnnxNode,
  type OnnxTensor,
} from './onnx-proto';

/** How the ONNX model's input differs from the graph model's. */
export interface OnnxConversionOptions {
  /** Fixed batch size of the input. When absent, the batch axis is symbolic. */
  batchSize?: number;
  /** Channel order of the ONNX input (default `rgb`, the graph model's). */
  channels?: 'rgb' | 'bgr';
  /**
   * Removes the graph's leading `(x - a) * b` scaling by scalar constants,
   * so the caller normalises the input (`mean = a`, `std = 1 / b`).
   */
  extractInputScaling?: boolean;
}

/** What the converted model expects and returns. */
export interface OnnxConversion {
  readonly inputName: string;
  readonly outputName: string;
  /** Input side, in pixels. */
  readonly inputSize: number;
  /** Length of the output per face. */
  readonly dimension: number;
  /** Normalisation the caller applies, `(pixel - mean) / std`. It is 0 and 1 when the graph keeps its own. */
  readonly mean: number;
  readonly std: number;
}

const SUPPORTED_OPS = new Set([
  'Placeholder',
  'Const',
  'Sub',
  'Mul',
  'Pad',
  'Conv2D',
  'DepthwiseConv2dNative',
  'Maximum',
  'Minimum',
  'AddV2',
  'Reshape',
  'MatMul',
]);

const ELEMENTWISE_OPS: Readonly<Record<string, string>> = {
  Sub: 'Sub',
  Mul: 'Mul',
  AddV2: 'Add',
  Maximum: 'Max',
  Minimum: 'Min',
};

/** Axis order that takes an NHWC index list to NCHW. */
const NHWC_TO_NCHW = [0, 3, 1, 2];

interface TfAttr {
  s?: string;
  b?: boolean;
  list?: { i?: string[] };
  shape?: { dim?: { size: string }[] };
}

interface TfNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, TfAttr>;
}

interface ModelJson {
  format?: string;
  modelTopology?: { node?: TfNode[] };
  signature?: { outputs?: Record<string, unknown> };
  weightsManifest?: {
    paths: string[];
    weights: {
      name: string;
      shape: number[];
      dtype: string;
      quantization?: unknown;
    }[];
  }[];
}

interface Weight {
  readonly shape: readonly number[];
  readonly values: Float32Array | Int32Array;
}

async function readWeights(
  modelPath: string,
  json: ModelJson,
): Promise<Map<string, Weight>> {
  const weights = new Map<string, Weight>();
  for (const group of json.weightsManifest ?? []) {
    const parts = await Promise.all(
      group.paths.map((path) => readFile(join(dirname(modelPath), path))),
    );
    const data = Buffer.concat(parts);
    let offset = 0;
    for (const spec of group.weights) {
      if (spec.quantization !== undefined) {
        throw new Error(
          `${modelPath}: weight ${spec.name} is quantized, which this converter does not support`,
        );
      }
      if (spec.dtype !== 'float32' && spec.dtype !== 'int32') {
        throw new Error(
          `${modelPath}: weight ${spec.name} has dtype ${spec.dtype}; only float32 and int32 are supported`,
        );
      }
      const count = spec.shape.reduce((product, side) => product * side, 1);
      // Copy, so the typed array is aligned whatever the offset.
      const bytes = data.subarray(offset, offset + count * 4);
      const copy = new Uint8Array(bytes).buffer;
      const values =
        spec.dtype === 'float32'
          ? new Float32Array(copy)
          : new Int32Array(copy);
      weights.set(spec.name, { shape: spec.shape, values });
      offset += count * 4;
    }
  }
  return weights;
}

/** Strips the `:0` output suffix, and rejects control inputs and other outputs. */
function inputName(node: TfNode, input: string): string {
  if (input.startsWith('^') || /:[1-9]\d*$/.test(input)) {
    throw new Error(
      `node ${node.name} (${node.op}) uses input ${input}; only the first output of each node is supported`,
    );
  }
  return input.replace(/:0$/, '');
}

function attrString(node: TfNode, name: string): string | undefined {
  const value = node.attr?.[name]?.s;
  return value === undefined
    ? undefined
    : Buffer.from(value, 'base64').toString('utf8');
}

function attrInts(node: TfNode, name: string): number[] | undefined {
  return node.attr?.[name]?.list?.i?.map(Number);
}

/** Reorders `values`, laid out in `shape`, to the axis order `perm`. */
function transpose(
  values: Float32Array,
  shape: readonly number[],
  perm: readonly number[],
): Float32Array {
  const outShape = perm.map((axis) => shape[axis]!);
  const inStrides = shape.map((_, axis) =>
    shape.slice(axis + 1).reduce((product, side) => product * side, 1),
  );
  const out = new Float32Array(values.length);
  const index = new Array<number>(shape.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let source = 0;
    for (let axis = 0; axis < perm.length; axis++) {
      source += index[axis]! * inStrides[perm[axis]!]!;
    }
    out[o] = values[source]!;
    // Advance the output index, last axis fastest.
    for (let axis = outShape.length - 1; axis >= 0; axis--) {
      if (++index[axis]! < outShape[axis]!) break;
      index[axis] = 0;
    }
  }
  return out;
}

/** Builds the ONNX graph node by node from the TensorFlow graph. */
class GraphConverter {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  /** ONNX values that are 4-D activations, stored in NCHW order. */
  private readonly nchwValues = new Set<string>();
  /** TensorFlow values replaced by another ONNX value. */
  private readonly aliases = new Map<string, string>();
  private readonly emitted = new Set<string>();

  constructor(
    private readonly modelPath: string,
    private readonly byName: ReadonlyMap<string, TfNode>,
    private readonly weights: ReadonlyMap<string, Weight>,
  ) {}

  fail(node: TfNode, problem: string): never {
    throw new Error(
      `${this.modelPath}: node ${node.name} (${node.op}): ${problem}`,
    );
  }

  alias(tfName: string, onnxName: string, nchw: boolean): void {
    this.aliases.set(tfName, onnxName);
    if (nchw) this.nchwValues.add(onnxName);
  }

  value(name: string): string {
    return this.aliases.get(name) ?? name;
  }

  isNchw(name: string): boolean {
    return this.nchwValues.has(this.value(name));
  }

  isConst(name: string): boolean {
    return this.byName.get(name)?.op === 'Const';
  }

  weight(node: TfNode, name: string): Weight {
    const weight = this.weights.get(name);
    if (weight === undefined) {
      this.fail(node, `constant ${name} is not in the weights manifest`);
    }
    return weight;
  }

  addInitializer(tensor: OnnxTensor): string {
    if (!this.emitted.has(tensor.name)) {
      this.emitted.add(tensor.name);
      this.initializers.push(tensor);
    }
    return tensor.name;
  }

  floatConstant(node: TfNode, name: string, dims?: readonly number[]): string {
    const weight = this.weight(node, name);
    if (!(weight.values instanceof Float32Array)) {
      this.fail(node, `constant ${name} is not float32`);
    }
    const shape = dims ?? weight.shape;
    return this.addInitializer({
      name: dims === undefined ? name : `${name}/${dims.join('x')}`,
      dataType: ONNX_FLOAT,
      dims: shape,
      values: weight.values,
    });
  }

  int64Constant(name: string, values: readonly number[]): string {
    return this.addInitializer({
      name,
      dataType: ONNX_INT64,
      dims: [values.length],
      values: BigInt64Array.from(values.map(BigInt)),
    });
  }

  emit(node: OnnxNode, nchw: boolean, tfName = node.outputs[0]!): void {
    this.nodes.push(node);
    this.alias(tfName, node.outputs[0]!, nchw);
  }

  /** Sub, Mul, AddV2, Maximum or Minimum, broadcasting per-channel constants over NCHW. */
  convertElementwise(node: TfNode, inputs: readonly string[]): void {
    const nchw = inputs.some((input) => this.isNchw(input));
    const operands = inputs.map((input) => {
      if (!this.isConst(input)) return this.value(input);
      const { shape } = this.weight(node, input);
      const length = shape.reduce((product, side) => product * side, 1);
      if (length === 1 || !nchw) return this.floatConstant(node, input);
      if (shape.length !== 1) {
        this.fail(
          node,
          `constant ${input} of shape [${shape}] cannot be moved to NCHW`,
        );
      }
      // A per-channel vector broadcasts over the last axis in NHWC, and
      // over axis 1 in NCHW once it has the shape [C, 1, 1].
      return this.floatConstant(node, input, [length, 1, 1]);
    });
    if (operands.every((_, i) => this.isConst(inputs[i]!))) {
      this.fail(node, 'both operands are constants');
    }
    this.emit(
      {
        opType: ELEMENTWISE_OPS[node.op]!,
        name: node.name,
        inputs: operands,
        outputs: [node.name],
      },
      nchw,
    );
  }

  convertPad(node: TfNode, [input, paddings]: readonly string[]): void {
    if (!this.isNchw(input!)) this.fail(node, 'only 4-D inputs are supported');
    const { shape, values } = this.weight(node, paddings!);
    if (shape.join() !== '4,2') {
      this.fail(node, `paddings of shape [${shape}] are not [4, 2]`);
    }
    const begin = NHWC_TO_NCHW.map((axis) => values[axis * 2]!);
    const end = NHWC_TO_NCHW.map((axis) => values[axis * 2 + 1]!);
    const pads = this.int64Constant(`${node.name}/pads`, [...begin, ...end]);
    this.emit(
      {
        opType: 'Pad',
        name: node.name,
        inputs: [this.value(input!), pads],
        outputs: [node.name],
      },
      true,
    );
  }

  /** Conv2D and DepthwiseConv2dNative: NHWC data, HWIO or HWCM filters. */
  convertConvolution(node: TfNode, [input, filter]: readonly string[]): void {
    if (!this.isNchw(input!)) this.fail(node, 'only 4-D inputs are supported');
    const format = attrString(node, 'data_format') ?? 'NHWC';
    if (format !== 'NHWC')
      this.fail(node, `data_format ${format} is not supported`);
    const strides = attrInts(node, 'strides') ?? [1, 1, 1, 1];
    const dilations = attrInts(node, 'dilations') ?? [1, 1, 1, 1];
    for (const [label, list] of [
      ['strides', strides],
      ['dilations', dilations],
    ] as const) {
      if (list.length !== 4 || list[0] !== 1 || list[3] !== 1) {
        this.fail(
          node,
          `${label} [${list}] move along the batch or channel axis`,
        );
      }
    }
    const padding = attrString(node, 'padding');
    const attributes: Record<string, OnnxAttributeValue> = {
      strides: { ints: [strides[1]!, strides[2]!] },
      dilations: { ints: [dilations[1]!, dilations[2]!] },
    };
    if (padding === 'VALID') attributes.pads = { ints: [0, 0, 0, 0] };
    // TensorFlow's SAME puts the odd pixel of padding after, as SAME_UPPER does.
    else if (padding === 'SAME') attributes.auto_pad = { string: 'SAME_UPPER' };
    else this.fail(node, `padding ${padding} is not supported`);

    const weight = this.weight(node, filter!);
    if (weight.shape.length !== 4 || !(weight.values instanceof Float32Array)) {
      this.fail(node, `filter ${filter} is not a 4-D float32 constant`);
    }
    const [height, width, channels, multiplier] = weight.shape as [
      number,
      number,
      number,
      number,
    ];
    let dims: number[];
    if (node.op === 'Conv2D') {
      // [height, width, in, out] to ONNX's [out, in, height, width].
      dims = [multiplier, channels, height, width];
    } else {
      // [height, width, channels, multiplier] to [channels * multiplier, 1,
      // height, width] with one group per input channel: output channel
      // c * multiplier + m, as TensorFlow numbers them.
      dims = [channels * multiplier, 1, height, width];
      attributes.group = { int: channels };
    }
    const perm = node.op === 'Conv2D' ? [3, 2, 0, 1] : [2, 3, 0, 1];
    const filterName = this.addInitializer({
      name: `${filter}/oihw`,
      dataType: ONNX_FLOAT,
      dims,
      values: transpose(weight.values, weight.shape, perm),
    });
    this.emit(
      {
        opType: 'Conv',
        name: node.name,
        inputs: [this.value(input!), filterName],
        outputs: [node.name],
        attributes,
      },
      true,
    );
  }

  convertReshape(node: TfNode, [input, shapeName]: readonly string[]): void {
    const target = Array.from(this.weight(node, shapeName!).values);
    if (target.length === 4) this.fail(node, 'a 4-D result is not supported');
    let source = this.value(input!);
    if (this.isNchw(input!)) {
      // Flatten in TensorFlow's NHWC order, which the next layer's weights expect.
      source = `${node.name}/nhwc`;
      this.nodes.push({
        opType: 'Transpose',
        name: source,
        inputs: [this.value(input!)],
        outputs: [source],
        attributes: { perm: { ints: [0, 2, 3, 1] } },
      });
    }
    const shape = this.int64Constant(`${node.name}/shape`, target);
    this.emit(
      {
        opType: 'Reshape',
        name: node.name,
        inputs: [source, shape],
        outputs: [node.name],
      },
      false,
    );
  }

  convertMatMul(node: TfNode, inputs: readonly string[]): void {
    if (node.attr?.transpose_a?.b || node.attr?.transpose_b?.b) {
      this.fail(node, 'transposed operands are not supported');
    }
    if (inputs.some((input) => this.isNchw(input))) {
      this.fail(node, 'only 2-D operands are supported');
    }
    const operands = inputs.map((input) =>
      this.isConst(input) ? this.floatConstant(node, input) : this.value(input),
    );
    this.emit(
      {
        opType: 'MatMul',
        name: node.name,
        inputs: operands,
        outputs: [node.name],
      },
      false,
    );
  }

  convert(node: TfNode): void {
    const inputs = (node.input ?? []).map((input) => inputName(node, input));
    if (node.op in ELEMENTWISE_OPS) this.convertElementwise(node, inputs);
    else if (node.op === 'Pad') this.convertPad(node, inputs);
    else if (node.op === 'Conv2D' || node.op === 'DepthwiseConv2dNative') {
      this.convertConvolution(node, inputs);
    } else if (node.op === 'Reshape') this.convertReshape(node, inputs);
    else if (node.op === 'MatMul') this.convertMatMul(node, inputs);
    else this.fail(node, 'this op is not supported');
  }
}

/** Returns the non-constant nodes that `output` depends on, inputs first. */
function topologicalOrder(
  modelPath: string,
  byName: ReadonlyMap<string, TfNode>,
  output: string,
): TfNode[] {
  const order: TfNode[] = [];
  const visited = new Set<string>();
  const visit = (name: string): void => {
    if (visited.has(name)) return;
    visited.add(name);
    const node = byName.get(name);
    if (node === undefined)
      throw new Error(`${modelPath}: the graph has no node named ${name}`);
    for (const input of node.input ?? []) visit(inputName(node, input));
    if (node.op !== 'Const' && node.op !== 'Placeholder') order.push(node);
  };
  visit(output);
  return order;
}

/** Finds the Sub and Mul nodes of a leading `(input - a) * b`, with `a` and `b`. */
function findInputScaling(
  modelPath: string,
  nodes: readonly TfNode[],
  input: string,
  weights: ReadonlyMap<string, Weight>,
): { sub: TfNode; mul: TfNode; mean: number; std: number } {
  const consumers = (name: string): TfNode[] =>
    nodes.filter((node) =>
      (node.input ?? []).some((value) => value.replace(/:0$/, '') === name),
    );
  const scalar = (name: string | undefined): number | undefined => {
    const weight = name === undefined ? undefined : weights.get(name);
    return weight?.values.length === 1 ? weight.values[0] : undefined;
  };
  const [sub] = consumers(input);
  const [mul] = sub === undefined ? [] : consumers(sub.name);
  const mean = scalar(sub?.input?.[1]);
  const factor = scalar(
    mul?.input?.find((value) => value.replace(/:0$/, '') !== sub?.name),
  );
  if (
    sub?.op !== 'Sub' ||
    mul?.op !== 'Mul' ||
    consumers(input).length !== 1 ||
    consumers(sub.name).length !== 1 ||
    mean === undefined ||
    factor === undefined
  ) {
    throw new Error(
      `${modelPath}: the input is not followed by (input - scalar) * scalar, so there is no input scaling to extract`,
    );
  }
  return { sub, mul, mean, std: 1 / factor };
}

/**
 * Converts the graph model at `modelPath` (a `model.json` with its weight
 * files) into an ONNX model written to `onnxPath`.
 */
export async function convertGraphModelToOnnx(
  modelPath: string,
  onnxPath: string,
  options: OnnxConversionOptions = {},
): Promise<OnnxConversion> {
  const json = JSON.parse(await readFile(modelPath, 'utf8')) as ModelJson;
  const nodes = json.modelTopology?.node ?? [];
  const unsupported = [
    ...new Set(
      nodes.map((node) => node.op).filter((op) => !SUPPORTED_OPS.has(op)),
    ),
  ];
  if (unsupported.length > 0) {
    throw new Error(
      `${modelPath}: unsupported ops ${unsupported.join(', ')}; the converter supports ${[...SUPPORTED_OPS].join(', ')}`,
    );
  }
  const placeholders = nodes.filter((node) => node.op === 'Placeholder');
  const outputs = Object.keys(json.signature?.outputs ?? {});
  if (placeholders.length !== 1 || outputs.length !== 1) {
    throw new Error(
      `${modelPath}: ${placeholders.length} inputs and ${outputs.length} outputs; only models with one of each are supported`,
    );
  }
  const placeholder = placeholders[0]!;
  const inputShape = (placeholder.attr?.shape?.shape?.dim ?? []).map((dim) =>
    Number(dim.size),
  );
  const [, height, width, channels] = inputShape;
  if (inputShape.length !== 4 || height !== width || channels !== 3) {
    throw new Error(
      `${modelPath}: input shape [${inputShape}] is not [batch, size, size, 3]`,
    );
  }
  const byName = new Map(nodes.map((node) => [node.name, node]));
  const weights = await readWeights(modelPath, json);
  const converter = new GraphConverter(modelPath, byName, weights);
  const outputName = outputs[0]!.replace(/:0$/, '');
  const batch = options.batchSize ?? 'batch';

  let input = placeholder.name;
  if (options.channels === 'bgr') {
    // The model takes BGR: reverse the channel axis back to the graph's RGB.
    const indices = converter.int64Constant('bgr_to_rgb', [2, 1, 0]);
    input = `${placeholder.name}/bgr`;
    converter.nodes.push({
      opType: 'Gather',
      name: input,
      inputs: [placeholder.name, indices],
      outputs: [input],
      attributes: { axis: { int: 1 } },
    });
  }
  converter.alias(placeholder.name, input, true);

  let mean = 0;
  let std = 1;
  const skipped = new Set<TfNode>();
  if (options.extractInputScaling) {
    const scaling = findInputScaling(
      modelPath,
      nodes,
      placeholder.name,
      weights,
    );
    ({ mean, std } = scaling);
    skipped.add(scaling.sub).add(scaling.mul);
    converter.alias(scaling.mul.name, input, true);
  }
  for (const node of topologicalOrder(modelPath, byName, outputName)) {
    if (!skipped.has(node)) converter.convert(node);
  }

  const outputNode = byName.get(outputName)!;
  const outputShape =
    (
      Object.values(json.signature!.outputs!)[0] as {
        tensorShape?: { dim?: { size: string }[] };
      }
    ).tensorShape?.dim?.map((dim) => Number(dim.size)) ?? [];
  if (converter.isNchw(outputName) || outputShape.length !== 2) {
    converter.fail(
      outputNode,
      `output shape [${outputShape}] is not [batch, dimension]`,
    );
  }
  const dimension = outputShape[1]!;
  const model = encodeOnnxModel(
    {
      name: 'converted',
      nodes: converter.nodes,
      initializers: converter.initializers,
      inputs: [{ name: placeholder.name, dims: [batch, 3, height!, width!] }],
      outputs: [
        { name: converter.value(outputName), dims: [batch, dimension] },
      ],
    },
    'facelab tfjs-to-onnx test helper',
  );
  await writeFile(onnxPath, model);
  return {
    inputName: placeholder.name,
    outputName: converter.value(outputName),
    inputSize: height!,
    dimension,
    mean,
    std,
  };
}
