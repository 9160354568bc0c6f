import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import sharp from 'sharp';

import { MtcnnDetector } from '../src/detection/mtcnn';
import { rocCurve, type ScoredPair } from '../src/evaluation/verification';
import { loadImage } from '../src/input/decode';
import type { LoadedImage } from '../src/input/image';
import { imageToTensor } from '../src/input/tensor';
import { bandLimitsFor } from '../src/models/calibration';
import { bandOf } from '../src/output/bands';
import type { FaceResult } from '../src/output/result';
import { FacePipeline, type AnalyzedFace } from '../src/pipeline';
import { l2Distance } from '../src/prediction/distance';
import { annotateImage } from '../src/plots/annotate';
import {
  blockNetwork,
  FigureExporter,
  launchChromium,
} from '../src/plots/browser-export';
import { drawMtcnnCascade } from '../src/plots/cascade-drawing';
import { distanceMatrixFigure } from '../src/plots/distance-matrix';
import {
  drawEmbeddingStrip,
  drawFaceGrid,
  drawLandmarks68,
} from '../src/plots/drawings';
import { embeddingSpaceFigure } from '../src/plots/embedding-space';
import type { Figure, Shape } from '../src/plots/figure';
import { standaloneHtml } from '../src/plots/html';
import {
  rank1GallerySizeFigure,
  robustnessFigure,
  type RobustnessPoint,
} from '../src/plots/identification';
import {
  notebookFigureHtml,
  resendPlotly,
  showFigure,
} from '../src/plots/notebook';
import { searchTimeFigure, stageTimingsFigure } from '../src/plots/performance';
import { writeStoredResultFigures } from '../src/plots/slides/data-figures';
import { SlideFolder } from '../src/plots/slides/writer';
import {
  accuracyThresholdFigure,
  distanceHistogramFigure,
  rocFigure,
} from '../src/plots/verification';
import {
  embedLfwPeople,
  type LabelledFace,
} from '../src/projection/labelled-faces';
import { umap } from '../src/projection/umap';
import { lfwFolder, samplePhoto } from './helpers/datasets';

const folder = lfwFolder();

/** Debian's nbconvert (package jupyter-nbconvert), which exports notebooks to HTML. */
const NBCONVERT = '/usr/bin/jupyter-nbconvert';

/** Number of distinct RGBA colours in an encoded image. */
async function distinctColours(image: Buffer): Promise<number> {
  const { data } = await sharp(image)
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const colours = new Set<number>();
  for (let i = 0; i < data.length; i += 4) colours.add(data.readUInt32LE(i));
  return colours.size;
}

async function imageSize(
  image: Buffer,
): Promise<{ width?: number; height?: number; format?: string }> {
  const { width, height, format } = await sharp(image).metadata();
  return { width, height, format };
}

/** Genuine pairs within each person and impostor pairs across people. */
function scorePairs(faces: readonly LabelledFace[]): ScoredPair[] {
  const pairs: ScoredPair[] = [];
  for (let i = 0; i < faces.length; i++) {
    for (let j = i + 1; j < faces.length; j++) {
      pairs.push({
        distance: l2Distance(faces[i]!.embedding, faces[j]!.embedding),
        same: faces[i]!.label === faces[j]!.label,
        fold: 0,
      });
    }
  }
  return pairs;
}

