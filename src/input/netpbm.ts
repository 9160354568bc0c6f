/**
 * Decoder for Netpbm grey and colour images (PGM `P2`/`P5`, PPM `P3`/`P6`),
 * which sharp's prebuilt libvips does not read. Research face data sets
 * (for example AT&T/ORL) are distributed as PGM.
 */
import { ImageInputError } from './errors';
import { createRgbImage, MAX_INPUT_PIXELS, type RgbImage } from './image';

/** Returns whether the bytes start with a Netpbm grey or colour magic number. */
export function isNetpbm(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 2 &&
    bytes[0] === 0x50 &&
    [0x32, 0x33, 0x35, 0x36].includes(bytes[1]!)
  );
}

function isWhitespace(byte: number): boolean {
  return (
    byte === 0x20 ||
    byte === 0x09 ||
    byte === 0x0a ||
    byte === 0x0d ||
    byte === 0x0b ||
    byte === 0x0c
  );
}

/** Reads whitespace-separated ASCII integers, skipping `#` comments. */
class TokenReader {
  position = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly source: string,
  ) {}

  nextInteger(what: string): number {
    const { bytes } = this;
    while (this.position < bytes.length) {
      const byte = bytes[this.position]!;
      if (byte === 0x23) {
        while (this.position < bytes.length && bytes[this.position] !== 0x0a)
          this.position++;
      } else if (isWhitespace(byte)) {
        this.position++;
      } else {
        break;
      }
    }
    const start = this.position;
    while (
      this.position < bytes.length &&
      bytes[this.position]! >= 0x30 &&
      bytes[this.position]! <= 0x39
    ) {
      this.position++;
    }
    if (start === this.position) {
      const reason = this.position >= bytes.length ? 'truncated' : 'corrupt';
      throw new ImageInputError(
        this.source,
        reason,
        `Netpbm ${what} is missing or not a number`,
      );
    }
    return Number(
      new TextDecoder().decode(bytes.subarray(start, this.position)),
    );
  }

  /** Number of bytes after the current position. */
  bytesLeft(): number {
    return this.bytes.length - this.position;
  }
}

/**
 * Returns a function that reads the next raster sample of a binary (`P5`/`P6`)
 * file: one byte each, or two big-endian bytes when the maximum value is above 255.
 *
 * @param headerEnd - Position just after the maximum value; exactly one whitespace byte follows it.
 */
function binaryRasterReader(
  bytes: Uint8Array,
  headerEnd: number,
  sampleCount: number,
  maxValue: number,
  source: string,
): () => number {
  const start = headerEnd + 1;
  const bytesPerSample = maxValue > 255 ? 2 : 1;
  const expected = sampleCount * bytesPerSample;
  if (bytes.length < start + expected) {
    throw new ImageInputError(
      source,
      'truncated',
      `Netpbm raster has ${Math.max(0, bytes.length - start)} of ${expected} bytes`,
    );
  }
  let offset = start;
  if (bytesPerSample === 1) return () => bytes[offset++]!;
  return () => {
    const sample = (bytes[offset]! << 8) | bytes[offset + 1]!;
    offset += 2;
    return sample;
  };
}

/** Returns a function that reads the next raster sample of an ASCII (`P2`/`P3`) file. */
function asciiRasterReader(
  reader: TokenReader,
  sampleCount: number,
  source: string,
): () => number {
  // Each sample takes at least one digit and one whitespace byte before it.
  const remaining = reader.bytesLeft();
  if (remaining < 2 * sampleCount) {
    throw new ImageInputError(
      source,
      'truncated',
      `Netpbm raster has ${remaining} bytes, too few for ${sampleCount} samples`,
    );
  }
  return () => reader.nextInteger('sample');
}

/**
 * Decodes a Netpbm image to 8-bit RGB. Samples with a maximum value other
 * than 255 (for example 16-bit files) are rescaled to 0..255.
 *
 * @throws {@link ImageInputError} when the header is invalid or the pixel data is short.
 */
export function decodeNetpbm(bytes: Uint8Array, source: string): RgbImage {
  const kind = String.fromCharCode(bytes[1]!);
  const channels = kind === '2' || kind === '5' ? 1 : 3;
  const binary = kind === '5' || kind === '6';
  const reader = new TokenReader(bytes, source);
  reader.position = 2;
  const width = reader.nextInteger('width');
  const height = reader.nextInteger('height');
  const maxValue = reader.nextInteger('maximum value');

  if (width < 1 || height < 1 || maxValue < 1 || maxValue > 65535) {
    throw new ImageInputError(
      source,
      'corrupt',
      `Netpbm header ${width}x${height} maximum ${maxValue}`,
    );
  }
  if (width * height > MAX_INPUT_PIXELS) {
    throw new ImageInputError(
      source,
      'too-large',
      `${width}x${height} is more than ${MAX_INPUT_PIXELS} pixels`,
    );
  }
  // The size checks come before any allocation, so that a short file with a
  // huge header fails as truncated instead of reserving gigabytes.
  const sampleCount = width * height * channels;
  const readSample = binary
    ? binaryRasterReader(bytes, reader.position, sampleCount, maxValue, source)
    : asciiRasterReader(reader, sampleCount, source);

  const rgb = new Uint8Array(width * height * 3);
  const scale = 255 / maxValue;
  for (let pixel = 0; pixel < width * height; pixel++) {
    if (channels === 1) {
      const grey = Math.min(255, Math.round(readSample() * scale));
      rgb[pixel * 3] = grey;
      rgb[pixel * 3 + 1] = grey;
      rgb[pixel * 3 + 2] = grey;
    } else {
      for (let channel = 0; channel < 3; channel++)
        rgb[pixel * 3 + channel] = Math.min(
          255,
          Math.round(readSample() * scale),
        );
    }
  }
  return createRgbImage(rgb, width, height, source);
}
