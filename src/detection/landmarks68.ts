import type { Tensor3D } from '@tensorflow/tfjs';

import type { FaceApi, Tf } from '../backend/backend';
import { faceApiModelFolder } from '../models/paths';
import type { Box, Point } from './types';

type FaceApiInput = Parameters<
  InstanceType<FaceApi['FaceLandmark68Net']>['detectLandmarks']
>[0];

/** Clips a box to the image and rounds it to whole pixels; undefined if nothing is left. */
export function clipBox(
  box: Box,
  width: number,
  height: number,
): Box | undefined {
  const left = Math.max(0, Math.floor(box.x));
  const top = Math.max(0, Math.floor(box.y));
  const right = Math.min(width, Math.ceil(box.x + box.width));
  const bottom = Math.min(height, Math.ceil(box.y + box.height));
  if (right - left < 2 || bottom - top < 2) return undefined;
  return { x: left, y: top, width: right - left, height: bottom - top };
}

/**
 * The 68-point landmark network of face-api (a CNN on a 112x112 crop of the
 * face box), usable on boxes from any detector.
 */
export class Landmarks68Estimator {
  private constructor(
    private readonly tf: Tf,
    private readonly net: InstanceType<FaceApi['FaceLandmark68Net']>,
  ) {}

  /** Loads the network's weights from the face-api package. */
  static async load(tf: Tf, faceapi: FaceApi): Promise<Landmarks68Estimator> {
    const net = new faceapi.FaceLandmark68Net();
    await net.loadFromDisk(faceApiModelFolder());
    return new Landmarks68Estimator(tf, net);
  }

  /**
   * Estimates 68 landmarks for each box, in the image's pixel coordinates.
   * A box that lies outside the image gives undefined.
   */
  async estimate(
    image: Tensor3D,
    boxes: readonly Box[],
  ): Promise<(Point[] | undefined)[]> {
    const [height, width] = image.shape;
    const results: (Point[] | undefined)[] = [];
    for (const box of boxes) {
      const crop = clipBox(box, width, height);
      if (crop === undefined) {
        results.push(undefined);
        continue;
      }
      const face = this.tf.slice(
        image,
        [crop.y, crop.x, 0],
        [crop.height, crop.width, 3],
      );
      try {
        const landmarks = await this.net.detectLandmarks(
          face as unknown as FaceApiInput,
        );
        const single = Array.isArray(landmarks) ? landmarks[0]! : landmarks;
        results.push(
          single.positions.map((p) => ({ x: p.x + crop.x, y: p.y + crop.y })),
        );
      } finally {
        face.dispose();
      }
    }
    return results;
  }

  /** Releases the weights. */
  dispose(): void {
    this.net.dispose();
  }
}
