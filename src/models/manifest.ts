/**
 * Embedding models described by a small manifest: the model file, its input
 * size, channel order, normalisation and output. The built-in Human models
 * and a user's own TensorFlow.js graph or ONNX models share this description.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';

import { createTemplate, type AlignmentTemplate } from '../alignment/template';

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
  /**
   * Each input value is `(pixel - mean) / std`, with pixels in 0..255 and
   * the three values in the order of {@link channels}.
   */
  readonly mean: readonly [number, number, number];
  readonly std: readonly [number, number, number];
  /** Name of the output that contains the embedding. When absent, the embedder uses the output of length `dimension`. */
  readonly output?: string;
  /** Length of the embedding. */
  readonly dimension: number;
  /** Margin around the reference face in the aligned input (see `createTemplate`). */
  readonly padding: number;
  /** Vertical move of the aligned face's key points (see `createTemplate`). */
  readonly verticalOffset: number;
  /**
   * Short hash of a user manifest's settings and model file. It is part of
   * the embedder id, so that editing either one changes the cache key and
   * the model recorded in gallery files.
   */
  readonly fingerprint?: string;
}

/**
 * Returns the embedder id of a spec: the model name, the framing of its
 * input and, for a user manifest, its fingerprint.
 */
export function embedderIdOf(spec: EmbedderModelSpec): string {
  const id = `${spec.name}@pad${spec.padding}/${spec.verticalOffset}`;
  return spec.fingerprint === undefined ? id : `${id}#${spec.fingerprint}`;
}

/** Hashes the settings that change a model's embeddings, and the model file itself. */
function fingerprintOf(spec: Omit<EmbedderModelSpec, 'fingerprint'>): string {
  const settings = [
    spec.format,
    spec.inputSize,
    spec.layout,
    spec.channels,
    spec.mean,
    spec.std,
    spec.output,
    spec.dimension,
  ];
  return createHash('sha256')
    .update(JSON.stringify(settings))
    .update(readFileSync(spec.modelPath))
    .digest('hex')
    .slice(0, 8);
}

/** Returns the alignment template of a spec's input: its size and framing. */
export function templateOf(spec: EmbedderModelSpec): AlignmentTemplate {
  return createTemplate(spec.inputSize, spec.padding, spec.verticalOffset);
}

/** Raised when an embedder manifest is missing, not valid JSON or has an invalid field. */
export class ManifestError extends Error {
  constructor(
    /** Path of the manifest file. */
    readonly path: string,
    /** Field at fault, when one is. */
    readonly field: string | undefined,
    problem: string,
    fix: string,
  ) {
    const where = field === undefined ? path : `${path}: field "${field}"`;
    super(`${where}: ${problem}; ${fix}`);
    this.name = 'ManifestError';
  }
}

const MANIFEST_FIELDS = [
  'name',
  'format',
  'model',
  'inputSize',
  'layout',
  'channels',
  'mean',
  'std',
  'output',
  'dimension',
  'padding',
  'verticalOffset',
] as const;

type ManifestJson = Partial<Record<(typeof MANIFEST_FIELDS)[number], unknown>>;

/**
 * Reads a user's embedder manifest, a JSON object with these fields:
 *
 * - `model` (required): the model file, relative to the manifest's folder
 *   or absolute: a TensorFlow.js graph model's `model.json`, or an `.onnx`
 *   file.
 * - `dimension` (required): length of the embedding.
 * - `inputSize` (required): side of the square input face, in pixels.
 * - `name`: identifies the model in cache keys, gallery files and
 *   calibration (default: the manifest's file name without `.json`).
 * - `format`: `tfjs-graph` or `onnx` (default: `onnx` for a `.onnx` model
 *   file, else `tfjs-graph`).
 * - `layout`: `nhwc` or `nchw` (default: `nhwc` for `tfjs-graph`, the
 *   layout TensorFlow uses, and `nchw` for `onnx`, the layout PyTorch
 *   exports).
 * - `channels`: `rgb` or `bgr` (default `rgb`).
 * - `mean`, `std`: a number or three per-channel numbers, so that each input
 *   value is `(pixel - mean) / std` with pixels in 0..255 (defaults 0 and 1,
 *   which pass pixels unchanged).
 * - `output`: name of the output that contains the embedding (default: the
 *   output of length `dimension`).
 * - `padding`, `verticalOffset`: framing of the aligned face, as in
 *   `createTemplate` (defaults 0 and 0: the 112x112 ArcFace crop, scaled to
 *   `inputSize`).
 *
 * Unknown fields are rejected, so that a misspelt field is not silently
 * ignored.
 *
 * @throws {@link ManifestError} naming the manifest file, the field and the fix.
 */
