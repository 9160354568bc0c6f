/**
 * The Plotly figure type that every chart function returns: plain data that
 * plotly.js renders in a browser, a notebook or a headless Chromium.
 */

/** One Plotly trace. Only the fields facelab sets are typed. */
export interface Trace {
  readonly type:
    'scatter' | 'scattergl' | 'scatter3d' | 'histogram' | 'bar' | 'heatmap';
  readonly name?: string;
  readonly x?: readonly (number | string)[];
  readonly y?: readonly (number | string)[];
  readonly z?: readonly number[] | readonly (readonly number[])[];
  readonly text?: readonly string[] | readonly (readonly string[])[];
  readonly mode?: string;
  readonly orientation?: 'h' | 'v';
  readonly marker?: Readonly<Record<string, unknown>>;
  readonly line?: Readonly<Record<string, unknown>>;
  readonly xbins?: {
    readonly start: number;
    readonly end: number;
    readonly size: number;
  };
  readonly histnorm?: 'probability' | 'percent' | 'density' | '';
  readonly opacity?: number;
  readonly customdata?: readonly string[];
  readonly hovertemplate?: string;
  readonly texttemplate?: string;
  /** Bars: `inside`, `outside`, `auto`, `none`; scatter text: `top right` and the like. */
  readonly textposition?: string;
  readonly cliponaxis?: boolean;
  readonly colorscale?: string | readonly (readonly [number, string])[];
  readonly showlegend?: boolean;
  readonly showscale?: boolean;
  readonly legendgroup?: string;
}

/** A line or rectangle drawn on the plot area (Plotly `layout.shapes`). */
export interface Shape {
  readonly type: 'line' | 'rect';
  readonly xref: 'x' | 'paper';
  readonly yref: 'y' | 'paper';
  readonly x0: number;
  readonly x1: number;
  readonly y0: number;
  readonly y1: number;
  readonly line?: Readonly<Record<string, unknown>>;
  readonly fillcolor?: string;
  readonly opacity?: number;
  readonly layer?: 'above' | 'below';
}

/** A text placed on the plot (Plotly `layout.annotations`). */
export interface Annotation {
  readonly text: string;
  readonly x: number;
  readonly y: number;
  readonly xref: 'x' | 'paper';
  readonly yref: 'y' | 'paper';
  readonly showarrow: boolean;
  readonly font?: Readonly<Record<string, unknown>>;
  readonly xanchor?: 'left' | 'center' | 'right';
  readonly yanchor?: 'top' | 'middle' | 'bottom';
}

/** Plotly layout. Only the fields facelab sets are typed. */
export interface Layout {
  readonly title?: { readonly text: string };
  readonly xaxis?: Readonly<Record<string, unknown>>;
  readonly yaxis?: Readonly<Record<string, unknown>>;
  readonly scene?: Readonly<Record<string, unknown>>;
  readonly barmode?: 'overlay' | 'group' | 'stack';
  readonly shapes?: readonly Shape[];
  readonly annotations?: readonly Annotation[];
  readonly showlegend?: boolean;
  readonly legend?: Readonly<Record<string, unknown>>;
  readonly margin?: Readonly<Record<string, number>>;
  readonly hovermode?: 'closest' | 'x' | 'y' | false;
  readonly font?: Readonly<Record<string, unknown>>;
  readonly width?: number;
  readonly height?: number;
}

/** A Plotly figure: traces and layout, as `Plotly.newPlot` takes them. */
export interface Figure {
  readonly data: readonly Trace[];
  readonly layout: Layout;
}

/** Builds a layout with a title and titled axes. */
export function titledLayout(
  title: string,
  xTitle: string,
  yTitle: string,
): Layout {
  return {
    title: { text: title },
    xaxis: { title: { text: xTitle } },
    yaxis: { title: { text: yTitle } },
    font: { family: 'DejaVu Sans, sans-serif' },
    margin: { l: 70, r: 30, t: 60, b: 60 },
  };
}

/**
 * Returns `count` distinct colours, evenly spaced in hue, alternating in
 * lightness so that neighbours in the sequence differ.
 */
export function categoricalColours(count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const hue = Math.round((360 * i) / Math.max(count, 1));
    const lightness = [45, 60, 35][i % 3];
    return `hsl(${hue}, 70%, ${lightness}%)`;
  });
}
