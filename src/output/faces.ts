import type { Box } from '../detection/types';

/** The face with the largest box, usually the subject of a portrait; undefined for none. */
export function largestFaceOf<T extends { readonly box: Box }>(
  faces: readonly T[],
): T | undefined {
  let best: T | undefined;
  for (const face of faces) {
    if (
      !best ||
      face.box.width * face.box.height > best.box.width * best.box.height
    )
      best = face;
  }
  return best;
}
