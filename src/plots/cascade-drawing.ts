/**
 * The MTCNN cascade on one photo, in four panels: the image pyramid, the
 * candidates after P-Net, after R-Net, and the faces after O-Net with their
 * five landmarks.
 */
import type { Canvas, SKRSContext2D } from '@napi-rs/canvas';

import type { Box } from '../detection/types';
import type { MtcnnStages } from '../detection/mtcnn';
import type { RgbImage } from '../input/image';
import { blankCanvas, FONT_FAMILY, imageCanvas } from './canvas';

/** Placement of the photo inside one panel. */
interface Panel {
  readonly x: number;
  readonly y: number;
  readonly scale: number;
}

function drawPanelTitle(
  context: SKRSContext2D,
  text: string,
  x: number,
  y: number,
): void {
  context.font = `20px ${FONT_FAMILY}`;
  context.fillStyle = '#222222';
  context.fillText(text, x, y);
}

function placePhoto(
  context: SKRSContext2D,
  photo: Canvas,
  x: number,
  y: number,
  width: number,
  height: number,
): Panel {
  const scale = Math.min(width / photo.width, height / photo.height);
  const left = x + (width - photo.width * scale) / 2;
  const top = y + (height - photo.height * scale) / 2;
  context.drawImage(
    photo,
    left,
    top,
    photo.width * scale,
    photo.height * scale,
  );
  return { x: left, y: top, scale };
}

function strokeBoxes(
  context: SKRSContext2D,
  panel: Panel,
  boxes: readonly Box[],
  colour: string,
): void {
  context.strokeStyle = colour;
  context.lineWidth = 1.5;
  for (const box of boxes) {
    context.strokeRect(
      panel.x + box.x * panel.scale,
      panel.y + box.y * panel.scale,
      box.width * panel.scale,
      box.height * panel.scale,
    );
  }
}

/**
 * Draws the pyramid levels side by side at their true relative sizes, as
 * P-Net scans them, and labels each with its scale.
 */
function drawPyramid(
  context: SKRSContext2D,
  photo: Canvas,
  stages: MtcnnStages,
  x: number,
  y: number,
  width: number,
  height: number,
): void {
  const levels = stages.pyramid;
  if (levels.length === 0) return;
  const totalWidth = levels.reduce((sum, level) => sum + level.width, 0);
  const gap = 6;
  const fit = Math.min(
    (width - gap * (levels.length - 1)) / totalWidth,
    (height - 24) / levels[0]!.height,
  );
  let left = x;
  context.font = `12px ${FONT_FAMILY}`;
  for (const level of levels) {
    const w = level.width * fit;
    const h = level.height * fit;
    context.drawImage(photo, left, y + height - 24 - h, w, h);
    context.fillStyle = '#222222';
    if (w > 26) context.fillText(level.scale.toFixed(2), left, y + height - 8);
    left += w + gap;
  }
}

/**
 * Draws the four stages of one cascade run on a `width` x `height` canvas
 * and returns PNG bytes. `stages` must come from
 * `MtcnnDetector.detectWithStages` on this image at this size.
 */
export async function drawMtcnnCascade(
  image: RgbImage,
  stages: MtcnnStages,
  width = 1280,
  height = 720,
): Promise<Buffer> {
  const canvas = blankCanvas(width, height);
  const context = canvas.getContext('2d');
  const photo = imageCanvas(image);
  const half = { width: width / 2, height: height / 2 };
  const pad = 12;
  const titleHeight = 30;
  const inner = {
    width: half.width - 2 * pad,
    height: half.height - titleHeight - pad,
  };

  drawPanelTitle(
    context,
    `1. Image pyramid: ${stages.scales.length} scales`,
    pad,
    24,
  );
  drawPyramid(
    context,
    photo,
    stages,
    pad,
    titleHeight,
    inner.width,
    inner.height,
  );

  const panels: [string, number, number, readonly Box[], string][] = [
    [
      `2. After P-Net: ${stages.pnet.length} candidates`,
      half.width,
      0,
      stages.pnet.map((c) => c.box),
      '#e39a1b',
    ],
    [
      `3. After R-Net: ${stages.rnet.length} candidates`,
      0,
      half.height,
      stages.rnet.map((c) => c.box),
      '#27c4f5',
    ],
    [
      `4. After O-Net: ${stages.onet.length} faces`,
      half.width,
      half.height,
      stages.onet.map((c) => c.box),
      '#2e9d49',
    ],
  ];
  let last: Panel | undefined;
  for (const [title, x, y, boxes, colour] of panels) {
    drawPanelTitle(context, title, x + pad, y + 24);
    last = placePhoto(
      context,
      photo,
      x + pad,
      y + titleHeight,
      inner.width,
      inner.height,
    );
    // Candidates can reach past the photo; keep them inside the panel.
    context.save();
    context.beginPath();
    context.rect(x, y + titleHeight, half.width, inner.height);
    context.clip();
    strokeBoxes(context, last, boxes, colour);
    context.restore();
  }
  context.fillStyle = '#ffe14d';
  for (const face of stages.onet) {
    for (const point of face.landmarks5) {
      context.beginPath();
      context.arc(
        last!.x + point.x * last!.scale,
        last!.y + point.y * last!.scale,
        3,
        0,
        2 * Math.PI,
      );
      context.fill();
    }
  }
  return canvas.encode('png');
}
