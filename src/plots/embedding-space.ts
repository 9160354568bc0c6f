/**
 * Scatter plot of an embedding space projected to 2-D or 3-D, one colour per
 * person, with each point's face thumbnail in `customdata` so that HTML and
 * notebook output can show it on hover (see `html.ts`).
 */
import { categoricalColours, type Figure, type Trace } from './figure';

/** One projected face. */
export interface ProjectedFace {
  readonly label: string;
  /** Two or three coordinates. */
  readonly position: readonly number[];
  /** Data URL of the face thumbnail; empty for none. */
  readonly thumbnail: string;
}

/** Largest number of people listed in the legend; more hide it. */
const MAX_LEGEND_ENTRIES = 20;

/**
 * Plots projected faces coloured by person. Points carry their thumbnail as
 * `customdata`. The plot is 3-D when the positions have three coordinates.
 *
 * @throws RangeError when `faces` is empty or the positions mix 2 and 3
 *   coordinates.
 */
export function embeddingSpaceFigure(
  faces: readonly ProjectedFace[],
  title: string,
): Figure {
  if (faces.length === 0) throw new RangeError('no faces to plot');
  const dimensions = faces[0]!.position.length;
  if (dimensions !== 2 && dimensions !== 3)
    throw new RangeError(
      `positions need 2 or 3 coordinates, got ${dimensions}`,
    );
  if (faces.some((face) => face.position.length !== dimensions))
    throw new RangeError('every position needs the same number of coordinates');
  const labels = [...new Set(faces.map((face) => face.label))];
  const colours = categoricalColours(labels.length);
  const data: Trace[] = labels.map((label, i) => {
    const group = faces.filter((face) => face.label === label);
    const axis = (k: number): number[] =>
      group.map((face) => face.position[k]!);
    return {
      type: dimensions === 3 ? 'scatter3d' : 'scatter',
      mode: 'markers',
      name: label.replace(/_/g, ' '),
      x: axis(0),
      y: axis(1),
      ...(dimensions === 3 ? { z: axis(2) } : {}),
      customdata: group.map((face) => face.thumbnail),
      hovertemplate: `${label.replace(/_/g, ' ')}<extra></extra>`,
      marker: {
        color: colours[i],
        size: dimensions === 3 ? 3 : 7,
        line: { width: dimensions === 3 ? 0 : 0.5, color: '#ffffff' },
      },
    };
  });
  const hideAxis = {
    showticklabels: false,
    zeroline: false,
    title: { text: '' },
  };
  return {
    data,
    layout: {
      title: { text: title },
      font: { family: 'DejaVu Sans, sans-serif' },
      showlegend: labels.length <= MAX_LEGEND_ENTRIES,
      hovermode: 'closest',
      margin: { l: 20, r: 20, t: 60, b: 20 },
      ...(dimensions === 3
        ? { scene: { xaxis: hideAxis, yaxis: hideAxis, zaxis: hideAxis } }
        : { xaxis: hideAxis, yaxis: hideAxis }),
    },
  };
}
