import { createHash } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { decodeImage, loadImage } from '../src/input/decode';
import { ImageInputError, type ImageInputReason } from '../src/input/errors';
import { lfwFolder, lfwImage } from './helpers/datasets';

const folder = lfwFolder();
const workFolder = mkdtempSync(join(tmpdir(), 'facelab-input-'));

afterAll(() => {
  rmSync(workFolder, { recursive: true, force: true });
});

/** Path of a fixture file in this run's temporary folder. */
function fixture(name: string): string {
  return join(workFolder, name);
}

/** Path of an LFW photo; only called inside suites that skip without LFW. */
function lfwPhoto(person = 'George_W_Bush', index = 1): string {
  if (folder === undefined) throw new Error('FACELAB_DATASETS is not set');
  return lfwImage(folder, person, index);
}

function meanAbsoluteDifference(a: Uint8Array, b: Uint8Array): number {
  expect(a.length).toBe(b.length);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

function maxAbsoluteDifference(a: Uint8Array, b: Uint8Array): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++)
    max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

/** Returns the RGB triple at (x, y) of a row-major RGB buffer. */
function pixelAt(data: Uint8Array, width: number, x: number, y: number) {
  const offset = (y * width + x) * 3;
  return [data[offset], data[offset + 1], data[offset + 2]];
}

/** Decodes with sharp alone, as the independent reference: 8-bit sRGB. */
async function referenceRgb(input: string | Buffer): Promise<Uint8Array> {
  const data = await sharp(input).toColourspace('srgb').raw().toBuffer();
  return new Uint8Array(data);
}

