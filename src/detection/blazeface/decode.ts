/**
 * Turns BlazeFace's raw outputs into boxes, scores and key points, in the
 * pixels of the network's square input.
 */
import type { Box, Point } from '../types';

/** Numbers the network predicts per anchor besides its score. */
export const REGRESSORS_PER_ANCHOR = 16;

/** Key points BlazeFace places on each face. */
export const KEYPOINT_COUNT = 6;

/**
 * BlazeFace's six key points, in the order of the network's output. `Left`
 * and `right` are as seen in the image, which holds for upright faces, so
 * the first eye is the subject's right eye.
 */
export type BlazeFaceKeypoints = readonly [
  leftEye: Point,
  rightEye: Point,
  noseTip: Point,
  mouthCentre: Point,
  leftEar: Point,
  rightEar: Point,
];

/** One anchor's prediction whose score passed the threshold. */
export interface BlazeFaceCandidate {
  /** Anchor index, in the order of {@link createAnchors}. */
  readonly anchor: number;
  /** Face probability in 0..1: the sigmoid of the network's logit. */
  readonly score: number;
  readonly box: Box;
  readonly keypoints: BlazeFaceKeypoints;
}

function sigmoid(logit: number): number {
  return 1 / (1 + Math.exp(-logit));
}

/**
 * Decodes every anchor whose score is at least `minScore`. Per anchor,
 * `regressors` contains the box centre's offset from the anchor (x, y), the box
 * width and height, then an (x, y) offset from the anchor for each key
 * point, all in input pixels.
 *
 * @param logits one score logit per anchor, `[anchors.length]`.
 * @param regressors `[anchors.length, 16]` in row-major order.
 * @param anchors anchor centres in input pixels.
 * @throws RangeError when the lengths do not match the anchors.
 */
export function decodeCandidates(
  logits: ArrayLike<number>,
  regressors: ArrayLike<number>,
  anchors: readonly Point[],
  minScore: number,
): BlazeFaceCandidate[] {
  if (
    logits.length !== anchors.length ||
    regressors.length !== anchors.length * REGRESSORS_PER_ANCHOR
  ) {
    throw new RangeError(
      `BlazeFace outputs do not match ${anchors.length} anchors: ` +
        `got ${logits.length} scores and ${regressors.length} regressors`,
    );
  }
  const candidates: BlazeFaceCandidate[] = [];
  anchors.forEach((anchor, i) => {
    const score = sigmoid(logits[i]!);
    if (!(score >= minScore)) return;
    const offset = i * REGRESSORS_PER_ANCHOR;
    const at = (k: number): number => regressors[offset + k]!;
    const width = at(2);
    const height = at(3);
    const box = {
      x: anchor.x + at(0) - width / 2,
      y: anchor.y + at(1) - height / 2,
      width,
      height,
    };
    const keypoints = Array.from({ length: KEYPOINT_COUNT }, (_, k) => ({
      x: anchor.x + at(4 + 2 * k),
      y: anchor.y + at(5 + 2 * k),
    })) as unknown as BlazeFaceKeypoints;
    candidates.push({ anchor: i, score, box, keypoints });
  });
  return candidates;
}
