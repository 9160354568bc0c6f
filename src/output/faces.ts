import type { Box } from '../detection/types';

/** Returns the face with the largest box (usually a portrait's subject), or undefined for none. */
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