/** Loads an image and returns the error it raises, failing when it loads. */
async function loadError(path: string): Promise<ImageInputError> {
  const outcome: unknown = await loadImage(path).then(
    () => 'loaded',
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(ImageInputError);
  return outcome as ImageInputError;
}

function pgmHeader(kind: string, width: number, height: number, max: number) {
  return Buffer.from(`${kind}\n${width} ${height}\n${max}\n`, 'latin1');
}

const LFW_SIZE = 250;

describe.skipIf(!folder)('loadImage with LFW photos', () => {
  /** The LFW photo as 8-bit RGB, decoded by sharp alone. */
  let original: Uint8Array;
  /** A colour version of the photo (PNG) and its RGB pixels. */
  let colourPng: Buffer;
  let colour: Uint8Array;

  beforeAll(async () => {
    original = await referenceRgb(lfwPhoto());
    // LFW is grey, so tint it to test colour conversions: R > G > B.
    colour = new Uint8Array(original.length);
    for (let i = 0; i < original.length; i += 3) {
      const grey = original[i]!;
      colour[i] = Math.round(90 + 0.64 * grey);
      colour[i + 1] = Math.round(60 + 0.55 * grey);
      colour[i + 2] = Math.round(40 + 0.45 * grey);
    }
    colourPng = await sharp(colour, {
      raw: { width: LFW_SIZE, height: LFW_SIZE, channels: 3 },
    })
      .png()
      .toBuffer();
  });

  // Each stored image is the upright photo turned by the inverse of the
  // display rotation that its EXIF orientation specifies. sharp turns
  // positive angles clockwise.
  it.each([
    { orientation: 6, storedTurn: -90 },
    { orientation: 8, storedTurn: 90 },
    { orientation: 3, storedTurn: 180 },
  ])(
    'loadImage applies EXIF orientation $orientation',
    async ({ orientation, storedTurn }) => {
      const path = fixture(`phone-orientation-${orientation}.jpg`);
      await sharp(lfwPhoto())
        .rotate(storedTurn)
        .withMetadata({ orientation })
        .jpeg({ quality: 95 })
        .toFile(path);
      const metadata = await sharp(path).metadata();
      expect(metadata.orientation).toBe(orientation);
      const stored = await referenceRgb(
        await sharp(lfwPhoto()).rotate(storedTurn).toBuffer(),
      );

      const image = await loadImage(path);

      expect(image.width).toBe(LFW_SIZE);
      expect(image.height).toBe(LFW_SIZE);
      expect(meanAbsoluteDifference(image.data, original)).toBeLessThan(3);
      expect(meanAbsoluteDifference(image.data, stored)).toBeGreaterThan(20);
    },
  );

  it('loadImage expands grayscale JPEG to RGB', async () => {
    const path = lfwPhoto();
    const metadata = await sharp(path).metadata();
    expect(metadata.channels).toBe(1);

    const image = await loadImage(path);

    expect(image.data.length).toBe(LFW_SIZE * LFW_SIZE * 3);
    let unequal = 0;
    for (let i = 0; i < image.data.length; i += 3) {
      const [r, g, b] = [image.data[i], image.data[i + 1], image.data[i + 2]];
      if (r !== g || g !== b) unequal++;
    }
    expect(unequal).toBe(0);
    expect(meanAbsoluteDifference(image.data, original)).toBeLessThan(1);
  });

  it('loadImage puts transparent PNG pixels on white', async () => {
    // Columns left of `edge` are fully transparent, the rest fully opaque.
    const edge = 100;
    const rgba = new Uint8Array(LFW_SIZE * LFW_SIZE * 4);
    for (let pixel = 0; pixel < LFW_SIZE * LFW_SIZE; pixel++) {
      rgba.set(colour.subarray(pixel * 3, pixel * 3 + 3), pixel * 4);
      rgba[pixel * 4 + 3] = pixel % LFW_SIZE < edge ? 0 : 255;
    }
    const path = fixture('transparent.png');
    await sharp(rgba, {
      raw: { width: LFW_SIZE, height: LFW_SIZE, channels: 4 },
    })
      .png()
      .toFile(path);
    const metadata = await sharp(path).metadata();
    expect(metadata.channels).toBe(4);

    const image = await loadImage(path);

    expect(image.data.length).toBe(LFW_SIZE * LFW_SIZE * 3);
    expect(pixelAt(image.data, LFW_SIZE, 10, 125)).toEqual([255, 255, 255]);
    expect(pixelAt(image.data, LFW_SIZE, 200, 125)).toEqual(
      pixelAt(colour, LFW_SIZE, 200, 125),
    );
    let opaqueMismatches = 0;
    let transparentNotWhite = 0;
    for (let pixel = 0; pixel < LFW_SIZE * LFW_SIZE; pixel++) {
      for (let channel = 0; channel < 3; channel++) {
        const value = image.data[pixel * 3 + channel];
        if (pixel % LFW_SIZE < edge) {
          if (value !== 255) transparentNotWhite++;
        } else if (value !== colour[pixel * 3 + channel]) {
          opaqueMismatches++;
        }
      }
    }
    expect(transparentNotWhite).toBe(0);
    expect(opaqueMismatches).toBe(0);
  });

  it('loadImage converts CMYK JPEG to RGB', async () => {
    const path = fixture('cmyk.jpg');
    await sharp(colourPng)
      .toColourspace('cmyk')
      .jpeg({ quality: 95, chromaSubsampling: '4:4:4' })
      .toFile(path);
    const metadata = await sharp(path).metadata();
    expect(metadata.space).toBe('cmyk');

    const image = await loadImage(path);

    expect(image.width).toBe(LFW_SIZE);
    expect(image.height).toBe(LFW_SIZE);
    // The CMYK round trip through libvips's built-in profile darkens shadows
    // a little, by a mean of about 6 here (sharp 0.35). Ink values read as
    // RGB would differ by about 89, and inverted ink values by about 62.
    expect(meanAbsoluteDifference(image.data, colour)).toBeLessThan(10);
  });

  it('loadImage reduces 16-bit PNG to 8 bits', async () => {
    const path = fixture('deep.png');
    await sharp(colourPng).toColourspace('rgb16').png().toFile(path);
    const metadata = await sharp(path).metadata();
    expect(metadata.depth).toBe('ushort');

    const image = await loadImage(path);

    expect(image.data.length).toBe(LFW_SIZE * LFW_SIZE * 3);
    expect(maxAbsoluteDifference(image.data, colour)).toBeLessThanOrEqual(1);
  });

  it.each(['webp', 'gif', 'tiff'] as const)(
    'loadImage decodes %s',
    async (format) => {
      const path = fixture(`face.${format}`);
      await sharp(lfwPhoto()).toFormat(format).toFile(path);
      const metadata = await sharp(path).metadata();
      expect(metadata.format).toBe(format);

      const image = await loadImage(path);

      expect(image.width).toBe(LFW_SIZE);
      expect(image.height).toBe(LFW_SIZE);
      expect(meanAbsoluteDifference(image.data, original)).toBeLessThan(6);
    },
  );

  it('loadImage decodes PGM of an LFW photo', async () => {
    const grey = await sharp(lfwPhoto()).toColourspace('b-w').raw().toBuffer();
    expect(grey.length).toBe(LFW_SIZE * LFW_SIZE);
    const path = fixture('face.pgm');
    writeFileSync(
      path,
      Buffer.concat([pgmHeader('P5', LFW_SIZE, LFW_SIZE, 255), grey]),
    );

    const image = await loadImage(path);

    expect(image.width).toBe(LFW_SIZE);
    expect(image.height).toBe(LFW_SIZE);
    expect(maxAbsoluteDifference(image.data, original)).toBe(0);
  });

  it.each([
    { format: 'jpeg', reason: 'truncated' },
    { format: 'png', reason: 'truncated' },
    { format: 'webp', reason: 'truncated' },
    { format: 'gif', reason: 'truncated' },
    { format: 'tiff', reason: 'truncated' },
  ] as const)(
    'loadImage reports half a $format as $reason',
    async ({ format, reason }) => {
      const whole = await sharp(lfwPhoto()).toFormat(format).toBuffer();
      const path = fixture(`half.${format}`);
      writeFileSync(path, whole.subarray(0, Math.floor(whole.length / 2)));

      const error = await loadError(path);

      expect(error.reason).toBe(reason);
      expect(error.source).toBe(path);
      expect(error.message).toContain(path);
    },
  );

  it('contentHash follows the file bytes', async () => {
    const bytes = readFileSync(lfwPhoto());
    const first = fixture('hash-a.jpg');
    const copy = fixture('hash-b.jpg');
    const other = fixture('hash-c.jpg');
    writeFileSync(first, bytes);
    writeFileSync(copy, bytes);
    writeFileSync(other, readFileSync(lfwPhoto('George_W_Bush', 2)));

    const [a, b, c] = await Promise.all([first, copy, other].map(loadImage));
    const fromMemory = await decodeImage(bytes);

    expect(a.contentHash).toBe(b.contentHash);
    expect(a.contentHash).toBe(fromMemory.contentHash);
    expect(a.contentHash).toBe(
      createHash('sha256').update(bytes).digest('hex'),
    );
    expect(c.contentHash).not.toBe(a.contentHash);
  });

  it('contentHash differs after re-encoding', async () => {
    const bytes = readFileSync(lfwPhoto());
    const reencoded = await sharp(bytes).jpeg({ quality: 80 }).toBuffer();

    const a = await decodeImage(bytes);
    const b = await decodeImage(reencoded);

    expect(b.contentHash).not.toBe(a.contentHash);
  });
});

describe('loadImage with Netpbm files', () => {
  const greys = [0, 50, 100, 150, 200, 255];

  function expectGreyPixels(data: Uint8Array, expected: readonly number[]) {
    expect(data.length).toBe(expected.length * 3);
    expected.forEach((grey, pixel) => {
      expect(pixelAt(data, expected.length, pixel, 0)).toEqual([
        grey,
        grey,
        grey,
      ]);
    });
  }

  it('loadImage decodes binary PGM (P5)', async () => {
    const path = fixture('binary.pgm');
    const header = Buffer.from('P5\n# written by a test\n6 1\n255\n');
    writeFileSync(path, Buffer.concat([header, Buffer.from(greys)]));

    const image = await loadImage(path);

    expect(image.width).toBe(6);
    expect(image.height).toBe(1);
    expectGreyPixels(image.data, greys);
  });

  it('loadImage decodes ASCII PGM (P2)', async () => {
    const path = fixture('ascii.pgm');
    writeFileSync(
      path,
      `P2\n6 1\n255\n${greys.slice(0, 4).join(' ')}\n200\n255\n`,
    );

    const image = await loadImage(path);

    expect(image.width).toBe(6);
    expect(image.height).toBe(1);
    expectGreyPixels(image.data, greys);
  });

  it('loadImage decodes binary PPM (P6)', async () => {
    const rgb = [255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30];
    const path = fixture('colour.ppm');
    writeFileSync(
      path,
      Buffer.concat([pgmHeader('P6', 2, 2, 255), Buffer.from(rgb)]),
    );

    const image = await loadImage(path);

    expect(image.width).toBe(2);
    expect(image.height).toBe(2);
    expect([...image.data]).toEqual(rgb);
  });

  it('loadImage decodes ASCII PPM (P3)', async () => {
    const path = fixture('ascii.ppm');
    writeFileSync(path, 'P3\n2 1\n15\n15 0 0\n0 5 15\n');

    const image = await loadImage(path);

    expect(image.width).toBe(2);
    expect(image.height).toBe(1);
    expect([...image.data]).toEqual([255, 0, 0, 0, 85, 255]);
  });

  it('loadImage scales 16-bit PGM to 8 bits', async () => {
    const samples = [0, 257, 32768, 65535];
    const raster = Buffer.alloc(samples.length * 2);
    samples.forEach((sample, i) => raster.writeUInt16BE(sample, i * 2));
    const path = fixture('deep.pgm');
    writeFileSync(path, Buffer.concat([pgmHeader('P5', 4, 1, 65535), raster]));

    const image = await loadImage(path);

    expect(image.width).toBe(4);
    expect(image.height).toBe(1);
    expectGreyPixels(image.data, [0, 1, 128, 255]);
  });
});

describe('loadImage input errors', () => {
  const cases: {
    name: string;
    reason: ImageInputReason;
    file: string;
    write: (path: string) => void;
  }[] = [
    {
      name: 'text file named .jpg',
      reason: 'unsupported',
      file: 'notes.jpg',
      write: (path) => writeFileSync(path, 'shopping list: milk, eggs\n'),
    },
    {
      name: 'empty file',
      reason: 'empty',
      file: 'empty.png',
      write: (path) => writeFileSync(path, Buffer.alloc(0)),
    },
    {
      name: 'missing file',
      reason: 'not-found',
      file: 'missing.jpg',
      write: () => undefined,
    },
    {
      name: 'folder',
      reason: 'unreadable',
      file: 'folder.jpg',
      write: (path) => mkdirSync(path),
    },
    {
      name: 'truncated P5',
      reason: 'truncated',
      file: 'short.pgm',
      write: (path) =>
        writeFileSync(
          path,
          Buffer.concat([pgmHeader('P5', 4, 4, 255), Buffer.alloc(9)]),
        ),
    },
    {
      name: 'truncated P2',
      reason: 'truncated',
      file: 'short-ascii.pgm',
      write: (path) => writeFileSync(path, 'P2\n2 2\n255\n1 2 3'),
    },
    {
      // The header promises 256 million pixels, which must not be allocated
      // before the short raster is noticed.
      name: 'P5 with huge header and short raster',
      reason: 'truncated',
      file: 'huge-header.pgm',
      write: (path) =>
        writeFileSync(
          path,
          Buffer.concat([pgmHeader('P5', 16000, 16000, 255), Buffer.alloc(9)]),
        ),
    },
    {
      name: 'PPM over the pixel limit',
      reason: 'too-large',
      file: 'too-large.ppm',
      write: (path) =>
        writeFileSync(
          path,
          Buffer.concat([
            pgmHeader('P6', 100000, 100000, 255),
            Buffer.alloc(9),
          ]),
        ),
    },
    {
      name: 'PGM with maximum value 0',
      reason: 'corrupt',
      file: 'zero-max.pgm',
      write: (path) =>
        writeFileSync(
          path,
          Buffer.concat([pgmHeader('P5', 1, 1, 0), Buffer.alloc(1)]),
        ),
    },
    {
      // A TIFF signature and a first directory whose single entry is junk.
      name: 'TIFF with damaged directory',
      reason: 'corrupt',
      file: 'damaged.tif',
      write: (path) => {
        const bytes = Buffer.alloc(64);
        bytes.write('II*\0', 0, 'latin1');
        bytes.writeUInt32LE(8, 4);
        bytes.writeUInt16LE(1, 8);
        bytes.writeUInt16LE(0x100, 10);
        writeFileSync(path, bytes);
      },
    },
  ];

  it.each(cases)(
    'loadImage reports $name as $reason',
    async ({ reason, file, write }) => {
      const path = fixture(file);
      write(path);

      const error = await loadError(path);

      expect(error.reason).toBe(reason);
      expect(error.source).toBe(path);
      expect(error.message).toContain(path);
    },
  );

  it('decodeImage names the buffer in errors', async () => {
    const outcome: unknown = await decodeImage(
      Buffer.from('not an image'),
      'upload #3',
    ).then(
      () => 'decoded',
      (error: unknown) => error,
    );

    expect(outcome).toBeInstanceOf(ImageInputError);
    expect((outcome as ImageInputError).reason).toBe('unsupported');
    expect((outcome as ImageInputError).message).toContain('upload #3');
  });
});

describe('loadImage with tiny images', () => {
  it('loadImage decodes 1x1 PNG', async () => {
    const path = fixture('dot.png');
    await sharp({
      create: {
        width: 1,
        height: 1,
        channels: 3,
        background: { r: 200, g: 100, b: 50 },
      },
    })
      .png()
      .toFile(path);

    const image = await loadImage(path);

    expect(image.width).toBe(1);
    expect(image.height).toBe(1);
    expect([...image.data]).toEqual([200, 100, 50]);
  });
});
