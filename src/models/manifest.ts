/**
 * Embedding models described by a small manifest: the model file, its input
 * size, channel order, normalisation and output. The built-in Human models
 * and a user's own TensorFlow.js graph or ONNX models share this description.
 */

/** File formats an embedder manifest can name. */
export const MODEL_FORMATS = ['tfjs-graph', 'onnx'] as const;

/** One of {@link MODEL_FORMATS}. */
export type ModelFormat = (typeof MODEL_FORMATS)[number];

/** An embedding model's input and output, with its file path resolved. */
export interface EmbedderModelSpec {
  /** Identifies the model in cache keys and gallery files, for example `faceres-1024`. */
  readonly name: string;
  readonly format: ModelFormat;
  /** Absolute path of the model file: a graph model's `model.json`, or an `.onnx` file. */
  readonly modelPath: string;
  /** Side of the square input face, in pixels. */
  readonly inputSize: number;
  /** Order of the input tensor's axes: batch, height, width, channels or batch, channels, height, width. */
  readonly layout: 'nhwc' | 'nchw';
  /** Order of the colour channels the model expects. */
  readonly channels: 'rgb' | 'bgr';
  /** Each input value is `(pixel - mean) / std`, per channel, with pixels in 0..255. */
  readonly mean: readonly [number, number, number];
  readonly std: readonly [number, number, number];
  /** Name of the output that holds the embedding; when absent, the output of length `dimension`. */
  readonly output?: string;
  /** Length of the embedding. */
  readonly dimension: number;
  /** Margin around the reference face in the aligned input (see `createTemplate`). */
  readonly padding: number;
  /** Vertical move of the aligned face's key points (see `createTemplate`). */
  readonly verticalOffset: number;
}
