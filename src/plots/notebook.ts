/**
 * Inline display of Plotly figures in tslab notebooks (Jupyter with the
 * TypeScript kernel). plotly.js is sent once per kernel session, with the
 * first figure, and later figures send only their `<div>`.
 */
import { createRequire } from 'node:module';

import type { Figure } from './figure';
import { figureDiv, plotlyScripts } from './html';

/** The part of tslab's API that {@link showFigure} uses. */
interface TslabDisplay {
  display: { html(html: string): void };
}

let plotlySent = false;

/**
 * Returns the HTML to show a figure in the notebook: the figure's `<div>`,
 * preceded by plotly.js the first time this process calls it.
 *
 * NOTE: plotly.js travels with the first figure's cell output. Clearing or
 * rerunning that cell alone removes plotly.js from the saved notebook, so
 * restart the kernel and run all cells (or call {@link resendPlotly})
 * before exporting it.
 */
export function notebookFigureHtml(figure: Figure, height = 560): string {
  const head = plotlySent ? '' : plotlyScripts();
  plotlySent = true;
  return head + figureDiv(figure, height);
}

/** Makes the next figure send plotly.js again, for example after its cell was cleared. */
export function resendPlotly(): void {
  plotlySent = false;
}

function outsideNotebookError(cause: Error): Error {
  return new Error(
    `showFigure needs the tslab kernel, but ${cause.message}; ` +
      'run this in a tslab notebook, or write standaloneHtml([figure]) to a file instead',
  );
}

/**
 * Shows a figure in the current tslab notebook cell.
 *
 * @throws Error when the `tslab` package cannot be loaded or is loaded
 *   outside a running tslab kernel.
 */
export function showFigure(figure: Figure, height = 560): void {
  let tslab: TslabDisplay;
  try {
    tslab = createRequire(__filename)('tslab') as TslabDisplay;
  } catch (error) {
    throw outsideNotebookError(
      new Error(`tslab could not be loaded (${(error as Error).message})`),
    );
  }
  const plotlyWasSent = plotlySent;
  try {
    tslab.display.html(notebookFigureHtml(figure, height));
  } catch (error) {
    // tslab throws "Not ready" when no kernel is running; plotly.js was not
    // shown, so the next figure must send it.
    plotlySent = plotlyWasSent;
    throw outsideNotebookError(
      new Error(`tslab could not display (${(error as Error).message})`),
    );
  }
}
