import { writeFileSync } from 'node:fs';

import sharp from 'sharp';

/**
 * Converts 8-bit RGB pixels to one I420 frame (Y plane, then U and V at half
 * resolution) with the BT.601 limited-range coefficients.
 */
function rgbToI420(rgb: Uint8Array, width: number, height: number): Buffer {
  const lumaSize = width * height;
  const chromaWidth = width / 2;
  const frame = Buffer.alloc(lumaSize + 2 * (lumaSize / 4));
  for (let i = 0; i < lumaSize; i++) {
    const r = rgb[i * 3]!;
    const g = rgb[i * 3 + 1]!;
    const b = rgb[i * 3 + 2]!;
    frame[i] = Math.round(16 + 0.257 * r + 0.504 * g + 0.098 * b);
  }
  for (let y = 0; y < height / 2; y++) {
    for (let x = 0; x < chromaWidth; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      // Average each 2x2 block of pixels into one chroma sample.
      for (const [dx, dy] of [
        [0, 0],
        [1, 0],
        [0, 1],
        [1, 1],
      ] as const) {
        const p = ((2 * y + dy) * width + 2 * x + dx) * 3;
        r += rgb[p]! / 4;
        g += rgb[p + 1]! / 4;
        b += rgb[p + 2]! / 4;
      }
      const c = y * chromaWidth + x;
      frame[lumaSize + c] = Math.round(128 - 0.148 * r - 0.291 * g + 0.439 * b);
      frame[lumaSize + lumaSize / 4 + c] = Math.round(
        128 + 0.439 * r - 0.368 * g - 0.071 * b,
      );
    }
  }
  return frame;
}

/**
 * Writes a Y4M video of `frames` identical frames made from an image, for
 * Chromium's `--use-file-for-fake-video-capture`. Width and height must be even.
 */
export async function writeY4m(
  image: Buffer,
  path: string,
  width = 640,
  height = 480,
  frames = 10,
): Promise<void> {
  const rgb = await sharp(image)
    .resize(width, height, { fit: 'cover' })
    .removeAlpha()
    .raw()
    .toBuffer();
  const frame = rgbToI420(rgb, width, height);
  const header = Buffer.from(
    `YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`,
  );
  const parts: Buffer[] = [header];
  for (let i = 0; i < frames; i++) parts.push(Buffer.from('FRAME\n'), frame);
  writeFileSync(path, Buffer.concat(parts));
}
