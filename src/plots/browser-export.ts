/**
 * PNG and SVG export of Plotly figures in a headless Chromium driven by
 * `playwright-core`. The browser is the system's (Debian's `chromium`),
 * never a downloaded one; one browser renders many figures, and every
 * network request of the page is aborted.
 */
import { existsSync } from 'node:fs';

import { chromium, type Browser, type Page } from 'playwright-core';

import type { Figure } from './figure';
import { readPlotlySource } from './html';

/** Chromium used when `FACELAB_CHROMIUM` is unset (Debian's `chromium` package). */
export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/** Flags for a headless Chromium that makes no network requests of its own. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Image format of an export. */
export type ImageFormat = 'png' | 'svg';

/** Size and format of one exported image. */
export interface ExportOptions {
  readonly format: ImageFormat;
  /** Width in pixels (default 1280). */
  readonly width?: number;
  /** Height in pixels (default 720). */
  readonly height?: number;
}

/** Returns the Chromium executable: `FACELAB_CHROMIUM`, else {@link DEFAULT_CHROMIUM}. */
export function chromiumPath(): string {
  return process.env.FACELAB_CHROMIUM || DEFAULT_CHROMIUM;
}

/**
 * Launches the system Chromium headless with networking services off.
 *
 * @throws Error naming the path and the fix when Chromium is not installed.
 */
export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium not found at ${executablePath}; install Debian's chromium ` +
        '(apt-get install chromium) or set FACELAB_CHROMIUM to its path',
    );
  }
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}

const LOCAL_SCHEMES = ['file:', 'data:', 'about:'];

/**
 * Aborts every request of the page except local ones (`file:`, `data:` and
 * `about:` URLs) and returns the list of the URLs it aborted, which grows
 * as the page runs.
 */
export async function blockNetwork(page: Page): Promise<string[]> {
  const blocked: string[] = [];
  await page.route('**/*', async (route) => {
    const url = route.request().url();
    if (LOCAL_SCHEMES.some((scheme) => url.startsWith(scheme))) {
      await route.continue();
    } else {
      blocked.push(url);
      await route.abort();
    }
  });
  return blocked;
}

function checkSize(name: string, value: number): void {
  if (!(Number.isInteger(value) && value >= 10 && value <= 8192))
    throw new RangeError(
      `${name} must be an integer number of pixels from 10 to 8192, got ${value}`,
    );
}

/** Renders Plotly figures to PNG or SVG in one headless Chromium page. */
export class FigureExporter {
  private constructor(
    private readonly browser: Browser,
    private readonly page: Page,
  ) {}

  /**
   * Launches Chromium and loads plotly.js into a blank page.
   *
   * @throws Error when Chromium is missing or does not start.
   */
  static async launch(): Promise<FigureExporter> {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await blockNetwork(page);
      await page.setContent('<!DOCTYPE html><html><body></body></html>');
      await page.addScriptTag({ content: readPlotlySource() });
      await page.addScriptTag({ content: EXPORT_SCRIPT });
      return new FigureExporter(browser, page);
    } catch (error) {
      await browser.close();
      throw error;
    }
  }

  /**
   * Renders a figure with `Plotly.toImage` at the requested size (default
   * 1280x720) and returns the PNG bytes or the SVG text as UTF-8.
   *
   * @throws RangeError for a width or height outside 10..8192 pixels.
   */
  async render(figure: Figure, options: ExportOptions): Promise<Buffer> {
    const width = options.width ?? 1280;
    const height = options.height ?? 720;
    checkSize('width', width);
    checkSize('height', height);
    const url = await this.page.evaluate(
      (request) => (globalThis as unknown as ExportPage).facelabExport(request),
      { figure, format: options.format, width, height },
    );
    return decodeDataUrl(url);
  }

  /** Closes the browser; safe to call twice. */
  async close(): Promise<void> {
    await this.browser.close();
  }
}

/** A request to the export page. */
interface ExportRequest {
  readonly figure: Figure;
  readonly format: ImageFormat;
  readonly width: number;
  readonly height: number;
}

/** The function that {@link EXPORT_SCRIPT} defines in the page. */
interface ExportPage {
  facelabExport(request: ExportRequest): Promise<string>;
}

/**
 * Browser code that draws a figure into a new `<div>` with
 * `Plotly.newPlot`, returns `Plotly.toImage`'s data URL, and removes the div.
 */
const EXPORT_SCRIPT = `
window.facelabExport = async function (request) {
  var div = document.createElement('div');
  document.body.appendChild(div);
  try {
    await Plotly.newPlot(div, request.figure.data, request.figure.layout, { staticPlot: true });
    return await Plotly.toImage(div, {
      format: request.format, width: request.width, height: request.height,
    });
  } finally {
    Plotly.purge(div);
    div.remove();
  }
};`;

/** Decodes the `data:` URL that `Plotly.toImage` returns. */
function decodeDataUrl(url: string): Buffer {
  const comma = url.indexOf(',');
  const header = url.slice(0, comma);
  const body = url.slice(comma + 1);
  return header.endsWith(';base64')
    ? Buffer.from(body, 'base64')
    : Buffer.from(decodeURIComponent(body), 'utf8');
}

/**
 * Runs `work` with a launched {@link FigureExporter} and closes the browser
 * afterwards, also when `work` throws.
 */
export async function withFigureExporter<T>(
  work: (exporter: FigureExporter) => Promise<T>,
): Promise<T> {
  const exporter = await FigureExporter.launch();
  try {
    return await work(exporter);
  } finally {
    await exporter.close();
  }
}
