/**
 * Shared helpers for drawings made with `@napi-rs/canvas`: the bundled font
 * and RGB images as canvases.
 */
import { dirname, join } from 'node:path';

import { createCanvas, GlobalFonts, type Canvas } from '@napi-rs/canvas';

import type { RgbImage } from '../input/image';

/**
 * Font family registered from the `dejavu-fonts-ttf` package, so text renders
 * on machines without fonts.
 * NOTE: DejaVu Sans has no CJK or emoji glyphs, so such labels are drawn as
 * empty boxes.
 */
export const FONT_FAMILY = 'facelab-sans';

let fontRegistered = false;

/** Registers {@link FONT_FAMILY} with the canvas library, once per process. */
export function registerFont(): void {
  if (fontRegistered) return;
  const folder = join(
    dirname(require.resolve('dejavu-fonts-ttf/package.json')),
    'ttf',
  );
  GlobalFonts.registerFromPath(
    join(folder, 'DejaVuSans-Bold.ttf'),
    FONT_FAMILY,
  );
  fontRegistered = true;
}

/** Creates a canvas of the image's size showing the image; registers the font. */
export function imageCanvas(image: RgbImage): Canvas {
  registerFont();
  const canvas = createCanvas(image.width, image.height);
  const context = canvas.getContext('2d');
  const pixels = context.createImageData(image.width, image.height);
  const rgba = pixels.data;
  for (let i = 0, j = 0; i < image.data.length; i += 3, j += 4) {
    rgba[j] = image.data[i]!;
    rgba[j + 1] = image.data[i + 1]!;
    rgba[j + 2] = image.data[i + 2]!;
    rgba[j + 3] = 255;
  }
  context.putImageData(pixels, 0, 0);
  return canvas;
}

/** Creates a canvas filled with one colour; registers the font. */
export function blankCanvas(
  width: number,
  height: number,
  colour = '#ffffff',
): Canvas {
  registerFont();
  const canvas = createCanvas(width, height);
  const context = canvas.getContext('2d');
  context.fillStyle = colour;
  context.fillRect(0, 0, width, height);
  return canvas;
}