export function readEmbedderManifest(path: string): EmbedderModelSpec {
  const manifestPath = resolve(path);
  let text: string;
  try {
    text = readFileSync(manifestPath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ManifestError(
      manifestPath,
      undefined,
      `failed to read the embedder manifest (${code ?? String(error)})`,
      'check the path passed as the embedder',
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ManifestError(
      manifestPath,
      undefined,
      `not valid JSON (${(error as Error).message})`,
      'fix the syntax of the manifest',
    );
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ManifestError(
      manifestPath,
      undefined,
      'not a JSON object',
      `write an object with the fields ${MANIFEST_FIELDS.join(', ')}`,
    );
  }
  return parseManifest(manifestPath, json as ManifestJson);
}

function parseManifest(path: string, json: ManifestJson): EmbedderModelSpec {
  const fields = new ManifestFields(path, json);
  fields.rejectUnknown();
  const modelPath = fields.modelPath();
  const format = fields.choice(
    'format',
    MODEL_FORMATS,
    extname(modelPath).toLowerCase() === '.onnx' ? 'onnx' : 'tfjs-graph',
  );
  const layout = fields.choice(
    'layout',
    ['nhwc', 'nchw'] as const,
    format === 'onnx' ? 'nchw' : 'nhwc',
  );
  const output = fields.optionalString('output');
  const spec = {
    name: fields.optionalString('name') ?? basename(path, extname(path)),
    format,
    modelPath,
    inputSize: fields.integer('inputSize', MIN_INPUT_SIZE),
    layout,
    channels: fields.choice('channels', ['rgb', 'bgr'] as const, 'rgb'),
    mean: fields.perChannel('mean', 0, false),
    std: fields.perChannel('std', 1, true),
    ...(output !== undefined && { output }),
    dimension: fields.integer('dimension', 2),
    padding: fields.numberIn('padding', 0, PADDING_RANGE),
    verticalOffset: fields.numberIn('verticalOffset', 0, VERTICAL_OFFSET_RANGE),
  };
  return { ...spec, fingerprint: fingerprintOf(spec) };
}

/** Smallest input side, the smallest template `createTemplate` accepts. */
const MIN_INPUT_SIZE = 16;
/** Open ranges `createTemplate` accepts. */
const PADDING_RANGE = [-0.25, 0.45] as const;
const VERTICAL_OFFSET_RANGE = [-0.25, 0.25] as const;

/** Reads and checks the fields of one manifest, raising errors that name the field. */
class ManifestFields {
  constructor(
    private readonly path: string,
    private readonly json: ManifestJson,
  ) {}

  private fail(field: string, problem: string, fix: string): never {
    throw new ManifestError(this.path, field, problem, fix);
  }

  rejectUnknown(): void {
    const known = new Set<string>(MANIFEST_FIELDS);
    for (const key of Object.keys(this.json)) {
      if (!known.has(key)) {
        this.fail(
          key,
          'unknown field',
          `remove it or use one of ${MANIFEST_FIELDS.join(', ')}`,
        );
      }
    }
  }

  modelPath(): string {
    const model = this.json.model;
    if (typeof model !== 'string' || model === '') {
      this.fail(
        'model',
        model === undefined
          ? 'missing'
          : `expected a path, got ${JSON.stringify(model)}`,
        "set it to the model file, relative to the manifest's folder or absolute",
      );
    }
    const modelPath = resolve(dirname(this.path), model);
    if (!existsSync(modelPath)) {
      this.fail(
        'model',
        `model file ${modelPath} not found`,
        "fix the path, which is relative to the manifest's folder unless absolute",
      );
    }
    return modelPath;
  }

  optionalString(field: 'name' | 'output'): string | undefined {
    const value = this.json[field];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value === '') {
      this.fail(
        field,
        `expected a non-empty string, got ${JSON.stringify(value)}`,
        'write it as a JSON string, or leave the field out',
      );
    }
    return value;
  }

  choice<T extends string>(
    field: 'format' | 'layout' | 'channels',
    choices: readonly T[],
    fallback: T,
  ): T {
    const value = this.json[field];
    if (value === undefined) return fallback;
    if (!choices.includes(value as T)) {
      this.fail(
        field,
        `expected one of ${choices.join(', ')}, got ${JSON.stringify(value)}`,
        `use one of them, or leave the field out for ${fallback}`,
      );
    }
    return value as T;
  }

  integer(field: 'inputSize' | 'dimension', minimum: number): number {
    const value = this.json[field];
    if (!(
      typeof value === 'number' &&
      Number.isInteger(value) &&
      value >= minimum
    )) {
      this.fail(
        field,
        value === undefined
          ? 'missing'
          : `expected an integer of at least ${minimum}, got ${JSON.stringify(value)}`,
        field === 'inputSize'
          ? 'set it to the side, in pixels, of the square face the model takes'
          : 'set it to the length of the embedding the model outputs',
      );
    }
    return value;
  }

  numberIn(
    field: 'padding' | 'verticalOffset',
    fallback: number,
    [low, high]: readonly [number, number],
  ): number {
    const value = this.json[field];
    if (value === undefined) return fallback;
    if (!(typeof value === 'number' && value > low && value < high)) {
      this.fail(
        field,
        `expected a number in (${low}, ${high}), got ${JSON.stringify(value)}`,
        `set a fraction of the face side, or leave the field out for ${fallback}`,
      );
    }
    return value;
  }

  perChannel(
    field: 'mean' | 'std',
    fallback: number,
    positive: boolean,
  ): readonly [number, number, number] {
    const value = this.json[field];
    if (value === undefined) return [fallback, fallback, fallback];
    const values = typeof value === 'number' ? [value, value, value] : value;
    const valid =
      Array.isArray(values) &&
      values.length === 3 &&
      values.every(
        (item) =>
          typeof item === 'number' &&
          Number.isFinite(item) &&
          (!positive || item > 0),
      );
    if (!valid) {
      const kind = positive ? 'positive number' : 'number';
      this.fail(
        field,
        `expected a ${kind} or an array of three, got ${JSON.stringify(value)}`,
        'give it on the 0..255 pixel scale, in the order of `channels`',
      );
    }
    return values as [number, number, number];
  }
}
