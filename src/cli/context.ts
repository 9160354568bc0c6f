/**
 * Options shared by the commands, and the objects they build: the pipeline,
 * the gallery file and the recognizer.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

import { Command, InvalidArgumentError, Option } from 'commander';

import { BACKEND_NAMES, type BackendName } from '../backend/backend';
import { DETECTOR_NAMES, type DetectorName } from '../detection/factory';
import {
  DEFAULT_EMBEDDER,
  EMBEDDER_NAMES,
  isEmbedderName,
} from '../embedding/factory';
import { bandLimitsFor } from '../models/calibration';
import { validateBandLimits, type BandLimits } from '../output/bands';
import { FacePipeline, type PipelineOptions } from '../pipeline';
import type { Gallery } from '../prediction/gallery';
import { IndexedGallery } from '../prediction/indexed-gallery';
import { loadGallery } from '../prediction/gallery-file';
import type { PredictionMethod } from '../prediction/predict';
import { Recognizer } from '../recognizer';
import { defaultWorkerCount } from '../workers/pool';
import { createLogger, type Logger } from '../log';

const log = createLogger('cli');

/** Options every pipeline command accepts. */
export interface PipelineFlags {
  detector: DetectorName;
  embedder: string;
  backend?: BackendName;
  cache: string | false;
  maxSide: number;
  landmarks68?: boolean;
  flipAverage?: boolean;
}

/** Options of commands that search the gallery. */
export interface PredictionFlags {
  gallery: string;
  method: PredictionMethod;
  k: number;
  threshold?: number;
}

// Parsers raise InvalidArgumentError, so that commander names the option in
// its message and the program exits with the usage-error code 2.

/**
 * Largest distance between unit-length embeddings, reached by opposite
 * vectors, in L2 and in cosine distance alike.
 */
export const MAX_DISTANCE = 2;

const THRESHOLD_EXPECTED =
  `Expected a distance above 0 and at most ${MAX_DISTANCE}, ` +
  `because unit-length embeddings are at most ${MAX_DISTANCE} apart.`;

function isThresholdInRange(threshold: number): boolean {
  return threshold > 0 && threshold <= MAX_DISTANCE;
}

/**
 * Checks an unknown threshold and returns it.
 *
 * @throws RangeError when the threshold is not above 0 and at most
 *   {@link MAX_DISTANCE}.
 */
export function validateThreshold(threshold: number): number {
  if (!isThresholdInRange(threshold)) {
    throw new RangeError(
      `threshold ${threshold} is invalid. ${THRESHOLD_EXPECTED}`,
    );
  }
  return threshold;
}

/** A decimal number such as `0.6`, `-.6` or `6e-1`, without a base prefix. */
const DECIMAL_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * Converts a decimal option value to a number, or NaN for anything else,
 * because `Number()` also accepts `0x1`, `0b1`, `0o1`, `Infinity` and blanks.
 */
export function parseDecimal(value: string): number {
  return DECIMAL_NUMBER.test(value.trim()) ? Number(value) : NaN;
}

/** Parses `--threshold`: a distance above 0 and at most {@link MAX_DISTANCE}. */
export function parseThreshold(value: string): number {
  const threshold = parseDecimal(value);
  if (!isThresholdInRange(threshold))
    throw new InvalidArgumentError(THRESHOLD_EXPECTED);
  return threshold;
}

/** Returns a parser of integers of at least `minimum`. */
export function integerAtLeast(minimum: number): (value: string) => number {
  return (value) => {
    const number = parseDecimal(value);
    if (!(Number.isInteger(number) && number >= minimum)) {
      throw new InvalidArgumentError(
        `Expected an integer of at least ${minimum}.`,
      );
    }
    return number;
  };
}

/** Accepts a built-in embedder name or the path of an existing manifest file. */
export function parseEmbedder(value: string): string {
  if (value.trim() === '') {
    throw new InvalidArgumentError(
      `Expected one of ${EMBEDDER_NAMES.join(', ')}, or the path of a JSON model manifest; the value is empty.`,
    );
  }
  if (isEmbedderName(value) || existsSync(value)) return value;
  throw new InvalidArgumentError(
    `Expected one of ${EMBEDDER_NAMES.join(', ')}, or the path of a JSON model manifest; no file at ${resolve(value)}.`,
  );
}

/** Default gallery file: `FACELAB_GALLERY`, else `facelab-gallery.json` in the working folder. */
export function defaultGalleryPath(): string {
  return process.env.FACELAB_GALLERY || 'facelab-gallery.json';
}

