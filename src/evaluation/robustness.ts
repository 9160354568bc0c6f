/**
 * Robustness sweeps: the second image of each verification pair is degraded
 * (lower resolution, blur, JPEG compression, covered eyes or mouth, mirror
 * image), and the pairs are scored again at the model's threshold.
 */
import { createHash } from 'node:crypto';

import { lfwImagePath } from '../datasets/lfw';
import type { Landmarks5 } from '../detection/types';
import { loadImage } from '../input/decode';
import type { FacePipeline } from '../pipeline';
import { l2Distance } from '../prediction/distance';
import {
  defaultDegradations,
  degrade,
  flipLandmarks,
  type Degradation,
  type DegradationKind,
} from './degradations';
import { centralFace, embedImages } from './embed-images';
import type { ImagePair } from './pairs';

/** One degradation at one severity (severity 0 = untouched). */
export interface RobustnessPoint {
  readonly kind: DegradationKind;
  readonly severity: number;
  readonly label: string;
  /** Fraction of pairs classified correctly at the threshold. */
  readonly accuracy: number;
  readonly meanGenuineDistance: number;
  /** Fraction of degraded images in which a face was detected. */
  readonly detectionRate: number;
}

/** Settings of {@link robustnessSweep}. */
export interface RobustnessOptions {
  /** Largest distance accepted as the same person. */
  readonly threshold: number;
  /** Degradations to apply (default {@link defaultDegradations}). */
  readonly degradations?: readonly Degradation[];
  /** Called after each degraded image with the count done and the total. */
  readonly onProgress?: (done: number, total: number) => void;
}

interface ScoredDistance {
  readonly distance: number;
  readonly same: boolean;
}

function summarize(
  degradation: Pick<Degradation, 'kind' | 'severity' | 'label'>,
  scored: readonly ScoredDistance[],
  threshold: number,
  detected: number,
): RobustnessPoint {
  const genuine = scored.filter((pair) => pair.same);
  const correct = scored.filter(
    (pair) => pair.distance <= threshold === pair.same,
  ).length;
  return {
    kind: degradation.kind,
    severity: degradation.severity,
    label: degradation.label,
    accuracy: correct / scored.length,
    meanGenuineDistance:
      genuine.reduce((sum, pair) => sum + pair.distance, 0) /
      Math.max(genuine.length, 1),
    detectionRate: detected / scored.length,
  };
}

/**
 * Degrades the second image of every pair with each degradation and
 * returns the accuracy and mean genuine distance at each one, plus a
 * severity-0 point per kind for the clean pairs. A degraded image in which
 * no face is detected is embedded at the clean image's landmarks (mirrored
 * for the flip), so that a failed detection costs accuracy only through the
 * damaged pixels. The detection rate is reported beside it.
 */
export async function robustnessSweep(
  pipeline: FacePipeline,
  folder: string,
  pairs: readonly ImagePair[],
  options: RobustnessOptions,
): Promise<RobustnessPoint[]> {
  if (pairs.length === 0) throw new RangeError('no pairs to degrade');
  const paths = pairs.map((pair) => [
    lfwImagePath(folder, pair.first.name, pair.first.index),
    lfwImagePath(folder, pair.second.name, pair.second.index),
  ]);
  const { embeddings } = await embedImages(pipeline, paths.flat());

  // The clean second images, with the landmarks that place the bands.
  const secondImages: { path: string; landmarks: Landmarks5 }[] = [];
  const cleanLandmarks = new Map<string, Landmarks5>();
  for (const [, second] of paths) {
    const analysis = await pipeline.analyzeFile(second!);
    const face = centralFace(analysis.faces, analysis.width, analysis.height);
    if (face !== undefined) cleanLandmarks.set(second!, face.landmarks5);
  }
  const anyLandmarks = [...cleanLandmarks.values()][0];
  if (anyLandmarks === undefined)
    throw new Error('no face was detected in any clean second image');
  for (const [, second] of paths) {
    secondImages.push({
      path: second!,
      landmarks: cleanLandmarks.get(second!) ?? anyLandmarks,
    });
  }

  const degradations = options.degradations ?? defaultDegradations(250);
  const points: RobustnessPoint[] = [];
  const clean = pairs.map((pair, i) => ({
    same: pair.same,
    distance: l2Distance(
      embeddings.get(paths[i]![0]!)!,
      embeddings.get(paths[i]![1]!)!,
    ),
  }));
  for (const kind of new Set(degradations.map((d) => d.kind))) {
    points.push(
      summarize(
        { kind, severity: 0, label: 'original' },
        clean,
        options.threshold,
        pairs.length,
      ),
    );
  }

  const total = degradations.length * pairs.length;
  let done = 0;
  for (const degradation of degradations) {
    let detected = 0;
    const scored: ScoredDistance[] = [];
    for (let i = 0; i < pairs.length; i++) {
      const { path, landmarks } = secondImages[i]!;
      const image = await loadImage(path);
      const damaged = await degrade(image, landmarks, degradation);
      // A key of its own, so that a repeated sweep reads the embedding
      // cache instead of detecting again.
      const contentHash = createHash('sha256')
        .update(`${image.contentHash}:${JSON.stringify(degradation)}`)
        .digest('hex');
      const analysis = await pipeline.analyze({ ...damaged, contentHash });
      const face = centralFace(analysis.faces, damaged.width, damaged.height);
      if (face !== undefined) detected++;
      const embedding =
        face?.embedding ??
        (await pipeline.embedAt(
          damaged,
          degradation.kind === 'flip'
            ? flipLandmarks(landmarks, damaged.width)
            : landmarks,
        ));
      scored.push({
        same: pairs[i]!.same,
        distance: l2Distance(embeddings.get(paths[i]![0]!)!, embedding),
      });
      options.onProgress?.(++done, total);
    }
    points.push(summarize(degradation, scored, options.threshold, detected));
  }
  return points;
}
