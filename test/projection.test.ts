import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { FacePipeline } from '../src/pipeline';
import {
  embedLfwPeople,
  type LabelledFace,
} from '../src/projection/labelled-faces';
import { pca } from '../src/projection/pca';
import { seededRandom, normalSample } from '../src/random';
import { knnAccuracy, silhouetteScore } from '../src/projection/separation';
import { tsne } from '../src/projection/tsne';
import { umap } from '../src/projection/umap';
import { lfwFolder } from './helpers/datasets';

const folder = lfwFolder();

/** Pipeline caching into FACELAB_CACHE when set, so CI embeds each image once. */
function cachedPipeline(): Promise<FacePipeline> {
  return FacePipeline.create({ cache: process.env.FACELAB_CACHE || false });
}

/** Two tight Gaussian clusters far apart, labelled a and b. */
function twoClusters(): { rows: number[][]; labels: string[] } {
  const random = seededRandom(7);
  const rows: number[][] = [];
  const labels: string[] = [];
  for (let i = 0; i < 40; i++) {
    const centre = i < 20 ? 0 : 10;
    rows.push([
      centre + 0.1 * normalSample(random),
      0.1 * normalSample(random),
      0.1 * normalSample(random),
    ]);
    labels.push(i < 20 ? 'a' : 'b');
  }
  return { rows, labels };
}

describe('pca', () => {
  it('finds the axis of largest variance', () => {
    const random = seededRandom(3);
    // Variance 25 along (1, 1, 0) / sqrt(2), 1 along z, 0.01 elsewhere.
    const rows = Array.from({ length: 500 }, () => {
      const t = 5 * normalSample(random);
      return [
        t / Math.SQRT2 + 0.1 * normalSample(random),
        t / Math.SQRT2,
        normalSample(random),
      ];
    });
    const { points, explainedVariance } = pca(rows, 2);
    expect(points).toHaveLength(500);
    expect(points[0]).toHaveLength(2);
    expect(explainedVariance[0]).toBeGreaterThan(0.9);
    expect(explainedVariance[0]! + explainedVariance[1]!).toBeGreaterThan(0.99);
    // The first coordinate recovers t: its correlation with x + y is near 1.
    const first = points.map((p) => p[0]!);
    const sums = rows.map((r) => r[0]! + r[1]!);
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    const [mf, ms] = [mean(first), mean(sums)];
    let cov = 0;
    let vf = 0;
    let vs = 0;
    first.forEach((f, i) => {
      cov += (f - mf) * (sums[i]! - ms);
      vf += (f - mf) ** 2;
      vs += (sums[i]! - ms) ** 2;
    });
    expect(cov / Math.sqrt(vf * vs)).toBeGreaterThan(0.999);
  });

  it('rejects rows of unequal length', () => {
    expect(() => pca([[1, 2], [3]], 1)).toThrow(/point 1 has 1 coordinates/);
  });

  it('rejects more components than coordinates', () => {
    expect(() =>
      pca(
        [
          [1, 2],
          [3, 4],
        ],
        3,
      ),
    ).toThrow(/components must be/);
  });
});

describe('separation measures', () => {
  it('scores separated clusters near 1', () => {
    const { rows, labels } = twoClusters();
    expect(silhouetteScore(rows, labels)).toBeGreaterThan(0.95);
    expect(knnAccuracy(rows, labels, 5)).toBe(1);
  });

  it('scores shuffled labels near 0', () => {
    const { rows } = twoClusters();
    const mixed = rows.map((_, i) => (i % 2 === 0 ? 'a' : 'b'));
    expect(Math.abs(silhouetteScore(rows, mixed))).toBeLessThan(0.1);
    expect(knnAccuracy(rows, mixed, 5)).toBeLessThan(0.7);
  });

  it('rejects a label count mismatch', () => {
    const { rows, labels } = twoClusters();
    expect(() => silhouetteScore(rows, labels.slice(1))).toThrow(
      /39 labels for 40 points/,
    );
  });
});