describe('canvas drawings of sample photos', () => {
  let pipeline: FacePipeline;
  let image: LoadedImage;
  let faces: readonly AnalyzedFace[];

  beforeAll(async () => {
    pipeline = await FacePipeline.create({ cache: false, landmarks68: true });
    image = await loadImage(samplePhoto(1));
    faces = (await pipeline.analyze(image)).faces;
  });
  afterAll(() => pipeline.dispose());

  it('finds the three faces of sample 1', () => {
    expect(faces).toHaveLength(3);
  });

  it('annotates boxes, landmarks and labels', async () => {
    const { limits } = bandLimitsFor(pipeline.model);
    const results: FaceResult[] = faces.map((face, i) => ({
      ...face,
      label: `person-${i + 1}`,
      nearestLabel: `person-${i + 1}`,
      distance: 0.3,
      band: bandOf(0.3, limits),
    }));
    const png = await annotateImage(image, results, 'png');
    expect(await imageSize(png)).toMatchObject({
      width: image.width,
      height: image.height,
      format: 'png',
    });
  });

  it('draws 68 landmarks', async () => {
    const face = faces[0]!;
    expect(face.landmarks68).toHaveLength(68);
    const png = await drawLandmarks68(image, face.box, face.landmarks68!, 400);
    expect(await imageSize(png)).toMatchObject({ width: 400, height: 400 });
    expect(await distinctColours(png)).toBeGreaterThan(1000);
  });

  it('rejects landmarks of the wrong count', async () => {
    await expect(
      drawLandmarks68(image, faces[0]!.box, faces[0]!.landmarks5),
    ).rejects.toThrow(/expected 68 landmarks, got 5/);
  });

  it('draws a grid of aligned faces', async () => {
    const grid = await drawFaceGrid(
      faces.map((face, i) => ({
        image: pipeline.alignForDisplay(image, face).image,
        caption: `face ${i + 1}`,
      })),
      2,
    );
    // Two columns and two rows of 160-pixel cells, 12-pixel gaps, 24-pixel captions.
    expect(await imageSize(grid)).toMatchObject({
      width: 12 + 2 * 172,
      height: 12 + 2 * 196,
    });
    expect(await distinctColours(grid)).toBeGreaterThan(1000);
  });

  it('draws an embedding strip', async () => {
    const png = await drawEmbeddingStrip(faces[0]!.embedding, 'person-1');
    expect(await imageSize(png)).toMatchObject({ width: 1280, height: 200 });
    // 128 cells of different shades, plus text and the white background.
    expect(await distinctColours(png)).toBeGreaterThan(100);
  });

  it('draws the MTCNN cascade', async () => {
    expect(pipeline.detector).toBeInstanceOf(MtcnnDetector);
    const detector = pipeline.detector as MtcnnDetector;
    const tensor = imageToTensor(pipeline.runtime.tf, image);
    const stages = await detector.detectWithStages(tensor);
    tensor.dispose();
    expect(stages.scales.length).toBeGreaterThan(3);
    expect(stages.pnet.length).toBeGreaterThan(stages.rnet.length);
    expect(stages.onet).toHaveLength(3);
    const png = await drawMtcnnCascade(image, stages, 1280, 720);
    expect(await imageSize(png)).toMatchObject({ width: 1280, height: 720 });
    expect(await distinctColours(png)).toBeGreaterThan(1000);
  });
});

describe('chart functions', () => {
  it('rejects empty data', () => {
    const limits = bandLimitsFor('none').limits;
    expect(() => distanceHistogramFigure([], limits)).toThrow(
      /no scored pairs/,
    );
    expect(() => rank1GallerySizeFigure([])).toThrow(/no gallery sizes/);
    expect(() => robustnessFigure([])).toThrow(/no robustness points/);
    expect(() => stageTimingsFigure([])).toThrow(/no stage timings/);
    expect(() => searchTimeFigure([])).toThrow(/no search timings/);
    expect(() => embeddingSpaceFigure([], 'x')).toThrow(/no faces/);
  });

  it('sorts rank-1 points by gallery size', () => {
    const figure = rank1GallerySizeFigure([
      { gallerySize: 100, rank1: 0.9, probes: 100 },
      { gallerySize: 10, rank1: 0.99, probes: 10 },
    ]);
    expect(figure.data[0]!.x).toEqual([10, 100]);
    expect(figure.layout.xaxis).toMatchObject({ type: 'log' });
  });

  it('draws one robustness line per degradation', () => {
    const points: RobustnessPoint[] = [
      {
        kind: 'blur',
        severity: 2,
        label: 'sigma 2',
        accuracy: 0.8,
        meanGenuineDistance: 0.4,
      },
      {
        kind: 'blur',
        severity: 0,
        label: 'none',
        accuracy: 0.95,
        meanGenuineDistance: 0.3,
      },
      {
        kind: 'jpeg',
        severity: 1,
        label: 'quality 10',
        accuracy: 0.9,
        meanGenuineDistance: 0.35,
      },
    ];
    const figure = robustnessFigure(points);
    expect(figure.data.map((trace) => trace.name)).toEqual(['blur', 'jpeg']);
    expect(figure.data[0]!.x).toEqual([0, 1]);
    expect(figure.data[0]!.text).toEqual(['', 'sigma 2']);
  });

  it('draws exact and HNSW search lines on log axes', () => {
    const figure = searchTimeFigure([
      { method: 'exact', gallerySize: 1000, msPerQuery: 1, recallAt1: 1 },
      { method: 'hnsw', gallerySize: 1000, msPerQuery: 0.1, recallAt1: 0.98 },
    ]);
    expect(figure.data).toHaveLength(2);
    expect(figure.layout.yaxis).toMatchObject({ type: 'log' });
  });

  it('rejects mixed 2-D and 3-D positions', () => {
    expect(() =>
      embeddingSpaceFigure(
        [
          { label: 'a', position: [0, 0], thumbnail: '' },
          { label: 'b', position: [0, 0, 0], thumbnail: '' },
        ],
        'mixed',
      ),
    ).toThrow(/same number of coordinates/);
  });

  it('sends plotly.js once per notebook', () => {
    const figure = stageTimingsFigure([{ stage: 'detect', seconds: 1 }]);
    const first = notebookFigureHtml(figure);
    const second = notebookFigureHtml(figure);
    expect(first).toContain('plotly.js v');
    expect(first.length).toBeGreaterThan(1_000_000);
    expect(second).not.toContain('plotly.js v');
    expect(second.length).toBeLessThan(10_000);
  });

  it('names tslab when showFigure runs outside a notebook', () => {
    const figure = stageTimingsFigure([{ stage: 'detect', seconds: 1 }]);
    expect(() => showFigure(figure)).toThrow(/tslab/);
  });
});

