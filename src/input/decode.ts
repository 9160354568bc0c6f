/**
 * Input stage: turns image files and in-memory buffers into upright 8-bit RGB
 * pixels. sharp (libvips) decodes JPEG, PNG, WebP, GIF, TIFF and more; the
 * Netpbm decoder covers PGM/PPM. The file's content decides the format, never
 * its extension.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';

import sharp from 'sharp';

import { isCutShort, sniffFormat } from './container';
import { ImageInputError, type ImageInputReason } from './errors';
import { MAX_INPUT_PIXELS, type LoadedImage, type RgbImage } from './image';
import { decodeNetpbm, isNetpbm } from './netpbm';

export { MAX_INPUT_PIXELS };

function classifyDecoderError(
  message: string,
  bytes: Uint8Array,
): ImageInputReason {
  const text = message.toLowerCase();
  if (text.includes('pixel limit')) return 'too-large';
  const format = sniffFormat(bytes);
  if (
    text.includes('premature end') ||
    text.includes('truncated') ||
    text.includes('unexpected end')
  ) {
    return 'truncated';
  }
  if (format !== undefined && isCutShort(format, bytes)) return 'truncated';
  if (text.includes('unsupported image format')) {
    // libvips chooses a loader by content, so a file with a known signature
    // that no loader accepts is a damaged file of that format.
    return format === undefined ? 'unsupported' : 'corrupt';
  }
  return 'corrupt';
}

async function decodeWithSharp(
  bytes: Uint8Array,
  source: string,
): Promise<RgbImage> {
  try {
    // rotate() with no angle applies the EXIF orientation. flatten() puts
    // transparent pixels on white, toColourspace('srgb') converts grey, CMYK
    // and 16-bit images, and raw({ depth: 'uchar' }) gives 8 bits a sample.
    const { data, info } = await sharp(bytes, {
      failOn: 'truncated',
      limitInputPixels: MAX_INPUT_PIXELS,
      animated: false,
    })
      .rotate()
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    const pixels = new Uint8Array(
      data.buffer,
      data.byteOffset,
      data.byteLength,
    );
    return {
      data: toRgb(pixels, info.channels),
      width: info.width,
      height: info.height,
      source,
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ImageInputError(
      source,
      classifyDecoderError(message, bytes),
      message.split('\n')[0],
    );
  }
}

/** Drops or repeats channels so that each pixel has exactly R, G and B. */
function toRgb(pixels: Uint8Array, channels: number): Uint8Array {
  if (channels === 3) return pixels;
  const count = pixels.length / channels;
  const rgb = new Uint8Array(count * 3);
  for (let i = 0; i < count; i++) {
    for (let c = 0; c < 3; c++)
      rgb[i * 3 + c] = pixels[i * channels + (channels < 3 ? 0 : c)]!;
  }
  return rgb;
}

/**
 * Decodes an encoded image held in memory.
 *
 * @param bytes - The encoded file (JPEG, PNG, WebP, GIF, TIFF, PGM/PPM).
 * @param source - A name for the buffer, used in errors and results.
 * @throws {@link ImageInputError} for empty, truncated, corrupt or unsupported data.
 */
export async function decodeImage(
  bytes: Uint8Array,
  source = '<buffer>',
): Promise<LoadedImage> {
  if (bytes.length === 0) throw new ImageInputError(source, 'empty');
  const contentHash = createHash('sha256').update(bytes).digest('hex');
  const image = isNetpbm(bytes)
    ? decodeNetpbm(bytes, source)
    : await decodeWithSharp(bytes, source);
  return { ...image, contentHash };
}

/**
 * Reads and decodes an image file.
 *
 * @throws {@link ImageInputError} when the file is missing, unreadable or not a valid image.
 */
export async function loadImage(path: string): Promise<LoadedImage> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ImageInputError(path, 'not-found');
    if (code === 'EISDIR')
      throw new ImageInputError(path, 'unreadable', 'it is a folder');
    throw new ImageInputError(path, 'unreadable', (error as Error).message);
  }
  return decodeImage(bytes, path);
}
