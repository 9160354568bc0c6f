/**
 * Entry of one analysis worker thread. It builds its own runtime and
 * {@link FacePipeline} from the setup in `workerData`, then analyses the
 * files the pool sends, one at a time. A file that fails is reported and the
 * worker carries on; a pipeline that cannot be built is reported as fatal.
 */
import { parentPort, workerData } from 'node:worker_threads';

import { FacePipeline, type ImageAnalysis } from '../pipeline';
import type { AnalyzeRequest, WorkerReply, WorkerSetup } from './protocol';

/** Copies every embedding into its own buffer, so it can be transferred. */
function detachEmbeddings(analysis: ImageAnalysis): {
  analysis: ImageAnalysis;
  buffers: ArrayBuffer[];
} {
  const buffers: ArrayBuffer[] = [];
  const faces = analysis.faces.map((face) => {
    const embedding = Float32Array.from(face.embedding);
    buffers.push(embedding.buffer);
    return { ...face, embedding };
  });
  return { analysis: { ...analysis, faces }, buffers };
}

async function serve(): Promise<void> {
  const port = parentPort!;
  const setup = workerData as WorkerSetup;
  const send = (reply: WorkerReply, transfer: ArrayBuffer[] = []): void =>
    port.postMessage(reply, transfer);

  let pipeline: FacePipeline;
  try {
    pipeline = await FacePipeline.create(setup.pipeline);
  } catch (error) {
    send({ type: 'fatal', message: (error as Error).message });
    return;
  }
  port.on('message', (request: AnalyzeRequest) => {
    pipeline.analyzeFile(request.path).then(
      (result) => {
        const { analysis, buffers } = detachEmbeddings(result);
        send({ type: 'result', id: request.id, analysis }, buffers);
      },
      (error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        send({ type: 'failed', id: request.id, message });
      },
    );
  });
  send({ type: 'ready', backend: pipeline.runtime.backend });
}

void serve();
