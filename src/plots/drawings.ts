/**
 * Teaching drawings made on a canvas: one face's 68 landmarks, a grid of
 * aligned faces, and an embedding as a strip of coloured cells. Each returns
 * PNG bytes.
 */
import type { SKRSContext2D } from '@napi-rs/canvas';

import type { Box, Point } from '../detection/types';
import type { RgbImage } from '../input/image';
import { blankCanvas, FONT_FAMILY, imageCanvas } from './canvas';

/**
 * Index ranges of the iBUG 300-W 68-point scheme, drawn as polylines:
 * `[first, last, closed]`.
 */
const LANDMARK_PARTS: readonly (readonly [number, number, boolean])[] = [
  [0, 16, false], // jaw
  [17, 21, false], // brow on the image's left
  [22, 26, false], // brow on the image's right
  [27, 30, false], // nose bridge
  [31, 35, false], // nostrils
  [36, 41, true], // eye on the image's left
  [42, 47, true], // eye on the image's right
  [48, 59, true], // outer lips
  [60, 67, true], // inner lips
];

/**
 * Draws one face cropped from its photo (the box plus `margin` of its size
 * on every side), scaled to `size` pixels high, with the 68 landmarks joined
 * into jaw, brows, nose, eyes and lips.
 *
 * @throws RangeError when there are not exactly 68 landmarks.
 */
export async function drawLandmarks68(
  image: RgbImage,
  box: Box,
  landmarks68: readonly Point[],
  size = 720,
  margin = 0.25,
): Promise<Buffer> {
  if (landmarks68.length !== 68)
    throw new RangeError(`expected 68 landmarks, got ${landmarks68.length}`);
  const side = Math.max(box.width, box.height) * (1 + 2 * margin);
  const left = box.x + box.width / 2 - side / 2;
  const top = box.y + box.height / 2 - side / 2;
  const scale = size / side;
  const canvas = blankCanvas(size, size, '#000000');
  const context = canvas.getContext('2d');
  context.drawImage(
    imageCanvas(image),
    left,
    top,
    side,
    side,
    0,
    0,
    size,
    size,
  );
  const toCanvas = (point: Point): Point => ({
    x: (point.x - left) * scale,
    y: (point.y - top) * scale,
  });

  context.strokeStyle = '#27c4f5';
  context.lineWidth = Math.max(1, size / 360);
  for (const [first, last, closed] of LANDMARK_PARTS) {
    context.beginPath();
    for (let i = first; i <= last; i++) {
      const point = toCanvas(landmarks68[i]!);
      if (i === first) context.moveTo(point.x, point.y);
      else context.lineTo(point.x, point.y);
    }
    if (closed) context.closePath();
    context.stroke();
  }
  context.fillStyle = '#ffe14d';
  for (const landmark of landmarks68) {
    const point = toCanvas(landmark);
    context.beginPath();
    context.arc(point.x, point.y, size / 180, 0, 2 * Math.PI);
    context.fill();
  }
  drawCaption(context, '68 landmarks (iBUG 300-W)', 12, size - 14, size / 30);
  return canvas.encode('png');
}

function drawCaption(
  context: SKRSContext2D,
  text: string,
  x: number,
  y: number,
  fontSize: number,
  colour = '#ffffff',
): void {
  context.font = `${fontSize}px ${FONT_FAMILY}`;
  context.fillStyle = colour;
  context.fillText(text, x, y);
}

/** One cell of a face grid. */
export interface GridFace {
  readonly image: RgbImage;
  readonly caption: string;
}

/**
 * Draws faces in a grid of `columns` columns, each at its own size (aligned
 * faces are 160x160) with its caption below.
 *
 * @throws RangeError when `faces` is empty or `columns` is not a positive
 *   integer.
 */
export async function drawFaceGrid(
  faces: readonly GridFace[],
  columns: number,
): Promise<Buffer> {
  if (faces.length === 0) throw new RangeError('no faces for the grid');
  if (!(Number.isInteger(columns) && columns >= 1))
    throw new RangeError(`columns must be a positive integer, got ${columns}`);
  const cell = Math.max(...faces.map((face) => face.image.width));
  const cellHeight = Math.max(...faces.map((face) => face.image.height));
  const gap = 12;
  const captionHeight = 24;
  const rows = Math.ceil(faces.length / columns);
  const width = gap + columns * (cell + gap);
  const height = gap + rows * (cellHeight + captionHeight + gap);
  const canvas = blankCanvas(width, height);
  const context = canvas.getContext('2d');
  faces.forEach((face, i) => {
    const x = gap + (i % columns) * (cell + gap);
    const y =
      gap + Math.floor(i / columns) * (cellHeight + captionHeight + gap);
    context.drawImage(imageCanvas(face.image), x, y);
    drawCaption(context, face.caption, x, y + cellHeight + 17, 13, '#222222');
  });
  return canvas.encode('png');
}

/** Maps a value in -1..1 to blue (negative), white (0) and red (positive). */
function divergingColour(value: number): string {
  const t = Math.max(-1, Math.min(1, value));
  const fade = Math.round(255 * (1 - Math.abs(t)));
  return t >= 0 ? `rgb(255, ${fade}, ${fade})` : `rgb(${fade}, ${fade}, 255)`;
}

/**
 * Draws an embedding as one row of cells, blue for negative and red for
 * positive values, scaled by the largest magnitude, with a caption above.
 *
 * @throws RangeError when the embedding is empty.
 */
export async function drawEmbeddingStrip(
  embedding: ArrayLike<number>,
  caption: string,
  width = 1280,
  height = 200,
): Promise<Buffer> {
  if (embedding.length === 0) throw new RangeError('the embedding is empty');
  const canvas = blankCanvas(width, height);
  const context = canvas.getContext('2d');

  let largest = 0;
  for (let k = 0; k < embedding.length; k++)
    largest = Math.max(largest, Math.abs(embedding[k]!));
  const margin = 20;
  const top = 60;
  const cellWidth = (width - 2 * margin) / embedding.length;
  const cellHeight = height - top - margin - 24;

  for (let k = 0; k < embedding.length; k++) {
    context.fillStyle = divergingColour(
      largest > 0 ? embedding[k]! / largest : 0,
    );
    context.fillRect(
      margin + k * cellWidth,
      top,
      Math.ceil(cellWidth),
      cellHeight,
    );
  }
  context.strokeStyle = '#444444';
  context.lineWidth = 1;
  context.strokeRect(margin, top, width - 2 * margin, cellHeight);

  drawCaption(context, caption, margin, 38, 22, '#222222');
  drawCaption(
    context,
    `${embedding.length} numbers, blue below 0, red above 0, largest magnitude ${largest.toFixed(3)}`,
    margin,
    height - margin + 4,
    14,
    '#555555',
  );
  return canvas.encode('png');
}
