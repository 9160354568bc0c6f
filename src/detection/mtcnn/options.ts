/** Options of the MTCNN cascade, their defaults and their validation. */
import { PNET_WINDOW } from './networks';

/** IoU thresholds of the non-maximum suppression steps, each in 0..1. */
export interface MtcnnNmsThresholds {
  /** Among the P-Net windows of one pyramid level (default 0.5). */
  readonly pnetPerScale: number;
  /** Among the P-Net windows of all levels together (default 0.7). */
  readonly pnetAcrossScales: number;
  /** Among the boxes R-Net accepts (default 0.7). */
  readonly rnet: number;
  /**
   * Among the boxes O-Net accepts (default 0.7). This step divides the
   * intersection by the smaller box's area rather than by the union, so a
   * box lying mostly inside a better one is removed.
   */
  readonly onet: number;
}

/** The resolved settings of the cascade, with every value present. */
export interface MtcnnSettings {
  /** Side in pixels of the smallest face searched for (default 20). */
  readonly minFaceSize: number;
  /** Ratio between neighbouring pyramid levels, in (0, 1) (default 0.709). */
  readonly scaleFactor: number;
  /**
   * Maximum length in pixels of the largest pyramid level's longer side
   * (default 1024).
   * Larger images start the pyramid at this size, which raises the smallest
   * detectable face to `12 * longestSide / maxImageSide` pixels.
   */
  readonly maxImageSide: number;
  /**
   * Lowest face probability that P-Net, R-Net and O-Net accept, each in 0..1
   * (default `[0.6, 0.7, 0.7]`).
   */
  readonly scoreThresholds: readonly [number, number, number];
  readonly nmsThresholds: MtcnnNmsThresholds;
}

/** Options of the MTCNN cascade; every field is optional. */
export interface MtcnnOptions {
  readonly minFaceSize?: number;
  readonly scaleFactor?: number;
  readonly maxImageSide?: number;
  readonly scoreThresholds?: readonly [number, number, number];
  readonly nmsThresholds?: Partial<MtcnnNmsThresholds>;
}

/**
 * The defaults: face-api.js 0.22's MTCNN values, plus a cap on the pyramid
 * size that face-api.js does not have.
 */
export const DEFAULT_MTCNN_SETTINGS: MtcnnSettings = {
  minFaceSize: 20,
  scaleFactor: 0.709,
  // P-Net's work is about twice the pixel count of the first level, so this
  // bounds it for any input size. Faces of at least 12 * longestSide / 1024
  // pixels are still searched: 23 pixels in a 1920-pixel photo.
  // NOTE: a judgement call between speed and the smallest face, not tuned.
  maxImageSide: 1024,
  scoreThresholds: [0.6, 0.7, 0.7],
  nmsThresholds: {
    pnetPerScale: 0.5,
    pnetAcrossScales: 0.7,
    rnet: 0.7,
    onet: 0.7,
  },
};

const OPTION_NAMES: readonly string[] = [
  'minFaceSize',
  'scaleFactor',
  'maxImageSide',
  'scoreThresholds',
  'nmsThresholds',
];

const NMS_NAMES: readonly (keyof MtcnnNmsThresholds)[] = [
  'pnetPerScale',
  'pnetAcrossScales',
  'rnet',
  'onet',
];

/** P-Net cannot scan a pyramid level smaller than its window. */
const MIN_IMAGE_SIDE = PNET_WINDOW;

function checkKeys(
  value: object,
  allowed: readonly string[],
  prefix: string,
): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw new RangeError(
        `unknown MTCNN option ${prefix}${key}; ` +
          `valid options are ${allowed.map((k) => prefix + k).join(', ')}`,
      );
    }
  }
}

/** Checks that a value is a number, as untyped callers can pass anything. */
function isNumber(value: unknown): value is number {
  return typeof value === 'number';
}

function checkUnitInterval(name: string, value: unknown): number {
  if (!isNumber(value) || !(value >= 0 && value <= 1)) {
    throw new RangeError(`${name} must be a number in 0..1, got ${value}`);
  }
  return value;
}

function nmsValue(
  nms: Partial<MtcnnNmsThresholds>,
  name: keyof MtcnnNmsThresholds,
): number {
  const value = nms[name] ?? DEFAULT_MTCNN_SETTINGS.nmsThresholds[name];
  return checkUnitInterval(`nmsThresholds.${name}`, value);
}

/**
 * Fills in the defaults and validates every value.
 *
 * @throws RangeError naming the first invalid or unknown option.
 */
export function resolveMtcnnOptions(options: MtcnnOptions = {}): MtcnnSettings {
  checkKeys(options, OPTION_NAMES, '');
  const defaults = DEFAULT_MTCNN_SETTINGS;

  const minFaceSize = options.minFaceSize ?? defaults.minFaceSize;
  if (!(
    isNumber(minFaceSize) &&
    Number.isFinite(minFaceSize) &&
    minFaceSize > 0
  )) {
    throw new RangeError(
      `minFaceSize must be a positive number of pixels, got ${minFaceSize}`,
    );
  }

  const scaleFactor = options.scaleFactor ?? defaults.scaleFactor;
  if (!(isNumber(scaleFactor) && scaleFactor > 0 && scaleFactor < 1)) {
    throw new RangeError(
      `scaleFactor must be between 0 and 1 (exclusive), got ${scaleFactor}`,
    );
  }

  const maxImageSide = options.maxImageSide ?? defaults.maxImageSide;
  if (!(Number.isInteger(maxImageSide) && maxImageSide >= MIN_IMAGE_SIDE)) {
    throw new RangeError(
      `maxImageSide must be an integer of at least ${MIN_IMAGE_SIDE} ` +
        `pixels, got ${maxImageSide}`,
    );
  }

  const thresholds = options.scoreThresholds ?? defaults.scoreThresholds;
  if (!Array.isArray(thresholds) || thresholds.length !== 3) {
    throw new RangeError(
      'scoreThresholds must be an array of three numbers in 0..1 ' +
        `(P-Net, R-Net, O-Net), got ${JSON.stringify(thresholds)}`,
    );
  }
  const scoreThresholds = [
    checkUnitInterval('scoreThresholds[0]', thresholds[0]),
    checkUnitInterval('scoreThresholds[1]', thresholds[1]),
    checkUnitInterval('scoreThresholds[2]', thresholds[2]),
  ] as const;

  const nms = options.nmsThresholds ?? {};
  if (typeof nms !== 'object' || nms === null) {
    throw new RangeError(
      `nmsThresholds must be an object, got ${JSON.stringify(nms)}`,
    );
  }
  checkKeys(nms, NMS_NAMES, 'nmsThresholds.');
  const nmsThresholds: MtcnnNmsThresholds = {
    pnetPerScale: nmsValue(nms, 'pnetPerScale'),
    pnetAcrossScales: nmsValue(nms, 'pnetAcrossScales'),
    rnet: nmsValue(nms, 'rnet'),
    onet: nmsValue(nms, 'onet'),
  };

  return {
    minFaceSize,
    scaleFactor,
    maxImageSide,
    scoreThresholds,
    nmsThresholds,
  };
}
