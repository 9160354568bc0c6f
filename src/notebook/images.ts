/**
 * Pictures for the notebooks: photos and grids of faces encoded for tslab's
 * `display.jpeg`, and the candidate boxes of a detector drawn on a photo.
 */
import { type Canvas, createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import sharp from 'sharp';

import type { Box, Landmarks5 } from '../detection/types';
import { createRgbImage, type RgbImage } from '../input/image';

/** JPEG quality of notebook pictures: small saved notebooks, no visible loss. */
const JPEG_QUALITY = 85;

/** Maximum longest side, in pixels, of a picture shown in a notebook. */
const DISPLAY_MAX_SIDE = 720;

/**
 * Shrinks an encoded picture to at most {@link DISPLAY_MAX_SIDE} pixels on
 * its longest side and returns it as JPEG, which keeps saved notebooks small.
 */
export function shrinkForDisplay(encoded: Buffer): Promise<Buffer> {
  return sharp(encoded)
    .resize({
      width: DISPLAY_MAX_SIDE,
      height: DISPLAY_MAX_SIDE,
      fit: 'inside',
      withoutEnlargement: true,
    })
    .jpeg({ quality: JPEG_QUALITY })
    .toBuffer();
}

function drawPhoto(image: RgbImage): {
  canvas: Canvas;
  context: SKRSContext2D;
} {
  const canvas = createCanvas(image.width, image.height);
  const context = canvas.getContext('2d');
  const pixels = context.createImageData(image.width, image.height);
  for (let i = 0, j = 0; i < image.data.length; i += 3, j += 4) {
    pixels.data[j] = image.data[i]!;
    pixels.data[j + 1] = image.data[i + 1]!;
    pixels.data[j + 2] = image.data[i + 2]!;
    pixels.data[j + 3] = 255;
  }
  context.putImageData(pixels, 0, 0);
  return { canvas, context };
}

/** Encodes an image as JPEG for `display.jpeg`, shrunk as {@link shrinkForDisplay} does. */
export async function toJpeg(image: RgbImage): Promise<Buffer> {
  return shrinkForDisplay(await drawPhoto(image).canvas.encode('png'));
}

/**
 * Places images of one size side by side in rows of `columns`, with a white
 * gap of `gap` pixels between them.
 *
 * @throws RangeError for an empty list or images of different sizes.
 */
export function tileImages(
  images: readonly RgbImage[],
  columns = images.length,
  gap = 4,
): RgbImage {
  const first = images[0];
  if (first === undefined)
    throw new RangeError('tileImages needs at least one image');
  const { width, height } = first;
  const odd = images.find((i) => i.width !== width || i.height !== height);
  if (odd !== undefined) {
    throw new RangeError(
      `tileImages needs images of one size: ${odd.source} is ${odd.width}x${odd.height}, not ${width}x${height}`,
    );
  }
  const perRow = Math.max(1, Math.min(columns, images.length));
  const rows = Math.ceil(images.length / perRow);
  const outWidth = perRow * width + (perRow - 1) * gap;
  const outHeight = rows * height + (rows - 1) * gap;
  const out = new Uint8Array(outWidth * outHeight * 3).fill(255);
  images.forEach((image, index) => {
    const left = (index % perRow) * (width + gap);
    const top = Math.floor(index / perRow) * (height + gap);
    for (let y = 0; y < height; y++) {
      const from = y * width * 3;
      out.set(
        image.data.subarray(from, from + width * 3),
        ((top + y) * outWidth + left) * 3,
      );
    }
  });
  return createRgbImage(out, outWidth, outHeight, 'tile');
}

/** A box to draw, with optional landmarks. */
export interface DrawnCandidate {
  readonly box: Box;
  readonly landmarks5?: Landmarks5;
}

/**
 * Draws boxes (and their landmarks, when given) on a copy of a photo in one
 * colour and returns it as JPEG, shrunk as {@link shrinkForDisplay} does.
 * Line widths scale with the photo.
 */
export async function drawCandidates(
  image: RgbImage,
  candidates: readonly DrawnCandidate[],
  colour = '#27c4f5',
): Promise<Buffer> {
  const { canvas, context } = drawPhoto(image);
  const unit = Math.max(
    1,
    Math.round(Math.max(image.width, image.height) / 500),
  );
  context.strokeStyle = colour;
  context.fillStyle = '#ffe14d';
  context.lineWidth = unit;
  for (const { box, landmarks5 } of candidates) {
    context.strokeRect(box.x, box.y, box.width, box.height);
    for (const point of landmarks5 ?? []) {
      context.beginPath();
      context.arc(point.x, point.y, 2.5 * unit, 0, 2 * Math.PI);
      context.fill();
    }
  }
  return shrinkForDisplay(await canvas.encode('png'));
}