describe('t-SNE', () => {
  it('keeps separated clusters apart', () => {
    const { rows, labels } = twoClusters();
    const layout = tsne(rows, { perplexity: 10, iterations: 1000 });
    expect(layout).toHaveLength(40);
    expect(knnAccuracy(layout, labels, 5)).toBe(1);
  });

  it('gives the same layout for the same seed', () => {
    const { rows } = twoClusters();
    const options = { perplexity: 10, iterations: 100, seed: 5 };
    expect(tsne(rows, options)).toEqual(tsne(rows, options));
  });

  it('rejects a perplexity above the point count', () => {
    const { rows } = twoClusters();
    expect(() => tsne(rows, { perplexity: 50 })).toThrow(/perplexity/);
  });
});

describe.skipIf(!folder)('projections of LFW embeddings', () => {
  let pipeline: FacePipeline;
  let small: readonly LabelledFace[];

  beforeAll(async () => {
    pipeline = await cachedPipeline();
    ({ faces: small } = await embedLfwPeople(pipeline, folder!, {
      people: 10,
      photosPerPerson: 10,
    }));
  }, 600_000);
  afterAll(() => pipeline?.dispose());

  it('gives the same UMAP layout for the same seed', () => {
    const rows = small.map((face) => face.embedding);
    const first = umap(rows, { seed: 42 });
    const second = umap(rows, { seed: 42 });
    expect(first).toHaveLength(small.length);
    expect(first[0]).toHaveLength(2);
    expect(second).toEqual(first);
  });

  it('gives another UMAP layout for another seed', () => {
    const rows = small.map((face) => face.embedding);
    expect(umap(rows, { seed: 1 })).not.toEqual(umap(rows, { seed: 2 }));
  });

  it('projects to 3-D on request', () => {
    const rows = small.map((face) => face.embedding);
    const layout = umap(rows, { components: 3 });
    expect(layout[0]).toHaveLength(3);
    expect(tsne(rows, { components: 3, iterations: 250 })[0]).toHaveLength(3);
  });

  it('makes small JPEG thumbnails', () => {
    for (const face of small) {
      expect(face.thumbnail).toMatch(/^data:image\/jpeg;base64,/);
      expect(face.thumbnail.length).toBeLessThan(4000);
    }
  });

  // 62 people with at least 20 photos each, 20 photos each: 1,240 images.
  // Embedding them takes about 3.5 to 7 minutes on 2 CPU cores (wasm) when
  // FACELAB_CACHE is empty, and t-SNE about 1 to 2 minutes.
  // Measured on that machine (wasm backend): UMAP silhouette 0.95 and 5-NN
  // accuracy 99.5%; t-SNE 0.82 and 99.6%; PCA -0.11 and 27%; the 128-d
  // embeddings themselves 0.30 and 99.5%. The floors below leave a margin.
  it('separates 62 LFW people in 2-D', async () => {
    const { faces, skipped } = await embedLfwPeople(pipeline, folder!, {
      people: 62,
      photosPerPerson: 20,
    });
    expect(faces.length + skipped.length).toBe(1240);
    expect(skipped.length).toBeLessThan(10);
    const rows = faces.map((face) => face.embedding);
    const labels = faces.map((face) => face.label);
    expect(new Set(labels).size).toBe(62);

    const umapLayout = umap(rows);
    const umapSilhouette = silhouetteScore(umapLayout, labels);
    const umapKnn = knnAccuracy(umapLayout, labels, 5);
    const tsneLayout = tsne(rows);
    const tsneSilhouette = silhouetteScore(tsneLayout, labels);
    const tsneKnn = knnAccuracy(tsneLayout, labels, 5);
    const pcaLayout = pca(rows, 2).points;
    const pcaKnn = knnAccuracy(pcaLayout, labels, 5);
    process.stderr.write(
      `62x20 LFW, ${pipeline.runtime.backend}: UMAP silhouette ${umapSilhouette.toFixed(3)}, 5-NN ${umapKnn.toFixed(3)}; ` +
        `t-SNE silhouette ${tsneSilhouette.toFixed(3)}, 5-NN ${tsneKnn.toFixed(3)}; PCA 5-NN ${pcaKnn.toFixed(3)}\n`,
    );
    expect(umapSilhouette).toBeGreaterThan(0.8);
    expect(umapKnn).toBeGreaterThan(0.95);
    expect(tsneSilhouette).toBeGreaterThan(0.6);
    expect(tsneKnn).toBeGreaterThan(0.95);
    // PCA keeps only two linear directions: far weaker, yet far above the
    // 1/62 = 1.6% of chance.
    expect(pcaKnn).toBeGreaterThan(0.15);
  }, 900_000);
});
