/**
 * Charts of speed: seconds per pipeline stage, and gallery search time
 * against gallery size.
 */
import { titledLayout, type Figure, type Trace } from './figure';

/** Time of one pipeline stage, in seconds per image. */
export interface StageTiming {
  readonly stage: string;
  readonly seconds: number;
}

/** Search cost at one gallery size. */
export interface SearchTimePoint {
  /** `exact-js` is the exact scan in plain JavaScript, without SIMD. */
  readonly method: 'exact' | 'exact-js' | 'hnsw';
  readonly gallerySize: number;
  readonly msPerQuery: number;
  /** Fraction of queries whose first result is the exact nearest neighbour. */
  readonly recallAt1: number;
}

const SEARCH_METHOD_NAMES: Record<SearchTimePoint['method'], string> = {
  exact: 'exact, SIMD (every entry)',
  'exact-js': 'exact, JavaScript (every entry)',
  hnsw: 'HNSW (approximate)',
};

/**
 * Plots seconds per image for each stage as horizontal bars, in pipeline
 * order from top to bottom.
 *
 * @throws RangeError when `timings` is empty.
 */
export function stageTimingsFigure(
  timings: readonly StageTiming[],
  subtitle = '',
): Figure {
  if (timings.length === 0) throw new RangeError('no stage timings to plot');
  const reversed = [...timings].reverse();
  const total = timings.reduce((sum, timing) => sum + timing.seconds, 0);
  return {
    data: [
      {
        type: 'bar',
        orientation: 'h',
        x: reversed.map((timing) => timing.seconds),
        y: reversed.map((timing) => timing.stage),
        text: reversed.map((timing) => `${timing.seconds.toFixed(3)} s`),
        textposition: 'outside',
        cliponaxis: false,
        marker: { color: '#2f6fd6' },
      },
    ],
    layout: {
      ...titledLayout(
        `Seconds per image by stage (total ${total.toFixed(2)} s)${subtitle ? `<br><sub>${subtitle}</sub>` : ''}`,
        'seconds per image',
        '',
      ),
      margin: { l: 90, r: 90, t: 80, b: 60 },
    },
  };
}

/**
 * Plots milliseconds per query against gallery size, one line per search
 * method, on logarithmic axes, with recall at 1 on hover.
 *
 * @throws RangeError when `points` is empty.
 */
export function searchTimeFigure(points: readonly SearchTimePoint[]): Figure {
  if (points.length === 0) throw new RangeError('no search timings to plot');
  const methods = [...new Set(points.map((point) => point.method))];
  const data: Trace[] = methods.map((method) => {
    const series = points
      .filter((point) => point.method === method)
      .sort((a, b) => a.gallerySize - b.gallerySize);
    return {
      type: 'scatter',
      mode: 'lines+markers',
      name: SEARCH_METHOD_NAMES[method],
      x: series.map((point) => point.gallerySize),
      y: series.map((point) => point.msPerQuery),
      text: series.map(
        (point) => `recall@1 ${(100 * point.recallAt1).toFixed(1)}%`,
      ),
      hovertemplate: '%{x} entries: %{y:.3f} ms (%{text})<extra></extra>',
      line: { width: 3 },
      marker: { size: 8 },
    };
  });
  return {
    data,
    layout: {
      ...titledLayout(
        'Gallery search time against gallery size',
        'faces in the gallery',
        'milliseconds per query',
      ),
      xaxis: { title: { text: 'faces in the gallery' }, type: 'log' },
      yaxis: { title: { text: 'milliseconds per query' }, type: 'log' },
    },
  };
}
