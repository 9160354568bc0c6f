/**
 * The unknown threshold of the presentation server. The slideshow and the
 * live demo compare each face with everyone in the gallery, and in a large
 * gallery a stranger's nearest enrolled person is much closer than a typical
 * different-person pair. So the verification threshold of `models/calibration.json`, the best
 * one for deciding whether two photos show one person, accepts most
 * strangers there, and the server uses a stricter, open-set threshold.
 */
import { createLogger } from '../log';
import { bandLimitsFor } from '../models/calibration';

const log = createLogger('server');

/**
 * Open-set unknown thresholds (L2) by model, measured by `facelab eval
 * identify` on LFW with 840 people enrolled from one photo each, 1,615
 * probes of them and 2,117 probes of 840 people never enrolled. 0.345 has
 * the smallest sum of false accept rate (9.1%) and false reject rate
 * (21.6%). The verification threshold 0.417 accepted 93.7% of the
 * strangers. The whole curve is in docs/accuracy.md, "Unknown threshold
 * (open set)".
 *
 * NOTE: the best value shrinks as the gallery grows, so it was not tuned for
 * the talk's gallery of a few people. A smaller gallery accepts fewer
 * strangers at 0.345 than the 840-person gallery measured here.
 */
export const OPEN_SET_THRESHOLDS: Readonly<Record<string, number>> = {
  'faceapi-recognition-128@pad-0.05/-0.14': 0.345,
};

/**
 * Origin of the threshold in force: the `--threshold` option, the model's
 * open-set threshold, its calibrated verification threshold, or, for a model
 * without calibration, the generic rule-of-thumb threshold.
 */
export type ThresholdSource = 'option' | 'open-set' | 'calibration' | 'generic';

/** The unknown threshold in force and where it came from. */
export interface ServerThreshold {
  /** Largest distance still accepted as a match. */
  readonly value: number;
  readonly source: ThresholdSource;
}

/** How to choose a threshold for a model that the open-set table lacks. */
const MEASURE_ADVICE =
  'pass --threshold DISTANCE; `facelab eval identify` with the same --embedder ' +
  'prints the open-set threshold with the fewest errors on its "best" line';

/** Chooses the server's unknown threshold for a model, preferring `option` when given. */
export function chooseServerThreshold(
  model: string,
  option?: number,
): ServerThreshold {
  if (option !== undefined) return { value: option, source: 'option' };
  const openSet = OPEN_SET_THRESHOLDS[model];
  if (openSet !== undefined) return { value: openSet, source: 'open-set' };
  const { limits, calibrated } = bandLimitsFor(model);
  if (!calibrated) {
    log.warn(
      `model ${model} has neither an open-set threshold nor a calibration; ` +
        `using the generic threshold ${limits.threshold}, which may not fit this model. To fix it, ` +
        `${MEASURE_ADVICE}, and \`npx tsx scripts/calibrate.ts --embedder MANIFEST\` ` +
        'stores its verification bands in models/calibration.json',
    );
    return { value: limits.threshold, source: 'generic' };
  }
  log.warn(
    `model ${model} has no measured open-set threshold; using its verification threshold ${limits.threshold}, ` +
      `which accepts more strangers. To fix it, ${MEASURE_ADVICE}`,
  );
  return { value: limits.threshold, source: 'calibration' };
}
