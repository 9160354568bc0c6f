/**
 * Image degradations for the robustness sweeps: each returns a new RGB image
 * of the same size, so that the clean image's landmarks still apply (after
 * mirroring, for the flip).
 */
import sharp from 'sharp';

import type { Landmarks5 } from '../detection/types';
import { flipHorizontally, type RgbImage } from '../input/image';

/** The kinds of degradation the sweeps apply. */
export type DegradationKind =
  | 'resolution'
  | 'blur'
  | 'jpeg'
  | 'occlusion-eyes'
  | 'occlusion-mouth'
  | 'flip';

/** One degradation at one strength. */
export interface Degradation {
  readonly kind: DegradationKind;
  /**
   * Strength, growing with the damage: the downscale factor for
   * `resolution`, the Gaussian sigma in pixels for `blur`, 100 minus the
   * quality for `jpeg`, and 1 for occlusion and flip.
   */
  readonly severity: number;
  /** Short description, for example `16 px` or `quality 10`. */
  readonly label: string;
  /** Side, in pixels, of the downscaled copy (`resolution` only). */
  readonly side?: number;
}

function raw(image: RgbImage): sharp.Sharp {
  return sharp(image.data, {
    raw: { width: image.width, height: image.height, channels: 3 },
  });
}

async function toRgb(
  pipeline: sharp.Sharp,
  like: RgbImage,
  label: string,
): Promise<RgbImage> {
  const data = await pipeline.removeAlpha().raw().toBuffer();
  return {
    data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    width: like.width,
    height: like.height,
    source: `${like.source} (${label})`,
  };
}

/** Downscales the longest side to `side` pixels, then scales back up. */
export async function lowerResolution(
  image: RgbImage,
  side: number,
): Promise<RgbImage> {
  const scale = side / Math.max(image.width, image.height);
  const small = await raw(image)
    .resize(
      Math.max(1, Math.round(image.width * scale)),
      Math.max(1, Math.round(image.height * scale)),
    )
    .raw()
    .toBuffer({ resolveWithObject: true });
  const upscaled = sharp(small.data, {
    raw: { width: small.info.width, height: small.info.height, channels: 3 },
  }).resize(image.width, image.height, { fit: 'fill', kernel: 'linear' });
  return toRgb(upscaled, image, `${side} px`);
}

/** Applies a Gaussian blur of `sigma` pixels (at least 0.3, sharp's minimum). */
export async function blur(image: RgbImage, sigma: number): Promise<RgbImage> {
  return toRgb(raw(image).blur(sigma), image, `blur sigma ${sigma}`);
}

/** Encodes as JPEG at `quality` (1-100) and decodes again. */
export async function compressJpeg(
  image: RgbImage,
  quality: number,
): Promise<RgbImage> {
  const encoded = await raw(image).jpeg({ quality }).toBuffer();
  return toRgb(sharp(encoded), image, `JPEG quality ${quality}`);
}

/**
 * Mirrors five landmarks with their image: x becomes `width - 1 - x`, and
 * left and right points swap, so that the order stays left eye, right eye,
 * nose, left mouth corner, right mouth corner.
 */
export function flipLandmarks(
  landmarks: Landmarks5,
  width: number,
): Landmarks5 {
  const mirrored = landmarks.map((point) => ({
    x: width - 1 - point.x,
    y: point.y,
  }));
  return [mirrored[1]!, mirrored[0]!, mirrored[2]!, mirrored[4]!, mirrored[3]!];
}

/**
 * Paints a black band over the eyes or the mouth. The band spans the two
 * landmarks plus half the distance between the eyes on each side, and is
 * half that distance high (0.7 of it for the mouth).
 */
export function occlude(
  image: RgbImage,
  landmarks: Landmarks5,
  part: 'eyes' | 'mouth',
): RgbImage {
  const [leftEye, rightEye, , leftMouth, rightMouth] = landmarks;
  const eyeDistance = Math.hypot(
    rightEye.x - leftEye.x,
    rightEye.y - leftEye.y,
  );
  const [a, b] =
    part === 'eyes' ? [leftEye, rightEye] : [leftMouth, rightMouth];
  const halfHeight = (part === 'eyes' ? 0.25 : 0.35) * eyeDistance;
  const x0 = Math.max(0, Math.floor(Math.min(a.x, b.x) - eyeDistance / 2));
  const x1 = Math.min(
    image.width,
    Math.ceil(Math.max(a.x, b.x) + eyeDistance / 2),
  );
  const centreY = (a.y + b.y) / 2;
  const y0 = Math.max(0, Math.floor(centreY - halfHeight));
  const y1 = Math.min(image.height, Math.ceil(centreY + halfHeight));
  const data = Uint8Array.from(image.data);
  for (let y = y0; y < y1; y++)
    data.fill(0, (y * image.width + x0) * 3, (y * image.width + x1) * 3);
  return { ...image, data, source: `${image.source} (${part} covered)` };
}

/** Returns the degradations of the default sweep, mildest first within each kind. */
export function defaultDegradations(imageSide: number): Degradation[] {
  return [
    ...[64, 32, 16, 12].map((side): Degradation => ({
      kind: 'resolution',
      severity: imageSide / side,
      label: `${side} px`,
      side,
    })),
    ...[1, 2, 4].map((sigma): Degradation => ({
      kind: 'blur',
      severity: sigma,
      label: `sigma ${sigma}`,
    })),
    ...[50, 20, 10, 5].map((quality): Degradation => ({
      kind: 'jpeg',
      severity: 100 - quality,
      label: `quality ${quality}`,
    })),
    { kind: 'occlusion-eyes', severity: 1, label: 'eyes covered' },
    { kind: 'occlusion-mouth', severity: 1, label: 'mouth covered' },
    { kind: 'flip', severity: 1, label: 'flipped' },
  ];
}

/**
 * Applies one degradation. `landmarks` are the clean image's and place the
 * occlusion bands.
 */
export async function degrade(
  image: RgbImage,
  landmarks: Landmarks5,
  degradation: Degradation,
): Promise<RgbImage> {
  switch (degradation.kind) {
    case 'resolution':
      if (degradation.side === undefined)
        throw new RangeError(`degradation "${degradation.label}" needs a side`);
      return lowerResolution(image, degradation.side);
    case 'blur':
      return blur(image, degradation.severity);
    case 'jpeg':
      return compressJpeg(image, 100 - degradation.severity);
    case 'occlusion-eyes':
      return occlude(image, landmarks, 'eyes');
    case 'occlusion-mouth':
      return occlude(image, landmarks, 'mouth');
    case 'flip':
      return flipHorizontally(image);
  }
}