describe('stored result figures', () => {
  let exporter: FigureExporter;
  let work: string;

  beforeAll(async () => {
    exporter = await FigureExporter.launch();
    work = mkdtempSync(join(tmpdir(), 'facelab-figures-'));
  });
  afterAll(async () => exporter?.close());

  it('skips figures whose data is missing', async () => {
    const slides = new SlideFolder(join(work, 'missing'), exporter);
    await slides.create();
    await writeStoredResultFigures(
      slides,
      join(work, 'no-eval-identify.json'),
      join(work, 'no-benchmarks.json'),
    );
    expect(slides.written).toEqual([]);
    expect(slides.skipped.map((skip) => skip.file)).toEqual([
      'rank1-gallery-size.png',
      'robustness.png',
      'search-time.png',
    ]);
    expect(slides.skipped[0]!.reason).toMatch(/facelab eval identify/);
    expect(slides.skipped[2]!.reason).toMatch(/npm run bench/);
  });

  it('writes figures from result files', async () => {
    const identify = join(work, 'eval-identify.json');
    writeFileSync(
      identify,
      JSON.stringify({
        gallerySize: [
          { gallerySize: 10, rank1: 0.98, probes: 10 },
          { gallerySize: 100, rank1: 0.95, probes: 100 },
        ],
      }),
    );
    const slides = new SlideFolder(join(work, 'written'), exporter);
    await slides.create();
    await writeStoredResultFigures(slides, identify, join(work, 'none.json'));
    expect(slides.written).toEqual(['rank1-gallery-size.png']);
    expect(slides.skipped.map((skip) => skip.file)).toEqual([
      'robustness.png',
      'search-time.png',
    ]);
  });

  it('names the file holding invalid JSON', async () => {
    const broken = join(work, 'broken.json');
    writeFileSync(broken, '{"gallerySize": [');
    const slides = new SlideFolder(join(work, 'broken'), exporter);
    await expect(
      writeStoredResultFigures(slides, broken, join(work, 'none.json')),
    ).rejects.toThrow(/invalid JSON in .*broken\.json/);
  });
});

