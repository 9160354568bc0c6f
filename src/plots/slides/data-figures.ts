/**
 * Slide figures from measured data: LFW verification charts, embedding-space
 * projections of LFW people, and charts from the JSON results of
 * `facelab eval identify` and `npm run bench`. A figure whose data is
 * missing is skipped with a warning that names the command producing it.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import {
  scoreLfwPairs,
  type LfwVerificationResult,
} from '../../evaluation/lfw-verification';
import type { ScoredPair, RocSummary } from '../../evaluation/verification';
import { bandLimitsFor } from '../../models/calibration';
import type { FacePipeline } from '../../pipeline';
import { embedLfwPeople } from '../../projection/labelled-faces';
import { pca } from '../../projection/pca';
import { tsne } from '../../projection/tsne';
import { umap } from '../../projection/umap';
import { knnAccuracy, silhouetteScore } from '../../projection/separation';
import { embeddingSpaceFigure } from '../embedding-space';
import {
  rank1GallerySizeFigure,
  robustnessFigure,
  type GallerySizePoint,
  type RobustnessPoint,
} from '../identification';
import { searchTimeFigure, type SearchTimePoint } from '../performance';
import {
  accuracyThresholdFigure,
  distanceHistogramFigure,
  rocFigure,
} from '../verification';
import type { SlideFolder } from './writer';

/** LFW people in the projection figures: every person with at least 20 photos. */
const PROJECTION_PEOPLE = 62;
const PROJECTION_PHOTOS = 20;

/** Reads a JSON file, or returns undefined when it does not exist. */
async function readJson(path: string): Promise<unknown> {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(await readFile(path, 'utf8')) as unknown;
  } catch (error) {
    throw new Error(
      `invalid JSON in ${path} (${(error as Error).message}); regenerate it or delete it`,
    );
  }
}

/** Returns `value[key]` when it is a non-empty array, else undefined. */
function arrayField<T>(value: unknown, key: string): T[] | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const field = (value as Record<string, unknown>)[key];
  return Array.isArray(field) && field.length > 0 ? (field as T[]) : undefined;
}

/** Scored pairs and ROC of one verification run. */
interface VerificationData {
  readonly pairs: readonly ScoredPair[];
  readonly roc: RocSummary;
  /** Embedding model that produced the distances. */
  readonly model: string;
}

async function loadVerification(
  pipeline: FacePipeline | undefined,
  lfwFolder: string | undefined,
  evalLfwPath: string,
): Promise<VerificationData | undefined> {
  const stored = (await readJson(evalLfwPath)) as
    LfwVerificationResult | undefined;
  if (stored !== undefined) {
    if (!Array.isArray(stored.pairs) || stored.roc === undefined)
      throw new Error(
        `${evalLfwPath} has no pairs or roc; rerun facelab eval lfw to regenerate it`,
      );
    return { pairs: stored.pairs, roc: stored.roc, model: stored.model };
  }
  if (pipeline === undefined || lfwFolder === undefined) return undefined;
  const result = await scoreLfwPairs(
    pipeline,
    lfwFolder,
    join(lfwFolder, 'pairsDevTest.txt'),
  );
  return { pairs: result.pairs, roc: result.roc, model: result.model };
}

/**
 * Writes `distance-histogram.png`, `accuracy-threshold.png` and `roc.png`
 * from `evalLfwPath` (written by `facelab eval lfw`), else from the 1,000
 * View 1 test pairs scored now, else skips them.
 */
export async function writeVerificationFigures(
  slides: SlideFolder,
  pipeline: FacePipeline | undefined,
  lfwFolder: string | undefined,
  evalLfwPath: string,
): Promise<void> {
  const data = await loadVerification(pipeline, lfwFolder, evalLfwPath);
  const files = ['distance-histogram.png', 'accuracy-threshold.png', 'roc.png'];
  if (data === undefined) {
    for (const file of files)
      slides.skip(
        file,
        `${evalLfwPath} not found and FACELAB_DATASETS is unset; run facelab eval lfw, or set FACELAB_DATASETS`,
      );
    return;
  }
  const { limits } = bandLimitsFor(data.model);
  await slides.writePlot(
    files[0]!,
    distanceHistogramFigure(data.pairs, limits),
  );
  await slides.writePlot(
    files[1]!,
    accuracyThresholdFigure(data.pairs, limits),
  );
  await slides.writePlot(files[2]!, rocFigure(data.roc));
}

