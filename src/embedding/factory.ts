import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

import type { Runtime } from '../backend/backend';
import { faceresSpec, mobilefaceSpec } from '../models/human-embedders';
import {
  ManifestError,
  readEmbedderManifest,
  type EmbedderModelSpec,
} from '../models/manifest';
import { createFaceApiRecognitionEmbedder } from './faceapi-recognition';
import { createGraphModelEmbedder } from './graph-model-embedder';
import { createOnnxEmbedder } from './onnx-embedder';
import type { FaceEmbedder } from './types';

/** The embedders facelab ships. */
export const EMBEDDER_NAMES = ['faceapi', 'faceres', 'mobileface'] as const;

/** One of {@link EMBEDDER_NAMES}. */
export type EmbedderName = (typeof EMBEDDER_NAMES)[number];

/** Default embedder: face-api's 128-d ResNet. */
export const DEFAULT_EMBEDDER: EmbedderName = 'faceapi';

/** Returns whether `value` names a built-in embedder rather than a manifest file. */
export function isEmbedderName(value: string): value is EmbedderName {
  return (EMBEDDER_NAMES as readonly string[]).includes(value);
}

async function createFromSpec(
  runtime: Runtime,
  spec: EmbedderModelSpec,
): Promise<FaceEmbedder> {
  // ONNX Runtime itself loads only when an ONNX model is created.
  if (spec.format === 'onnx') return createOnnxEmbedder(spec);
  return createGraphModelEmbedder(runtime.tf, spec);
}

/**
 * Loads the model a manifest describes. An error while loading names the
 * manifest as well as the model, since the fix is usually one of its fields.
 */
async function createFromManifest(
  runtime: Runtime,
  manifestPath: string,
): Promise<FaceEmbedder> {
  const spec = readEmbedderManifest(manifestPath);
  try {
    return await createFromSpec(runtime, spec);
  } catch (error) {
    throw new ManifestError(
      resolve(manifestPath),
      undefined,
      `its model did not load: ${(error as Error).message}`,
      `check that format ("${spec.format}"), model, inputSize, layout, output and dimension describe that model`,
    );
  }
}

/**
 * Loads an embedder by name: `faceapi` (face-api's 128-d ResNet), `faceres`
 * (Human's 1024-d FaceRes), `mobileface` (Human's 256-d MobileFace), or the
 * path of a JSON manifest that describes another model (see
 * `readEmbedderManifest`).
 *
 * @throws `ManifestError` for a manifest that is missing or invalid.
 */
export async function createEmbedder(
  runtime: Runtime,
  nameOrManifestPath: string,
): Promise<FaceEmbedder> {
  switch (nameOrManifestPath) {
    case 'faceapi':
      return createFaceApiRecognitionEmbedder(runtime.tf, runtime.faceapi);
    case 'faceres':
      return createFromSpec(runtime, faceresSpec());
    case 'mobileface':
      return createFromSpec(runtime, mobilefaceSpec());
    default:
      if (!existsSync(nameOrManifestPath)) {
        throw new RangeError(
          `unknown embedder "${nameOrManifestPath}": not one of ${EMBEDDER_NAMES.join(', ')}, ` +
            `and no manifest file at ${resolve(nameOrManifestPath)}; use a built-in name or the path of a JSON manifest`,
        );
      }
      return createFromManifest(runtime, nameOrManifestPath);
  }
}
