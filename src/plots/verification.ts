/**
 * Charts of face verification: distance histograms of genuine and impostor
 * pairs with the threshold and bands, accuracy against threshold, and ROC.
 */
import type { ScoredPair, RocSummary } from '../evaluation/verification';
import { accuracyAt } from '../evaluation/verification';
import type { BandLimits } from '../output/bands';
import { BAND_COLOURS } from './annotate';
import {
  titledLayout,
  type Annotation,
  type Figure,
  type Shape,
} from './figure';

const GENUINE_COLOUR = '#2f6fd6';
const IMPOSTOR_COLOUR = '#d6532f';

function splitDistances(pairs: readonly ScoredPair[]): {
  genuine: number[];
  impostor: number[];
} {
  if (pairs.length === 0) throw new RangeError('no scored pairs to plot');
  const genuine: number[] = [];
  const impostor: number[] = [];
  for (const pair of pairs)
    (pair.same ? genuine : impostor).push(pair.distance);
  return { genuine, impostor };
}

function maxDistance(pairs: readonly ScoredPair[], limits: BandLimits): number {
  let max = limits.farAbove;
  for (const pair of pairs) if (pair.distance > max) max = pair.distance;
  return max;
}

function thresholdLine(threshold: number): Shape {
  return {
    type: 'line',
    xref: 'x',
    yref: 'paper',
    x0: threshold,
    x1: threshold,
    y0: 0,
    y1: 1,
    line: { color: '#222222', width: 2, dash: 'dash' },
  };
}

function bandShapes(limits: BandLimits, end: number): Shape[] {
  const edges: [number, number, string][] = [
    [0, limits.confidentBelow, BAND_COLOURS.confident],
    [limits.confidentBelow, limits.threshold, BAND_COLOURS.likely],
    [limits.threshold, limits.farAbove, BAND_COLOURS.unlikely],
    [limits.farAbove, end, BAND_COLOURS.far],
  ];
  return edges.map(([x0, x1, colour]) => ({
    type: 'rect',
    xref: 'x',
    yref: 'paper',
    x0,
    x1,
    y0: 0,
    y1: 1,
    fillcolor: colour,
    opacity: 0.12,
    layer: 'below',
    line: { width: 0 },
  }));
}

function bandAnnotations(limits: BandLimits, end: number): Annotation[] {
  const centres: [string, number][] = [
    ['confident', limits.confidentBelow / 2],
    ['likely', (limits.confidentBelow + limits.threshold) / 2],
    ['unlikely', (limits.threshold + limits.farAbove) / 2],
    ['far', (limits.farAbove + end) / 2],
  ];
  return centres.map(([text, x]) => ({
    text,
    x,
    y: 1,
    xref: 'x',
    yref: 'paper',
    showarrow: false,
    yanchor: 'bottom',
  }));
}

/**
 * Plots the distance histograms of genuine (same person) and impostor pairs
 * as overlaid probability histograms, with the bands shaded behind them and
 * the match threshold as a dashed line.
 *
 * @throws RangeError when `pairs` is empty.
 */
export function distanceHistogramFigure(
  pairs: readonly ScoredPair[],
  limits: BandLimits,
): Figure {
  const { genuine, impostor } = splitDistances(pairs);
  const end = Math.ceil(maxDistance(pairs, limits) * 20) / 20;
  const xbins = { start: 0, end, size: 0.025 };
  const layout = titledLayout(
    `Distances of ${genuine.length} genuine and ${impostor.length} impostor pairs`,
    'L2 distance between embeddings',
    'fraction of pairs',
  );
  return {
    data: [
      {
        type: 'histogram',
        name: 'genuine (same person)',
        x: genuine,
        xbins,
        histnorm: 'probability',
        opacity: 0.7,
        marker: { color: GENUINE_COLOUR },
      },
      {
        type: 'histogram',
        name: 'impostor (different people)',
        x: impostor,
        xbins,
        histnorm: 'probability',
        opacity: 0.7,
        marker: { color: IMPOSTOR_COLOUR },
      },
    ],
    layout: {
      ...layout,
      barmode: 'overlay',
      margin: { l: 70, r: 30, t: 80, b: 60 },
      shapes: [...bandShapes(limits, end), thresholdLine(limits.threshold)],
      annotations: [
        ...bandAnnotations(limits, end),
        {
          text: `threshold ${limits.threshold.toFixed(2)}`,
          x: limits.threshold,
          y: 0.92,
          xref: 'x',
          yref: 'paper',
          showarrow: false,
          xanchor: 'left',
        },
      ],
      legend: { x: 0.99, xanchor: 'right', y: 0.85 },
    },
  };
}

