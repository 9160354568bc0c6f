/** Heat map of the pairwise distances between a handful of faces. */
import { l2Distance } from '../prediction/distance';
import { titledLayout, type Figure } from './figure';

/**
 * Plots the L2 distance between every two embeddings as a heat map with the
 * value in each cell, from green (near) to red (far).
 *
 * @throws RangeError when there are no embeddings or the label count differs.
 */
export function distanceMatrixFigure(
  labels: readonly string[],
  embeddings: readonly Float32Array[],
): Figure {
  if (embeddings.length === 0)
    throw new RangeError('no embeddings for the distance matrix');
  if (labels.length !== embeddings.length)
    throw new RangeError(
      `${labels.length} labels for ${embeddings.length} embeddings; pass one label per embedding`,
    );
  const z = embeddings.map((a) => embeddings.map((b) => l2Distance(a, b)));
  return {
    data: [
      {
        type: 'heatmap',
        x: labels,
        y: labels,
        z,
        texttemplate: '%{z:.2f}',
        colorscale: [
          [0, '#2e9d49'],
          [0.5, '#f2e35c'],
          [1, '#d43d3d'],
        ],
        hovertemplate: '%{y} vs %{x}: %{z:.3f}<extra></extra>',
      },
    ],
    layout: {
      ...titledLayout('Pairwise L2 distances between faces', '', ''),
      xaxis: { tickangle: -30 },
      yaxis: { autorange: 'reversed' },
      margin: { l: 140, r: 30, t: 60, b: 120 },
    },
  };
}
