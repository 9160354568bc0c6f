/**
 * Per-model band limits measured on data, stored in `models/calibration.json`
 * (written by `scripts/calibrate.ts`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
  RULE_OF_THUMB,
  validateBandLimits,
  type BandLimits,
} from '../output/bands';

/** Band limits for one model and how they were measured. */
export interface Calibration extends BandLimits {
  /** Data the limits were measured on, for example the LFW pairs file. */
  readonly data: string;
  /** Rule by which each limit was chosen. */
  readonly method: string;
  /** Detector used while measuring; landmarks from another one shift distances a little. */
  readonly detector: string;
}

/** Path of the calibration table in the project. */
export function calibrationPath(): string {
  return join(__dirname, '..', '..', 'models', 'calibration.json');
}

/**
 * Returns the calibrated band limits of a model, or the talk's rule of thumb
 * with `calibrated: false` when the model has not been calibrated.
 */
export function bandLimitsFor(model: string): {
  limits: BandLimits;
  calibrated: boolean;
  calibration?: Calibration;
} {
  const table = JSON.parse(readFileSync(calibrationPath(), 'utf8')) as Record<
    string,
    Calibration
  >;
  const calibration = table[model];
  if (calibration === undefined)
    return { limits: RULE_OF_THUMB, calibrated: false };
  return {
    limits: validateBandLimits(calibration),
    calibrated: true,
    calibration,
  };
}
