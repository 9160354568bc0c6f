/** The five alignment points from BlazeFace's six key points. */
import { REFERENCE_112 } from '../../alignment/template';
import type { Landmarks5, Point } from '../types';
import type { BlazeFaceKeypoints } from './decode';

function distance(a: readonly [number, number], b: readonly [number, number]) {
  return Math.hypot(b[0] - a[0], b[1] - a[1]);
}

/**
 * Mouth width (corner to corner) divided by the distance between the eye
 * centres in the alignment reference face, about 0.83.
 */
export const MOUTH_TO_EYE_WIDTH = (() => {
  const [leftEye, rightEye, , leftMouth, rightMouth] = REFERENCE_112;
  return distance(leftMouth!, rightMouth!) / distance(leftEye!, rightEye!);
})();

/**
 * Builds the five alignment points from BlazeFace's key points: the eyes and
 * the nose tip as predicted, and mouth corners that are estimates, because
 * BlazeFace predicts only the mouth centre. The corners lie on either side of
 * the mouth centre along the eye-to-eye direction, {@link MOUTH_TO_EYE_WIDTH}
 * times the eye distance apart, as in the alignment reference face. The
 * alignment is a least-squares similarity fit over all five points, so
 * corners placed consistently on every face keep aligned faces comparable,
 * but a wide smile or a turned head moves the real corners away from them.
 */
export function landmarks5FromKeypoints(
  keypoints: BlazeFaceKeypoints,
): Landmarks5 {
  const [leftEye, rightEye, noseTip, mouthCentre] = keypoints;
  const half = MOUTH_TO_EYE_WIDTH / 2;
  const dx = (rightEye.x - leftEye.x) * half;
  const dy = (rightEye.y - leftEye.y) * half;
  const leftMouth: Point = { x: mouthCentre.x - dx, y: mouthCentre.y - dy };
  const rightMouth: Point = { x: mouthCentre.x + dx, y: mouthCentre.y + dy };
  return [leftEye, rightEye, noseTip, leftMouth, rightMouth];
}
