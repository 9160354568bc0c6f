/**
 * Backend stage: chooses the TensorFlow.js backend that runs every model and
 * loads the face-api build that matches it.
 *
 * Order of preference: `tfjs-node-gpu` (libtensorflow with CUDA), `tfjs-node`
 * (libtensorflow on the CPU), `wasm` (SIMD WebAssembly, ships in npm and works
 * offline), then `cpu` (plain JavaScript, roughly 30 times slower than wasm).
 * The first two are optional dependencies whose install downloads
 * libtensorflow, so they are often missing; loading them is tried, not assumed.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type * as faceapiTypes from '@vladmandic/face-api';

import { createLogger } from '../log';

/** The backends facelab can run on, fastest first. */
export const BACKEND_NAMES = [
  'tfjs-node-gpu',
  'tfjs-node',
  'wasm',
  'cpu',
] as const;

/** One of {@link BACKEND_NAMES}. */
export type BackendName = (typeof BACKEND_NAMES)[number];

/** The TensorFlow.js module that every stage uses. */
export type Tf = typeof tfjs;

/** The face-api module that was loaded for the chosen backend. */
export type FaceApi = typeof faceapiTypes;

/** The loaded machine-learning runtime: the backend that runs and its modules. */
export interface Runtime {
  /** The backend that is running, which may differ from the one requested. */
  readonly backend: BackendName;
  readonly tf: Tf;
  readonly faceapi: FaceApi;
  /** Reasons the faster backends were skipped, one line each (logged at debug level). */
  readonly skipped: readonly string[];
}

/** Raised when the backend requested by name cannot be loaded. */
export class BackendUnavailableError extends Error {
  constructor(
    readonly backend: BackendName,
    readonly reason: string,
  ) {
    super(
      `backend "${backend}" is not available: ${reason}. ` +
        'Request another backend, or request none (no --backend option, ' +
        'FACELAB_BACKEND unset) to use the fastest one that loads.',
    );
    this.name = 'BackendUnavailableError';
  }
}

const log = createLogger('backend');

/** Parses `FACELAB_BACKEND`; returns undefined when it is unset or empty. */
export function backendFromEnvironment(
  value = process.env.FACELAB_BACKEND,
): BackendName | undefined {
  if (value === undefined || value === '' || value === 'auto') return undefined;
  if ((BACKEND_NAMES as readonly string[]).includes(value)) {
    return value as BackendName;
  }
  throw new Error(
    `FACELAB_BACKEND="${value}" is not a backend. ` +
      `Use one of ${BACKEND_NAMES.join(', ')}, or "auto".`,
  );
}

/* eslint-disable @typescript-eslint/no-require-imports --
   The optional backends may be missing, so each one is required inside a try,
   never imported at the top of the module. */
async function tryLoad(name: BackendName): Promise<Omit<Runtime, 'skipped'>> {
  // The face-api builds for Node.js do not bundle TensorFlow.js: each one
  // requires the tfjs package of its backend, so both must be loaded together.
  switch (name) {
    case 'tfjs-node-gpu': {
      const tf = require('@tensorflow/tfjs-node-gpu') as Tf;
      const faceapi =
        require('@vladmandic/face-api/dist/face-api.node-gpu.js') as FaceApi;
      await tf.ready();
      return { backend: name, tf, faceapi };
    }
    case 'tfjs-node': {
      const tf = require('@tensorflow/tfjs-node') as Tf;
      const faceapi =
        require('@vladmandic/face-api/dist/face-api.node.js') as FaceApi;
      await tf.ready();
      return { backend: name, tf, faceapi };
    }
    case 'wasm':
    case 'cpu': {
      const tf = require('@tensorflow/tfjs') as Tf;
      if (name === 'wasm') require('@tensorflow/tfjs-backend-wasm');
      const faceapi =
        require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApi;
      if (!(await tf.setBackend(name))) {
        throw new Error(`tf.setBackend('${name}') returned false`);
      }
      await tf.ready();
      return { backend: name, tf, faceapi };
    }
  }
}

/* eslint-enable @typescript-eslint/no-require-imports */

function describeFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}

let loading: Promise<Runtime> | undefined;

/**
 * Loads the runtime once per process and returns it on every later call.
 *
 * With `requested` (or `FACELAB_BACKEND`) set, only that backend is tried and
 * a failure raises {@link BackendUnavailableError}. Otherwise each backend is
 * tried in order of speed. The backend that runs is logged at `info` level.
 */
export function loadRuntime(
  requested = backendFromEnvironment(),
): Promise<Runtime> {
  if (loading === undefined) {
    loading = chooseRuntime(requested);
    loading.catch(() => {
      loading = undefined;
    });
  }
  return loading;
}

async function chooseRuntime(
  requested: BackendName | undefined,
): Promise<Runtime> {
  if (requested !== undefined) {
    try {
      const runtime = { ...(await tryLoad(requested)), skipped: [] };
      log.info(`running on ${runtime.backend} (requested)`);
      return runtime;
    } catch (error) {
      throw new BackendUnavailableError(requested, describeFailure(error));
    }
  }
  const skipped: string[] = [];
  for (const name of BACKEND_NAMES) {
    try {
      const runtime = { ...(await tryLoad(name)), skipped };
      log.info(`running on ${runtime.backend}`);
      for (const line of skipped) log.debug(`skipped ${line}`);
      return runtime;
    } catch (error) {
      skipped.push(`${name}: ${describeFailure(error)}`);
    }
  }
  throw new Error(
    `no TensorFlow.js backend could be loaded:\n${skipped.join('\n')}`,
  );
}
