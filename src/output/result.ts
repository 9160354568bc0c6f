import type { Box, Landmarks5, Point } from '../detection/types';
import type { Band } from './bands';

/** Label given to a face farther from every known person than the threshold. */
export const UNKNOWN = 'unknown';

/** Result for one face. */
export interface FaceResult {
  readonly box: Box;
  /** Detector confidence in 0..1. */
  readonly score: number;
  readonly landmarks5: Landmarks5;
  readonly landmarks68?: readonly Point[];
  /** The matched person, or {@link UNKNOWN}. */
  readonly label: string;
  /** The closest known person, even when farther than the threshold; null with an empty gallery. */
  readonly nearestLabel: string | null;
  /** Distance to `nearestLabel` in the gallery's metric; Infinity with an empty gallery. */
  readonly distance: number;
  /** Meaning of `distance`, or `empty-gallery` when there was nothing to compare with. */
  readonly band: Band;
}

/** Result for one image: its faces, or the reason it failed. */
export interface ImageResult {
  readonly source: string;
  readonly width?: number;
  readonly height?: number;
  readonly faces: readonly FaceResult[];
  /** Set when the image could not be processed; the batch carries on. */
  readonly error?: string;
}
