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
