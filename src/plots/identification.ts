/**
 * Charts of identification: rank-1 accuracy against gallery size, and
 * accuracy under image degradations. The data comes from
 * `facelab eval identify`.
 */
import {
  categoricalColours,
  titledLayout,
  type Figure,
  type Trace,
} from './figure';

/** Rank-1 identification accuracy for one gallery size. */
export interface GallerySizePoint {
  readonly gallerySize: number;
  /** Fraction of probes whose nearest gallery entry is the right person, in 0..1. */
  readonly rank1: number;
  readonly probes: number;
}

/** Kinds of image degradation in a robustness sweep. */
export type DegradationKind =
  | 'resolution'
  | 'blur'
  | 'jpeg'
  | 'occlusion-eyes'
  | 'occlusion-mouth'
  | 'flip';

/** One degradation at one severity (severity 0 = untouched). */
export interface RobustnessPoint {
  readonly kind: DegradationKind;
  readonly severity: number;
  /** Human-readable severity, for example `32 px` or `quality 10`. */
  readonly label: string;
  readonly accuracy: number;
  readonly meanGenuineDistance: number;
}

/**
 * Plots rank-1 accuracy against the number of people in the gallery, on a
 * logarithmic size axis.
 *
 * @throws RangeError when `points` is empty.
 */
export function rank1GallerySizeFigure(
  points: readonly GallerySizePoint[],
): Figure {
  if (points.length === 0) throw new RangeError('no gallery sizes to plot');
  const sorted = [...points].sort((a, b) => a.gallerySize - b.gallerySize);
  return {
    data: [
      {
        type: 'scatter',
        mode: 'lines+markers',
        name: 'rank-1 accuracy',
        x: sorted.map((point) => point.gallerySize),
        y: sorted.map((point) => point.rank1),
        text: sorted.map((point) => `${point.probes} probes`),
        hovertemplate: '%{x} people: %{y:.1%} (%{text})<extra></extra>',
        marker: { size: 9 },
        line: { width: 3 },
      },
    ],
    layout: {
      ...titledLayout(
        'Rank-1 accuracy against gallery size',
        'people in the gallery',
        'rank-1 accuracy',
      ),
      xaxis: { title: { text: 'people in the gallery' }, type: 'log' },
      yaxis: { title: { text: 'rank-1 accuracy' }, tickformat: '.0%' },
    },
  };
}

/**
 * Builds accuracy against degradation step, one line per kind of
 * degradation. Severities of different kinds are in different units (pixels,
 * blur sigma, JPEG quality), so the x axis is the step in each kind's own
 * order (0 = the original image) and each marker is labelled with its
 * setting, such as `32 px` or `quality 10`.
 *
 * @throws RangeError when there are no points.
 */
export function robustnessFigure(points: readonly RobustnessPoint[]): Figure {
  if (points.length === 0) throw new RangeError('no robustness points to plot');
  const kinds = [...new Set(points.map((point) => point.kind))];
  const colours = categoricalColours(kinds.length);
  const data: Trace[] = kinds.map((kind, i) => {
    const series = points
      .filter((point) => point.kind === kind)
      .sort((a, b) => a.severity - b.severity);
    return {
      type: 'scatter',
      mode: 'lines+markers+text',
      name: kind,
      x: series.map((_, step) => step),
      y: series.map((point) => point.accuracy),
      text: series.map((point) => (point.severity === 0 ? '' : point.label)),
      textposition: 'top right',
      customdata: series.map((point) => point.label),
      hovertemplate: `${kind} %{customdata}: %{y:.1%}<extra></extra>`,
      line: { color: colours[i], width: 3 },
      marker: { size: 8 },
    };
  });
  const base = titledLayout(
    'Accuracy under image degradations',
    'degradation step (0 = original image)',
    'accuracy',
  );
  return {
    data,
    layout: {
      ...base,
      xaxis: { ...base.xaxis, dtick: 1 },
      yaxis: { title: { text: 'accuracy' }, tickformat: '.0%' },
    },
  };
}
