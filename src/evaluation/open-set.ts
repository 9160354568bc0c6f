/**
 * Open-set identification: probes of enrolled people should match the right
 * person, and probes of people who were never enrolled should come out
 * unknown. Both error rates move with the unknown threshold.
 */
import type { Gallery } from '../prediction/gallery';

/** A probe embedding and the person it shows. */
export interface Probe {
  readonly label: string;
  readonly embedding: Float32Array;
}

/** Error rates at one threshold. */
export interface OpenSetPoint {
  readonly threshold: number;
  /**
   * False accept rate: probes of people not enrolled that matched someone,
   * as a fraction of those probes.
   */
  readonly falseAcceptRate: number;
  /**
   * False reject rate: probes of enrolled people that came out unknown or
   * matched the wrong person, as a fraction of those probes.
   */
  readonly falseRejectRate: number;
}

/**
 * Sweeps the unknown threshold and returns both error rates at each value.
 * Each probe is compared with its nearest gallery photo once, so the sweep
 * costs one search per probe whatever the number of thresholds.
 */
export function openSetCurve(
  gallery: Gallery,
  probes: readonly Probe[],
  thresholds: readonly number[],
): OpenSetPoint[] {
  const enrolled = new Set(gallery.labels().map((entry) => entry.label));
  const known: { distance: number; right: boolean }[] = [];
  const strangers: number[] = [];
  for (const probe of probes) {
    const [nearest] = gallery.nearest(probe.embedding, 1);
    if (nearest === undefined)
      throw new RangeError('open-set evaluation needs a non-empty gallery');
    if (enrolled.has(probe.label))
      known.push({
        distance: nearest.distance,
        right: nearest.label === probe.label,
      });
    else strangers.push(nearest.distance);
  }
  if (known.length === 0 || strangers.length === 0) {
    throw new RangeError(
      'open-set evaluation needs probes of enrolled and of unenrolled people',
    );
  }
  return thresholds.map((threshold) => ({
    threshold,
    falseAcceptRate:
      strangers.filter((distance) => distance <= threshold).length /
      strangers.length,
    falseRejectRate:
      known.filter((probe) => !probe.right || probe.distance > threshold)
        .length / known.length,
  }));
}

/** Returns the point with the smallest sum of the two error rates. */
export function bestOpenSetPoint(curve: readonly OpenSetPoint[]): OpenSetPoint {
  if (curve.length === 0) throw new RangeError('empty open-set curve');
  return curve.reduce((best, point) =>
    point.falseAcceptRate + point.falseRejectRate <
    best.falseAcceptRate + best.falseRejectRate
      ? point
      : best,
  );
}
