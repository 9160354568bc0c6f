/**
 * HTML for Plotly figures with no network: plotly.js is inlined from the
 * installed `plotly.js-dist-min` package, once per page, never from a CDN.
 * Points whose `customdata` is an image data URL show that image beside the
 * pointer on hover, since Plotly's own hover labels cannot show images.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';

import type { Figure } from './figure';

let plotlySource: string | undefined;

/** Returns the plotly.js bundle of the installed `plotly.js-dist-min` package. */
export function readPlotlySource(): string {
  plotlySource ??= readFileSync(
    require.resolve('plotly.js-dist-min/plotly.min.js'),
    'utf8',
  );
  return plotlySource;
}

/**
 * Browser code that defines `facelabHoverImages(div)`: it shows the point's
 * `customdata` image in one fixed `<img>` while the pointer is over a point.
 * The `<img>` is created at the first hover, so that a page without hovers
 * contains no image without a source.
 */
const HOVER_SCRIPT = `
window.facelabHoverImages = function (div) {
  div.on('plotly_hover', function (event) {
    var point = event.points[0];
    var source = point && point.customdata;
    if (typeof source !== 'string' || source.indexOf('data:image/') !== 0) return;
    var image = document.getElementById('facelab-hover-image');
    if (!image) {
      image = document.createElement('img');
      image.id = 'facelab-hover-image';
      image.style.cssText = 'position:fixed;display:none;width:96px;height:96px;' +
        'pointer-events:none;border:2px solid #333;background:#fff;z-index:1000';
      document.body.appendChild(image);
    }
    // Hover called from code (Plotly.Fx.hover) has no mouse event.
    var mouse = event.event || { clientX: 0, clientY: 0 };
    image.src = source;
    image.style.left = (mouse.clientX + 16) + 'px';
    image.style.top = (mouse.clientY + 16) + 'px';
    image.style.display = 'block';
  });
  div.on('plotly_unhover', function () {
    var image = document.getElementById('facelab-hover-image');
    if (image) image.style.display = 'none';
  });
};`;

/** Serialises a value as JSON that is safe inside an HTML `<script>` element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Returns the `<script>` elements that define `Plotly` and the hover images. */
export function plotlyScripts(): string {
  return `<script>${readPlotlySource()}</script>\n<script>${HOVER_SCRIPT}</script>\n`;
}

/**
 * Returns a `<div>` and the `<script>` that draws the figure into it. The
 * page must already contain {@link plotlyScripts}.
 */
export function figureDiv(figure: Figure, height = 560): string {
  const id = `facelab-figure-${randomUUID()}`;
  const config = { responsive: true, displaylogo: false };
  return [
    `<div id="${id}" class="facelab-figure" style="width:100%;height:${height}px"></div>`,
    '<script>',
    `Plotly.newPlot(${scriptJson(id)}, ${scriptJson(figure.data)}, ${scriptJson(figure.layout)}, ${scriptJson(config)})`,
    '  .then(window.facelabHoverImages);',
    '</script>',
  ].join('\n');
}

/** Escapes text for HTML element content. */
function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/**
 * Builds a complete HTML page that shows the figures one below the other and
 * works offline: plotly.js (about 4.8 MB in version 4.1) is inlined once.
 */
export function standaloneHtml(
  figures: readonly Figure[],
  title = 'facelab figures',
): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<title>${escapeHtml(title)}</title>`,
    '</head>',
    '<body style="font-family: DejaVu Sans, sans-serif; margin: 16px">',
    plotlyScripts(),
    ...figures.map((figure) => figureDiv(figure)),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
