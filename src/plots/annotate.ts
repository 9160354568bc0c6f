/**
 * Draws recognition results on a photo: each face's box and landmarks, and a
 * label with its distance, coloured by band.
 */
import type { SKRSContext2D } from '@napi-rs/canvas';

import type { RgbImage } from '../input/image';
import type { Band } from '../output/bands';
import { UNKNOWN, type FaceResult } from '../output/result';
import { FONT_FAMILY, imageCanvas } from './canvas';

/** Colour of faces labelled unknown. */
const UNKNOWN_COLOUR = '#8a8f98';

/**
 * Colour of each band: green for confident, through amber, to red for far,
 * and the unknown grey when the gallery was empty.
 */
export const BAND_COLOURS: Record<Band, string> = {
  confident: '#2e9d49',
  likely: '#9bbf2e',
  unlikely: '#e39a1b',
  far: '#d43d3d',
  'empty-gallery': UNKNOWN_COLOUR,
};

function drawLabel(
  context: SKRSContext2D,
  text: string,
  x: number,
  y: number,
  colour: string,
  size: number,
): void {
  context.font = `${size}px ${FONT_FAMILY}`;
  const width = context.measureText(text).width + size * 0.6;
  const height = size * 1.4;
  const top = Math.max(0, y - height);
  context.fillStyle = colour;
  context.fillRect(x, top, width, height);
  context.fillStyle = '#ffffff';
  context.fillText(text, x + size * 0.3, top + size * 1.05);
}

/**
 * Renders the photo with every face annotated and returns it encoded as JPEG
 * (or PNG when `format` is `png`). Line widths and text scale with the photo.
 */
export async function annotateImage(
  image: RgbImage,
  faces: readonly FaceResult[],
  format: 'jpeg' | 'png' = 'jpeg',
): Promise<Buffer> {
  const canvas = imageCanvas(image);
  const context = canvas.getContext('2d');

  const unit = Math.max(
    1,
    Math.round(Math.max(image.width, image.height) / 500),
  );
  for (const face of faces) {
    const colour =
      face.label === UNKNOWN ? UNKNOWN_COLOUR : BAND_COLOURS[face.band];
    context.lineWidth = 2 * unit;
    context.strokeStyle = colour;
    context.strokeRect(face.box.x, face.box.y, face.box.width, face.box.height);

    context.fillStyle = '#27c4f5';
    for (const point of face.landmarks68 ?? []) {
      context.fillRect(point.x - unit, point.y - unit, 2 * unit, 2 * unit);
    }
    context.fillStyle = '#ffe14d';
    for (const point of face.landmarks5) {
      context.beginPath();
      context.arc(point.x, point.y, 2.5 * unit, 0, 2 * Math.PI);
      context.fill();
    }
    const distance = Number.isFinite(face.distance)
      ? ` ${face.distance.toFixed(2)}`
      : '';
    drawLabel(
      context,
      `${face.label}${distance}`,
      face.box.x,
      face.box.y,
      colour,
      9 * unit,
    );
  }
  return format === 'png' ? canvas.encode('png') : canvas.encode('jpeg', 90);
}
