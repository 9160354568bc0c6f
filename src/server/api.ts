/**
 * The HTTP API: identify faces in an uploaded image, enroll a person, list
 * and delete gallery entries, and report health. Every pipeline call and
 * gallery change goes through one {@link TaskQueue}, so they run one at a
 * time and in arrival order.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import { decodeImage } from '../input/decode';
import { ImageInputError } from '../input/errors';
import { createLogger } from '../log';
import { largestFaceOf } from '../output/faces';
import type { FaceResult } from '../output/result';
import type { FacePipeline, ImageAnalysis } from '../pipeline';
import { saveGallery } from '../prediction/gallery-file';
import type { Recognizer } from '../recognizer';
import { readBody, requireImageContentType } from './body';
import { ApiError, sendJson } from './errors';
import { validateLabel } from './label';
import { QueueFullError, type TaskQueue } from './queue';
import type { ServerThreshold } from './threshold';

const log = createLogger('server');

/** Seconds a client is asked to wait after a 503 from a full queue. */
const RETRY_AFTER_SECONDS = 1;

/** State shared by the API handlers: the loaded models, the gallery and the queue. */
export interface ApiContext {
  readonly pipeline: FacePipeline;
  readonly recognizer: Recognizer;
  /** The recognizer's unknown threshold and where it came from. */
  readonly threshold: ServerThreshold;
  /** Gallery file, saved atomically after each change. */
  readonly galleryPath: string;
  readonly queue: TaskQueue;
  /** Largest accepted upload, in bytes. */
  readonly maxUploadBytes: number;
}

/** Body of `POST /api/identify`. */
export interface IdentifyResponse {
  readonly width: number;
  readonly height: number;
  /** Faces with label, distance (null with an empty gallery) and band; empty when none was found. */
  readonly faces: readonly FaceResult[];
  /** Unknown threshold in force: a face farther than this from everyone is `unknown`. */
  readonly threshold: number;
  /** Whether the embeddings came from the cache. */
  readonly cached: boolean;
  /** Seconds spent in each pipeline stage. */
  readonly timings: ImageAnalysis['timings'];
}

function busy(): ApiError {
  return new ApiError(
    503,
    'queue-full',
    'the server is busy with other images; retry after the Retry-After delay',
    { 'Retry-After': String(RETRY_AFTER_SECONDS) },
  );
}

/** Maps an input error to 415 (not an image), 413 (too many pixels) or 422 (damaged). */
function imageError(error: ImageInputError): ApiError {
  const status =
    error.reason === 'unsupported'
      ? 415
      : error.reason === 'too-large'
        ? 413
        : 422;
  return new ApiError(status, `image-${error.reason}`, error.message);
}

/** Runs a task on the queue, turning a full queue into a 503 and bad images into 4xx. */
async function queued<T>(
  context: ApiContext,
  task: () => Promise<T>,
): Promise<T> {
  try {
    return await context.queue.run(task);
  } catch (error) {
    if (error instanceof QueueFullError) throw busy();
    if (error instanceof ImageInputError) throw imageError(error);
    throw error;
  }
}

/** Checks the headers and reads the uploaded image, rejecting it at once when the queue is full. */
async function readUpload(
  context: ApiContext,
  request: IncomingMessage,
): Promise<Buffer> {
  requireImageContentType(request);
  // NOTE: a body is read before its queue slot is taken, so uploads that
  // arrive together can each hold up to maxUploadBytes until the queue
  // rejects them. Checking here rejects most of a burst before reading.
  if (context.queue.isFull) throw busy();
  return readBody(request, context.maxUploadBytes);
}

async function analyzeBytes(
  context: ApiContext,
  bytes: Buffer,
): Promise<ImageAnalysis> {
  return context.pipeline.analyze(await decodeImage(bytes, 'upload'));
}

function gallerySummary(context: ApiContext) {
  const { gallery } = context.recognizer;
  return { people: gallery.labels().length, photos: gallery.size };
}

/** `GET /api/health`: backend, models, unknown threshold, gallery size and queue length. */
export function handleHealth(
  context: ApiContext,
  response: ServerResponse,
): void {
  sendJson(response, 200, {
    status: 'ok',
    backend: context.pipeline.runtime.backend,
    model: context.pipeline.model,
    detector: context.pipeline.detector.name,
    threshold: context.threshold,
    gallery: gallerySummary(context),
    queue: { pending: context.queue.pending, capacity: context.queue.capacity },
  });
}

/** `POST /api/identify`: every face of the image with its label, or `faces: []` for an image with no face. */
export async function handleIdentify(
  context: ApiContext,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const bytes = await readUpload(context, request);
  const analysis = await queued(context, () => analyzeBytes(context, bytes));
  const body: IdentifyResponse = {
    width: analysis.width,
    height: analysis.height,
    faces: context.recognizer.identifyAll(analysis.faces),
    threshold: context.threshold.value,
    cached: analysis.cached,
    timings: analysis.timings,
  };
  sendJson(response, 200, body);
}

/** `POST /api/enroll?label=NAME`: adds the largest face of the image under the label. */
export async function handleEnroll(
  context: ApiContext,
  request: IncomingMessage,
  response: ServerResponse,
  query: URLSearchParams,
): Promise<void> {
  const label = validateLabel(query.get('label'));
  const bytes = await readUpload(context, request);
  const { gallery } = context.recognizer;
  // Analysis, the change and the save form one task, so a full queue cannot
  // reject the save after the image was analysed.
  const { analysis, face } = await queued(context, async () => {
    const found = await analyzeBytes(context, bytes);
    const largest = largestFaceOf(found.faces);
    if (largest === undefined) {
      throw new ApiError(
        422,
        'no-face',
        'no face found in the image; use a photo where the face is visible, frontal and at least 20 pixels wide',
      );
    }
    gallery.add(label, largest.embedding, 'upload');
    await saveGallery(gallery, context.galleryPath);
    return { analysis: found, face: largest };
  });
  log.info(
    `enrolled "${label}" (${analysis.faces.length} face(s) in the image, largest used); gallery saved to ${context.galleryPath}`,
  );
  const photos = gallery.labels().find((entry) => entry.label === label);
  sendJson(response, 201, {
    label,
    photos: photos?.count ?? 0,
    face: { box: face.box, score: face.score },
    gallery: gallerySummary(context),
  });
}

/** `GET /api/gallery`: each label with its number of photos. */
export function handleGalleryList(
  context: ApiContext,
  response: ServerResponse,
): void {
  const { gallery } = context.recognizer;
  sendJson(response, 200, {
    model: gallery.model,
    people: gallery.labels(),
    photos: gallery.size,
  });
}

/** `DELETE /api/gallery/:label`: removes every photo of a label. */
export async function handleGalleryDelete(
  context: ApiContext,
  response: ServerResponse,
  label: string,
): Promise<void> {
  const { gallery } = context.recognizer;
  const removed = await queued(context, async () => {
    const count = gallery.removeLabel(label);
    if (count > 0) await saveGallery(gallery, context.galleryPath);
    return count;
  });
  if (removed === 0) {
    throw new ApiError(
      404,
      'label-not-found',
      `no one named "${label}" is enrolled; GET /api/gallery lists the labels`,
    );
  }
  log.info(`removed "${label}" (${removed} photo(s)); gallery saved`);
  sendJson(response, 200, { label, removed, gallery: gallerySummary(context) });
}
