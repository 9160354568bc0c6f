import type { Tensor3D } from '@tensorflow/tfjs';

/** A point in image pixel coordinates (x to the right, y down). */
export interface Point {
  readonly x: number;
  readonly y: number;
}

/** An axis-aligned box in image pixel coordinates. */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/**
 * The five key points used for alignment, in this order: the eye on the
 * image's left, the eye on the image's right, the nose tip, the mouth corner
 * on the image's left, the mouth corner on the image's right.
 */
export type Landmarks5 = readonly [Point, Point, Point, Point, Point];

/** One face found by a detector. */
export interface DetectedFace {
  readonly box: Box;
  /** Detector confidence in 0..1. */
  readonly score: number;
  readonly landmarks5: Landmarks5;
  /** The 68 points of the iBUG 300-W scheme, when they were computed. */
  readonly landmarks68?: readonly Point[];
}

/**
 * Detection stage: finds faces in one image.
 *
 * `detect` receives an `int32` or `float32` tensor of shape
 * `[height, width, 3]` with RGB values in 0..255, and returns the faces in
 * that tensor's pixel coordinates, best first. An image with no face gives an
 * empty array. The caller keeps ownership of the tensor, and `detect` leaves
 * no tensors behind.
 */
export interface FaceDetector {
  /** Short identifier used in cache keys and reports, for example `mtcnn`. */
  readonly name: string;
  detect(image: Tensor3D): Promise<DetectedFace[]>;
  /** Releases the model weights. */
  dispose(): void;
}