/** Separation of the people in one 2-D projection. */
export interface ProjectionQuality {
  readonly method: string;
  readonly silhouette: number;
  readonly knnAccuracy: number;
}

/**
 * Writes `embedding-umap.png`, `embedding-pca.png` and `embedding-tsne.png`:
 * 20 photos of each of the 62 LFW people with at least 20, projected to 2-D.
 * Returns the separation measured in each layout.
 */
export async function writeProjectionFigures(
  slides: SlideFolder,
  pipeline: FacePipeline,
  lfwFolder: string,
): Promise<ProjectionQuality[]> {
  const { faces, skipped } = await embedLfwPeople(pipeline, lfwFolder, {
    people: PROJECTION_PEOPLE,
    photosPerPerson: PROJECTION_PHOTOS,
  });
  const rows = faces.map((face) => face.embedding);
  const labels = faces.map((face) => face.label);
  const methods: [string, string, () => number[][]][] = [
    ['umap', 'UMAP', () => umap(rows)],
    ['pca', 'PCA', () => pca(rows, 2).points],
    ['tsne', 't-SNE', () => tsne(rows)],
  ];
  const qualities: ProjectionQuality[] = [];
  for (const [file, name, project] of methods) {
    const points = project();
    const quality = {
      method: name,
      silhouette: silhouetteScore(points, labels),
      knnAccuracy: knnAccuracy(points, labels, 5),
    };
    qualities.push(quality);
    const title =
      `${name} of ${faces.length} faces of ${PROJECTION_PEOPLE} LFW people` +
      ` (${skipped.length} without a detected face left out): ` +
      `silhouette ${quality.silhouette.toFixed(2)}, 5-NN accuracy ${(100 * quality.knnAccuracy).toFixed(1)}%`;
    await slides.writePlot(
      `embedding-${file}.png`,
      embeddingSpaceFigure(
        faces.map((face, i) => ({
          label: face.label,
          position: points[i]!,
          thumbnail: '',
        })),
        title,
      ),
    );
  }
  return qualities;
}

/**
 * Writes `rank1-gallery-size.png` and `robustness.png` from the output of
 * `facelab eval identify`, and `search-time.png` from the output of
 * `npm run bench`, skipping each whose data is missing.
 */
export async function writeStoredResultFigures(
  slides: SlideFolder,
  evalIdentifyPath: string,
  benchmarksPath: string,
): Promise<void> {
  const identify = await readJson(evalIdentifyPath);
  const gallerySizes = arrayField<GallerySizePoint>(identify, 'gallerySize');
  if (gallerySizes === undefined)
    slides.skip(
      'rank1-gallery-size.png',
      `no gallerySize data in ${evalIdentifyPath}; run facelab eval identify first`,
    );
  else
    await slides.writePlot(
      'rank1-gallery-size.png',
      rank1GallerySizeFigure(gallerySizes),
    );

  const robustness = arrayField<RobustnessPoint>(identify, 'robustness');
  if (robustness === undefined)
    slides.skip(
      'robustness.png',
      `no robustness data in ${evalIdentifyPath}; run facelab eval identify first`,
    );
  else await slides.writePlot('robustness.png', robustnessFigure(robustness));

  const search = arrayField<SearchTimePoint>(
    await readJson(benchmarksPath),
    'search',
  );
  if (search === undefined)
    slides.skip(
      'search-time.png',
      `no search data in ${benchmarksPath}; run npm run bench first`,
    );
  else await slides.writePlot('search-time.png', searchTimeFigure(search));
}