describe.skipIf(!folder)('figures from LFW embeddings', () => {
  let pipeline: FacePipeline;
  let faces: readonly LabelledFace[];
  let pairs: ScoredPair[];
  let figures: Record<string, Figure>;
  let exporter: FigureExporter;

  beforeAll(async () => {
    pipeline = await FacePipeline.create({
      cache: process.env.FACELAB_CACHE || false,
    });
    ({ faces } = await embedLfwPeople(pipeline, folder!, {
      people: 6,
      photosPerPerson: 6,
    }));
    pairs = scorePairs(faces);
    const { limits } = bandLimitsFor(pipeline.model);
    const layout = umap(
      faces.map((face) => face.embedding),
      { neighbors: 5 },
    );
    figures = {
      histogram: distanceHistogramFigure(pairs, limits),
      accuracy: accuracyThresholdFigure(pairs, limits),
      roc: rocFigure(rocCurve(pairs)),
      matrix: distanceMatrixFigure(
        faces.slice(0, 8).map((face, i) => `${face.label} ${i}`),
        faces.slice(0, 8).map((face) => face.embedding),
      ),
      projection: embeddingSpaceFigure(
        faces.map((face, i) => ({
          label: face.label,
          position: layout[i]!,
          thumbnail: face.thumbnail,
        })),
        'UMAP of 6 LFW people',
      ),
      rank1: rank1GallerySizeFigure([
        { gallerySize: 6, rank1: 1, probes: 6 },
        { gallerySize: 3, rank1: 1, probes: 3 },
      ]),
      timings: stageTimingsFigure([
        { stage: 'detect', seconds: 0.5 },
        { stage: 'embed', seconds: 0.1 },
      ]),
    };
    exporter = await FigureExporter.launch();
  }, 600_000);
  afterAll(async () => {
    pipeline?.dispose();
    await exporter?.close();
  });

  it('splits pairs into genuine and impostor histograms', () => {
    const genuine = pairs.filter((pair) => pair.same).length;
    const [first, second] = figures.histogram!.data;
    expect(first!.x).toHaveLength(genuine);
    expect(second!.x).toHaveLength(pairs.length - genuine);
  });

  it('marks the threshold on the histogram', () => {
    const { limits } = bandLimitsFor(pipeline.model);
    const lines = (figures.histogram!.layout.shapes ?? []).filter(
      (shape: Shape) => shape.type === 'line',
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]!.x0).toBe(limits.threshold);
    // Four band rectangles behind the bars.
    expect(figures.histogram!.layout.shapes).toHaveLength(5);
  });

  it('peaks accuracy well above chance', () => {
    const accuracies = figures.accuracy!.data[0]!.y as number[];
    expect(Math.max(...accuracies)).toBeGreaterThan(0.9);
  });

  it('builds a symmetric distance matrix', () => {
    const z = figures.matrix!.data[0]!.z as number[][];
    expect(z).toHaveLength(8);
    for (let i = 0; i < 8; i++) {
      expect(z[i]![i]).toBeCloseTo(0, 6);
      for (let j = 0; j < 8; j++) expect(z[i]![j]).toBeCloseTo(z[j]![i]!, 9);
    }
  });

  it('puts thumbnails in the projection', () => {
    const customdata = figures.projection!.data.flatMap(
      (trace) => trace.customdata ?? [],
    );
    expect(customdata).toHaveLength(faces.length);
    expect(customdata[0]).toMatch(/^data:image\/jpeg;base64,/);
    expect(figures.projection!.data).toHaveLength(6);
  });

  it('exports PNGs of the requested size', async () => {
    for (const [name, figure] of Object.entries(figures)) {
      const png = await exporter.render(figure, {
        format: 'png',
        width: 800,
        height: 450,
      });
      expect({ name, ...(await imageSize(png)) }).toEqual({
        name,
        width: 800,
        height: 450,
        format: 'png',
      });
      // A blank or failed plot has one or two colours; a chart has many.
      expect(await distinctColours(png), name).toBeGreaterThan(50);
    }
  });

  it('exports slide-sized PNGs', async () => {
    const png = await exporter.render(figures.roc!, { format: 'png' });
    expect(await imageSize(png)).toMatchObject({ width: 1280, height: 720 });
  });

  it('exports SVG', async () => {
    const svg = (
      await exporter.render(figures.histogram!, {
        format: 'svg',
        width: 640,
        height: 480,
      })
    ).toString('utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('width="640"');
    expect(svg).toContain('genuine (same person)');
  });

  it('exports a 3-D projection', async () => {
    const layout = umap(
      faces.map((face) => face.embedding),
      { neighbors: 5, components: 3 },
    );
    const figure = embeddingSpaceFigure(
      faces.map((face, i) => ({
        label: face.label,
        position: layout[i]!,
        thumbnail: face.thumbnail,
      })),
      '3-D UMAP of 6 LFW people',
    );
    expect(figure.data[0]!.type).toBe('scatter3d');
    // Plotly draws 3-D plots with WebGL, which headless Chromium runs in software.
    const png = await exporter.render(figure, {
      format: 'png',
      width: 640,
      height: 480,
    });
    expect(await imageSize(png)).toMatchObject({ width: 640, height: 480 });
    expect(await distinctColours(png)).toBeGreaterThan(50);
  });

  it('rejects a zero width', async () => {
    await expect(
      exporter.render(figures.roc!, { format: 'png', width: 0 }),
    ).rejects.toThrow(/width must be an integer/);
  });

  it.skipIf(!existsSync(NBCONVERT))(
    'exports a notebook offline under 6 MB',
    async () => {
      // A notebook whose five cells each displayed one figure, as showFigure does.
      resendPlotly();
      const shown = [
        figures.histogram!,
        figures.roc!,
        figures.projection!,
        figures.matrix!,
        figures.timings!,
      ];
      const cells = shown.map((figure, i) => ({
        cell_type: 'code',
        execution_count: i + 1,
        id: `cell-${i + 1}`,
        metadata: {},
        source: [`showFigure(figures[${i}]);`],
        outputs: [
          {
            output_type: 'display_data',
            metadata: {},
            data: { 'text/html': notebookFigureHtml(figure) },
          },
        ],
      }));
      const work = mkdtempSync(join(tmpdir(), 'facelab-notebook-'));
      const notebook = join(work, 'figures.ipynb');
      writeFileSync(
        notebook,
        JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells }),
      );
      execFileSync(NBCONVERT, ['--to', 'html', notebook], { stdio: 'pipe' });
      const exported = join(work, 'figures.html');
      expect(readFileSync(exported).length).toBeLessThan(6 * 1024 * 1024);

      const browser = await launchChromium();
      try {
        const page = await browser.newPage();
        const blocked = await blockNetwork(page);
        await page.goto(`file://${exported}`);
        await page.waitForFunction(
          "document.querySelectorAll('.js-plotly-plot').length === 5 && " +
            "document.querySelectorAll('.js-plotly-plot .main-svg').length >= 5",
          undefined,
          { timeout: 60_000 },
        );
        expect(blocked).toEqual([]);
      } finally {
        await browser.close();
      }
    },
  );

  it('renders five figures offline under 6 MB', async () => {
    const html = standaloneHtml([
      figures.histogram!,
      figures.roc!,
      figures.projection!,
      figures.matrix!,
      figures.timings!,
    ]);
    const bytes = Buffer.byteLength(html);
    expect(bytes).toBeLessThan(6 * 1024 * 1024);
    expect(html).not.toMatch(/<script[^>]+src=/);

    const work = mkdtempSync(join(tmpdir(), 'facelab-html-'));
    const path = join(work, 'figures.html');
    writeFileSync(path, html);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const blocked = await blockNetwork(page);
      const requests: string[] = [];
      page.on('request', (request) => requests.push(request.url()));
      await page.goto(`file://${path}`);
      // Browser code runs as strings: the project compiles without DOM types.
      await page.waitForFunction(
        "document.querySelectorAll('.js-plotly-plot .main-svg').length >= 5",
        undefined,
        { timeout: 60_000 },
      );
      expect(
        await page.evaluate<number>(
          "document.querySelectorAll('.js-plotly-plot').length",
        ),
      ).toBe(5);

      // Moving the mouse onto a projection point shows its thumbnail.
      await page
        .locator('.js-plotly-plot')
        .nth(2)
        .locator('.scatterlayer .point')
        .first()
        .hover({ force: true });
      await page.waitForSelector('#facelab-hover-image', { state: 'visible' });
      const thumbnail = await page.evaluate<string>(
        "document.getElementById('facelab-hover-image').src",
      );
      expect(thumbnail).toMatch(/^data:image\/jpeg;base64,/);

      expect(blocked).toEqual([]);
      expect(
        requests.filter(
          (url) => !url.startsWith('file:') && !url.startsWith('data:'),
        ),
      ).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