/** Adds the pipeline options to a command. */
export function addPipelineOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--detector <name>', 'face detector')
        .choices([...DETECTOR_NAMES])
        .default('mtcnn'),
    )
    .option(
      '--embedder <name|manifest>',
      `embedding model: ${EMBEDDER_NAMES.join(', ')}, or the path of a JSON model manifest`,
      parseEmbedder,
      DEFAULT_EMBEDDER,
    )
    .addOption(
      new Option(
        '--backend <name>',
        'TensorFlow.js backend (default: fastest available, or FACELAB_BACKEND)',
      ).choices([...BACKEND_NAMES]),
    )
    .option(
      '--cache <folder>',
      'embedding cache folder (default: FACELAB_CACHE or ~/.cache/facelab)',
    )
    .option(
      '--no-cache',
      'analyse every image again instead of using the cache',
    )
    .option(
      '--max-side <pixels>',
      'downscale larger images to this longest side for detection',
      integerAtLeast(64),
      1280,
    )
    .option(
      '--landmarks68',
      'also estimate 68-point landmarks with MTCNN (drawn on annotated images)',
    )
    .option(
      '--flip-average',
      'average each face embedding with that of its mirror image (twice the embedding time)',
    );
}

/** Adds `--workers`, the number of worker threads that embed images. */
export function addWorkersOption(command: Command): Command {
  return command.option(
    '--workers <count>',
    'worker threads that embed images, each with its own copy of the models',
    integerAtLeast(1),
    defaultWorkerCount(),
  );
}

/** Adds the gallery and prediction options to a command. */
export function addPredictionOptions(command: Command): Command {
  return command
    .option(
      '--gallery <file>',
      'gallery file, FACELAB_GALLERY if set',
      defaultGalleryPath(),
    )
    .addOption(
      new Option('--method <name>', 'how the gallery is searched')
        .choices(['1nn', 'knn', 'centroid'])
        .default('1nn'),
    )
    .option(
      '-k <count>',
      'neighbours that vote with --method knn',
      integerAtLeast(1),
      3,
    )
    .option(
      '--threshold <distance>',
      'largest L2 distance accepted as a match, above 0 and at most 2 (default: the model calibration)',
      parseThreshold,
    );
}

/** Converts the command-line options to pipeline options. */
export function pipelineOptions(flags: PipelineFlags): PipelineOptions {
  return {
    detector: flags.detector,
    embedder: flags.embedder,
    detectionMaxSide: flags.maxSide,
    landmarks68: flags.landmarks68 === true,
    flipAverage: flags.flipAverage === true,
    cache:
      flags.cache === false
        ? false
        : typeof flags.cache === 'string'
          ? resolve(flags.cache)
          : undefined,
    ...(flags.backend !== undefined && { backend: flags.backend }),
  };
}

/** Builds the pipeline from the command-line options. */
export async function createPipeline(
  flags: PipelineFlags,
): Promise<FacePipeline> {
  return FacePipeline.create(pipelineOptions(flags));
}

const warnedUncalibrated = new Set<string>();

/**
 * Band limits of the pipeline's model, with `--threshold` applied. The
 * warning for a model without calibration goes to `logger`.
 *
 * @throws RangeError for a threshold outside (0, {@link MAX_DISTANCE}].
 */
export function resolveLimits(
  model: string,
  threshold?: number,
  logger: Logger = log,
): BandLimits {
  const { limits, calibrated } = bandLimitsFor(model);
  if (!calibrated && !warnedUncalibrated.has(model)) {
    warnedUncalibrated.add(model);
    logger.warn(
      `model ${model} has no calibration in models/calibration.json; ` +
        'using the generic bands 0.75 (confident) and 1.2 (far), which may not fit this model',
    );
  }
  if (threshold === undefined) return limits;
  validateThreshold(threshold);
  return validateBandLimits({
    confidentBelow: Math.min(limits.confidentBelow, threshold),
    threshold,
    farAbove: Math.max(limits.farAbove, threshold),
  });
}

/** Opens the gallery file, or starts an empty gallery when it does not exist. */
export async function openGallery(
  path: string,
  pipeline: FacePipeline,
): Promise<Gallery> {
  const gallery = await loadGallery(path, pipeline.model);
  return (
    gallery ?? new IndexedGallery(pipeline.model, pipeline.embedder.dimension)
  );
}

/** Creates the recognizer the prediction commands use. */
export function createRecognizer(
  gallery: Gallery,
  flags: PredictionFlags,
): Recognizer {
  return new Recognizer(gallery, {
    method: flags.method,
    k: flags.k,
    metric: 'l2',
    limits: resolveLimits(gallery.model, flags.threshold),
  });
}
