/**
 * A minimal Protocol Buffers writer for the ONNX messages a converted
 * inference graph needs: ModelProto, GraphProto, NodeProto, AttributeProto,
 * TensorProto and ValueInfoProto. Field numbers are those of the ONNX
 * project's `onnx.proto`. ONNX Runtime 1.31 reads the files it writes.
 */

/** Protocol Buffers wire types. */
const VARINT = 0;
const LENGTH_DELIMITED = 2;

/** Appends the fields of one message, and `finish` returns its bytes. */
class MessageWriter {
  private readonly chunks: Uint8Array[] = [];

  private key(field: number, wireType: number): void {
    this.pushVarint(BigInt((field << 3) | wireType));
  }

  private pushVarint(value: bigint): void {
    // Negative int64 values are written as their 64-bit two's complement.
    let rest = BigInt.asUintN(64, value);
    const bytes: number[] = [];
    do {
      let byte = Number(rest & 0x7fn);
      rest >>= 7n;
      if (rest !== 0n) byte |= 0x80;
      bytes.push(byte);
    } while (rest !== 0n);
    this.chunks.push(Uint8Array.from(bytes));
  }

  int(field: number, value: number): this {
    this.key(field, VARINT);
    this.pushVarint(BigInt(value));
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.key(field, LENGTH_DELIMITED);
    this.pushVarint(BigInt(value.length));
    this.chunks.push(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  message(field: number, value: MessageWriter): this {
    return this.bytes(field, value.finish());
  }

  finish(): Uint8Array {
    return Buffer.concat(this.chunks);
  }
}

/** `TensorProto.DataType` values used here. */
export const ONNX_FLOAT = 1;
export const ONNX_INT64 = 7;

/** A constant tensor, stored little-endian in `raw_data`. */
export interface OnnxTensor {
  readonly name: string;
  readonly dataType: typeof ONNX_FLOAT | typeof ONNX_INT64;
  readonly dims: readonly number[];
  readonly values: Float32Array | BigInt64Array;
}

/** A node attribute: INT, INTS or STRING. */
export type OnnxAttributeValue =
  | { readonly int: number }
  | { readonly ints: readonly number[] }
  | { readonly string: string };

export interface OnnxNode {
  readonly opType: string;
  readonly name: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes?: Readonly<Record<string, OnnxAttributeValue>>;
}

/** A float graph input or output. A string dimension is symbolic (any size). */
export interface OnnxValueInfo {
  readonly name: string;
  readonly dims: readonly (number | string)[];
}

export interface OnnxGraph {
  readonly name: string;
  readonly nodes: readonly OnnxNode[];
  readonly initializers: readonly OnnxTensor[];
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
}

function tensorMessage(tensor: OnnxTensor): MessageWriter {
  const message = new MessageWriter();
  for (const dim of tensor.dims) message.int(1, dim);
  message.int(2, tensor.dataType);
  message.string(8, tensor.name);
  const { buffer, byteOffset, byteLength } = tensor.values;
  // raw_data is little-endian, and typed arrays use the platform's byte order.
  // NOTE: correct on little-endian machines (x64, arm64) only.
  return message.bytes(9, new Uint8Array(buffer, byteOffset, byteLength));
}

/** `AttributeProto.AttributeType` values. */
const ATTRIBUTE_INT = 2;
const ATTRIBUTE_STRING = 3;
const ATTRIBUTE_INTS = 7;

function attributeMessage(
  name: string,
  value: OnnxAttributeValue,
): MessageWriter {
  const message = new MessageWriter().string(1, name);
  if ('int' in value) return message.int(3, value.int).int(20, ATTRIBUTE_INT);
  if ('string' in value) {
    return message.string(4, value.string).int(20, ATTRIBUTE_STRING);
  }
  for (const item of value.ints) message.int(8, item);
  return message.int(20, ATTRIBUTE_INTS);
}

function nodeMessage(node: OnnxNode): MessageWriter {
  const message = new MessageWriter();
  for (const input of node.inputs) message.string(1, input);
  for (const output of node.outputs) message.string(2, output);
  message.string(3, node.name).string(4, node.opType);
  for (const [name, value] of Object.entries(node.attributes ?? {})) {
    message.message(5, attributeMessage(name, value));
  }
  return message;
}

function valueInfoMessage(value: OnnxValueInfo): MessageWriter {
  const shape = new MessageWriter();
  for (const dim of value.dims) {
    const dimension = new MessageWriter();
    if (typeof dim === 'number') dimension.int(1, dim);
    else dimension.string(2, dim);
    shape.message(1, dimension);
  }
  const tensorType = new MessageWriter().int(1, ONNX_FLOAT).message(2, shape);
  const type = new MessageWriter().message(1, tensorType);
  return new MessageWriter().string(1, value.name).message(2, type);
}

/** ONNX IR version 8 and opset 13, which ONNX Runtime 1.31 reads. */
const IR_VERSION = 8;
const OPSET_VERSION = 13;

/** Encodes `graph` as the bytes of an ONNX model file. */
export function encodeOnnxModel(
  graph: OnnxGraph,
  producer: string,
): Uint8Array {
  const graphMessage = new MessageWriter();
  for (const node of graph.nodes) graphMessage.message(1, nodeMessage(node));
  graphMessage.string(2, graph.name);
  for (const tensor of graph.initializers) {
    graphMessage.message(5, tensorMessage(tensor));
  }
  for (const input of graph.inputs) {
    graphMessage.message(11, valueInfoMessage(input));
  }
  for (const output of graph.outputs) {
    graphMessage.message(12, valueInfoMessage(output));
  }
  const opset = new MessageWriter().string(1, '').int(2, OPSET_VERSION);
  return new MessageWriter()
    .int(1, IR_VERSION)
    .string(2, producer)
    .message(7, graphMessage)
    .message(8, opset)
    .finish();
}
