/** Largest image accepted, in pixels (sharp's own default limit). */
export const MAX_INPUT_PIXELS = 268_402_689;

/**
 * A decoded image: 8-bit RGB pixels in row-major order, upright (EXIF
 * orientation already applied), `width * height * 3` bytes.
 */
export interface RgbImage {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
  /** File path or buffer name, used in messages and results. */
  readonly source: string;
}

/** A decoded image and the SHA-256 of the bytes it was decoded from. */
export interface LoadedImage extends RgbImage {
  /** Hex SHA-256 of the encoded file, the key of the embedding cache. */
  readonly contentHash: string;
}

/** Creates an {@link RgbImage}, checking that the buffer has the right size. */
export function createRgbImage(
  data: Uint8Array,
  width: number,
  height: number,
  source: string,
): RgbImage {
  if (
    !Number.isInteger(width) ||
    !Number.isInteger(height) ||
    width < 1 ||
    height < 1
  ) {
    throw new RangeError(`${source}: invalid image size ${width}x${height}`);
  }
  if (data.length !== width * height * 3) {
    throw new RangeError(
      `${source}: expected ${width * height * 3} bytes for ${width}x${height} RGB, got ${data.length}`,
    );
  }
  return { data, width, height, source };
}

/** Mirrors the image left to right. */
export function flipHorizontally(image: RgbImage): RgbImage {
  const { width, height } = image;
  const data = new Uint8Array(image.data.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const from = (y * width + (width - 1 - x)) * 3;
      data.set(image.data.subarray(from, from + 3), (y * width + x) * 3);
    }
  }
  return { data, width, height, source: `${image.source} (flipped)` };
}
