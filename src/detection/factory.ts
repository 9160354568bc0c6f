import type { Runtime } from '../backend/backend';
import { createBlazeFaceDetector } from './blazeface';
import { createSsdDetector, createTinyDetector } from './faceapi-detectors';
import { createMtcnnDetector } from './mtcnn';
import type { FaceDetector } from './types';

/** The detectors facelab ships. */
export const DETECTOR_NAMES = ['mtcnn', 'ssd', 'tiny', 'blazeface'] as const;

/** One of {@link DETECTOR_NAMES}. */
export type DetectorName = (typeof DETECTOR_NAMES)[number];

/**
 * Loads a detector by name: `mtcnn` (the P-Net/R-Net/O-Net cascade with five
 * landmarks), `ssd` (SSD MobileNetV1), `tiny` (TinyFaceDetector) or
 * `blazeface` (MediaPipe's BlazeFace, six key points).
 */
export async function createDetector(
  runtime: Runtime,
  name: DetectorName,
): Promise<FaceDetector> {
  switch (name) {
    case 'mtcnn':
      return createMtcnnDetector(runtime.tf);
    case 'ssd':
      return createSsdDetector(runtime.tf, runtime.faceapi);
    case 'tiny':
      return createTinyDetector(runtime.tf, runtime.faceapi);
    case 'blazeface':
      return createBlazeFaceDetector(runtime.tf);
    default:
      throw new RangeError(
        `unknown detector "${String(name)}"; use one of ${DETECTOR_NAMES.join(', ')}`,
      );
  }
}
