/**
 * Loads ONNX Runtime (the optional package `onnxruntime-node`) and opens
 * ONNX model files with it, on the CPU. The package is required only when
 * an ONNX model is loaded, so everything else works without it.
 */
import { existsSync } from 'node:fs';

/**
 * The part of `onnxruntime-node`'s API (version 1.31) that facelab uses,
 * declared here so the project type-checks and builds without the optional
 * package.
 */
export interface OrtTensor {
  /** Element type, for example `float32`. */
  readonly type: string;
  readonly dims: readonly number[];
  readonly data: unknown;
}

/** Name, element type and shape of a model input or output. A string dimension is symbolic. */
export interface OrtValueMetadata {
  readonly name: string;
  readonly isTensor: boolean;
  readonly type?: string;
  readonly shape?: readonly (number | string)[];
}

export interface OrtSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata: readonly OrtValueMetadata[];
  run(
    feeds: Record<string, OrtTensor>,
    fetches?: readonly string[],
  ): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}

interface OrtSessionOptions {
  executionProviders: readonly string[];
  intraOpNumThreads: number;
  graphOptimizationLevel: 'all';
}

export interface OrtModule {
  readonly InferenceSession: {
    create(path: string, options: OrtSessionOptions): Promise<OrtSession>;
  };
  readonly Tensor: new (
    type: 'float32',
    data: Float32Array,
    dims: readonly number[],
  ) => OrtTensor;
}

const PACKAGE = 'onnxruntime-node';

/**
 * Requires `onnxruntime-node`. Throws an error that gives the install command
 * when it is missing, and names `modelPath`, the model that needed it.
 */
export function loadOnnxRuntime(modelPath: string): OrtModule {
  try {
    /* eslint-disable-next-line @typescript-eslint/no-require-imports --
       The package is optional, so it is required only when an ONNX model
       is loaded, never imported at the top of the module. */
    return require(PACKAGE) as OrtModule;
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    if (code === 'MODULE_NOT_FOUND' && message.includes(PACKAGE)) {
      throw new Error(
        `${modelPath}: ONNX models need the optional package ${PACKAGE}, ` +
          'which is not installed (for example after `npm ci --omit=optional`); ' +
          `install it with \`npm install ${PACKAGE}\``,
      );
    }
    throw new Error(
      `${modelPath}: ${PACKAGE} is installed but failed to load (${message}); ` +
        `reinstall it with \`npm install ${PACKAGE}\``,
    );
  }
}

/**
 * Opens the ONNX model at `modelPath` on the CPU with `threads` threads for
 * the work inside each operator. Throws an error naming the file when it is
 * missing or is not a valid ONNX model.
 */
export async function openOnnxSession(
  ort: OrtModule,
  modelPath: string,
  threads: number,
): Promise<OrtSession> {
  if (!existsSync(modelPath)) {
    throw new Error(
      `${modelPath}: ONNX model file not found; fix the model path in the model manifest`,
    );
  }
  try {
    return await ort.InferenceSession.create(modelPath, {
      executionProviders: ['cpu'],
      intraOpNumThreads: threads,
      graphOptimizationLevel: 'all',
    });
  } catch (error) {
    throw new Error(
      `${modelPath}: not a valid ONNX model, or one ONNX Runtime cannot run ` +
        `(${(error as Error).message}); export the model to ONNX again`,
    );
  }
}