/**
 * Plots the fraction of pairs classified correctly by `distance <= t` for
 * thresholds `t` from 0 to the largest distance, marking the best threshold
 * and the configured one.
 *
 * @throws RangeError when `pairs` is empty.
 */
export function accuracyThresholdFigure(
  pairs: readonly ScoredPair[],
  limits: BandLimits,
  steps = 200,
): Figure {
  splitDistances(pairs);
  const end = maxDistance(pairs, limits);
  const thresholds = Array.from(
    { length: steps + 1 },
    (_, i) => (end * i) / steps,
  );
  const accuracies = thresholds.map((t) => accuracyAt(pairs, t));
  let best = 0;
  accuracies.forEach((accuracy, i) => {
    if (accuracy > accuracies[best]!) best = i;
  });
  const configured = accuracyAt(pairs, limits.threshold);
  return {
    data: [
      {
        type: 'scatter',
        mode: 'lines',
        name: 'accuracy',
        x: thresholds,
        y: accuracies,
        line: { color: GENUINE_COLOUR, width: 3 },
      },
      {
        type: 'scatter',
        mode: 'markers+text',
        name: 'best',
        x: [thresholds[best]!],
        y: [accuracies[best]!],
        text: [
          `best ${(100 * accuracies[best]!).toFixed(1)}% at ${thresholds[best]!.toFixed(2)}`,
        ],
        textposition: 'top right',
        marker: { size: 10, color: '#222222' },
        showlegend: false,
      },
    ],
    layout: {
      ...titledLayout(
        `Accuracy against threshold (${pairs.length} pairs)`,
        'threshold (L2 distance)',
        'accuracy',
      ),
      yaxis: {
        title: { text: 'accuracy' },
        range: [0.4, 1.02],
        tickformat: '.0%',
      },
      shapes: [thresholdLine(limits.threshold)],
      annotations: [
        {
          text: `threshold ${limits.threshold.toFixed(2)}: ${(100 * configured).toFixed(1)}%`,
          x: limits.threshold,
          y: 0.05,
          xref: 'x',
          yref: 'paper',
          showarrow: false,
          xanchor: 'right',
        },
      ],
      showlegend: false,
    },
  };
}

/** Plots a ROC curve (true accept rate against false accept rate) with its AUC and EER. */
export function rocFigure(roc: RocSummary): Figure {
  if (roc.curve.length === 0)
    throw new RangeError('the ROC curve has no points');
  return {
    data: [
      {
        type: 'scatter',
        mode: 'lines',
        name: `ROC (AUC ${roc.auc.toFixed(4)})`,
        x: roc.curve.map((point) => point.far),
        y: roc.curve.map((point) => point.tar),
        line: { color: GENUINE_COLOUR, width: 3 },
      },
      {
        type: 'scatter',
        mode: 'lines',
        name: 'chance',
        x: [0, 1],
        y: [0, 1],
        line: { color: '#999999', dash: 'dot' },
      },
    ],
    layout: {
      ...titledLayout(
        `ROC: AUC ${roc.auc.toFixed(4)}, EER ${(100 * roc.eer).toFixed(2)}%`,
        'false accept rate (impostor pairs accepted)',
        'true accept rate (genuine pairs accepted)',
      ),
      xaxis: {
        title: { text: 'false accept rate (impostor pairs accepted)' },
        range: [0, 1],
      },
      yaxis: {
        title: { text: 'true accept rate (genuine pairs accepted)' },
        range: [0, 1.01],
      },
      legend: { x: 0.98, xanchor: 'right', y: 0.05 },
    },
  };
}
