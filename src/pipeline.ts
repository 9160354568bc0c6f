/**
 * The recognition pipeline: input, detection, alignment and conversion, with
 * the embedding cache in front. Prediction and output build on its results
 * (see `recognizer.ts`).
 */
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

import { alignFace, type AlignedFace } from './alignment/align';
import { createTemplate } from './alignment/template';
import { loadRuntime, type BackendName, type Runtime } from './backend/backend';
import { defaultCacheFolder, EmbeddingCache } from './embedding/cache';
import {
  createEmbedder,
  DEFAULT_EMBEDDER,
  isEmbedderName,
} from './embedding/factory';
import { FlipAveragingEmbedder } from './embedding/flip-average';
import type { FaceEmbedder } from './embedding/types';
import { detectFaces, DEFAULT_DETECTION_MAX_SIDE } from './detection/detect';
import { createDetector, type DetectorName } from './detection/factory';
import type { DetectedFace, FaceDetector, Landmarks5 } from './detection/types';
import { Landmarks68Estimator } from './detection/landmarks68';
import { loadImage } from './input/decode';
import { imageToTensor } from './input/tensor';
import type { LoadedImage, RgbImage } from './input/image';

/** Settings of a {@link FacePipeline}. */
export interface PipelineOptions {
  /** Face detector (default `mtcnn`). */
  detector?: DetectorName;
  /**
   * Embedder: a name from `EMBEDDER_NAMES` or the path of a JSON model
   * manifest (default `faceapi`).
   */
  embedder?: string;
  /** Maximum longest side, in pixels, of the copy passed to the detector (default 1280). */
  detectionMaxSide?: number;
  /** Cache folder, or false to disable caching (default {@link defaultCacheFolder}). */
  cache?: string | false;
  /** Backend to require instead of choosing the fastest available one. */
  backend?: BackendName;
  /**
   * Also estimate the 68-point landmarks for detectors that give only five
   * (MTCNN). SSD and Tiny always have them, since their five points come
   * from the 68.
   */
  landmarks68?: boolean;
  /**
   * Average each face's embedding with that of its mirror image (two
   * forward passes per face). On LFW View 1 this raised verification
   * accuracy; see docs/accuracy.md.
   */
  flipAverage?: boolean;
}

/** A detected face with its embedding. */
export interface AnalyzedFace extends DetectedFace {
  /** Unit-length embedding from the pipeline's embedder. */
  readonly embedding: Float32Array;
}

/** Seconds spent in each stage for one image; zero for stages a cache hit skipped. */
export interface StageTimings {
  decode: number;
  detect: number;
  align: number;
  embed: number;
}

/** Everything the pipeline found in one image. */
export interface ImageAnalysis {
  readonly source: string;
  readonly width: number;
  readonly height: number;
  /** Faces, best detection first; empty when the image shows no face. */
  readonly faces: readonly AnalyzedFace[];
  /** Whether the faces came from the embedding cache. */
  readonly cached: boolean;
  readonly timings: StageTimings;
}

function seconds(since: number): number {
  return (performance.now() - since) / 1000;
}

/** Detection, alignment and embedding of faces in images, with a cache. */
export class FacePipeline {
  private readonly cache: EmbeddingCache | undefined;
  private readonly displayTemplate = createTemplate();

  private constructor(
    readonly runtime: Runtime,
    readonly detector: FaceDetector,
    readonly embedder: FaceEmbedder,
    private readonly embedderChoice: string,
    private readonly detectionMaxSide: number,
    private readonly landmarks68: Landmarks68Estimator | undefined,
    private readonly cacheFolder: string | false,
    private readonly flipAverage: boolean,
  ) {
    // The key is only present when set, so that entries cached without it
    // stay valid.
    const signature = JSON.stringify({
      detector: detector.name,
      detectionMaxSide,
      embedder: embedder.id,
      landmarks68: landmarks68 !== undefined,
      ...(flipAverage && { flipAverage }),
    });
    this.cache =
      cacheFolder === false
        ? undefined
        : new EmbeddingCache(cacheFolder, signature);
  }

  /** Loads the backend and the models; validates the options. */
  static async create(options: PipelineOptions = {}): Promise<FacePipeline> {
    const detectionMaxSide =
      options.detectionMaxSide ?? DEFAULT_DETECTION_MAX_SIDE;
    if (!(Number.isInteger(detectionMaxSide) && detectionMaxSide >= 64)) {
      throw new RangeError(
        `detectionMaxSide must be an integer of at least 64 pixels, got ${detectionMaxSide}`,
      );
    }
    const runtime = await loadRuntime(options.backend);
    const detector = await createDetector(runtime, options.detector ?? 'mtcnn');
    const requested = options.embedder ?? DEFAULT_EMBEDDER;
    let baseEmbedder: FaceEmbedder;
    try {
      baseEmbedder = await createEmbedder(runtime, requested);
    } catch (error) {
      detector.dispose();
      throw error;
    }
    const embedder = options.flipAverage
      ? new FlipAveragingEmbedder(baseEmbedder)
      : baseEmbedder;
    const landmarks68 =
      options.landmarks68 && detector.name === 'mtcnn'
        ? await Landmarks68Estimator.load(runtime.tf, runtime.faceapi)
        : undefined;
    return new FacePipeline(
      runtime,
      detector,
      embedder,
      // A manifest path is made absolute, so that `options` rebuilds the
      // same pipeline from another working folder.
      isEmbedderName(requested) ? requested : resolve(requested),
      detectionMaxSide,
      landmarks68,
      options.cache ?? defaultCacheFolder(),
      options.flipAverage === true,
    );
  }

  /**
   * Returns the options that rebuild this pipeline elsewhere, for example in
   * a worker thread, with the backend that actually runs.
   */
  get options(): PipelineOptions {
    return {
      detector: this.detector.name as DetectorName,
      embedder: this.embedderChoice,
      detectionMaxSide: this.detectionMaxSide,
      cache: this.cacheFolder,
      backend: this.runtime.backend,
      landmarks68: this.landmarks68 !== undefined,
      flipAverage: this.flipAverage,
    };
  }

  /** Identifies the configuration in gallery files: embeddings of another one are not comparable. */
  get model(): string {
    return this.embedder.id;
  }

  /** Reads, detects and embeds every face in an image file. */
  async analyzeFile(path: string): Promise<ImageAnalysis> {
    const start = performance.now();
    const image = await loadImage(path);
    const decode = seconds(start);
    const analysis = await this.analyze(image);
    analysis.timings.decode = decode;
    return analysis;
  }

  /** Detects and embeds every face in a decoded image. */
  async analyze(
    image: LoadedImage,
  ): Promise<ImageAnalysis & { timings: StageTimings }> {
    const timings: StageTimings = { decode: 0, detect: 0, align: 0, embed: 0 };
    const base = {
      source: image.source,
      width: image.width,
      height: image.height,
      timings,
    };
    const hit = await this.cache?.get(image.contentHash);
    if (hit !== undefined) return { ...base, faces: hit, cached: true };

    let since = performance.now();
    let detected = await detectFaces(this.runtime.tf, this.detector, image, {
      maxSide: this.detectionMaxSide,
    });
    if (this.landmarks68 !== undefined && detected.length > 0) {
      detected = await this.addLandmarks68(image, detected);
    }
    timings.detect = seconds(since);

    since = performance.now();
    const aligned = detected.map(
      (face) => alignFace(image, face.landmarks5, this.embedder.template).image,
    );
    timings.align = seconds(since);

    since = performance.now();
    const embeddings = await this.embedder.embed(aligned);
    timings.embed = seconds(since);

    const faces = detected.map((face, i) => ({
      ...face,
      embedding: embeddings[i]!,
    }));
    await this.cache?.set(image.contentHash, faces);
    return { ...base, faces, cached: false };
  }

  private async addLandmarks68(
    image: RgbImage,
    faces: DetectedFace[],
  ): Promise<DetectedFace[]> {
    const tensor = imageToTensor(this.runtime.tf, image);
    try {
      const points = await this.landmarks68!.estimate(
        tensor,
        faces.map((face) => face.box),
      );
      return faces.map((face, i) => {
        const landmarks68 = points[i];
        return landmarks68 === undefined ? face : { ...face, landmarks68 };
      });
    } finally {
      tensor.dispose();
    }
  }

  /** Aligns a face to the consistent 160x160 view used in figures and notebooks. */
  alignForDisplay(image: RgbImage, face: DetectedFace): AlignedFace {
    return alignFace(image, face.landmarks5, this.displayTemplate);
  }

  /**
   * Embeds the face at given landmarks without detecting, for example at a
   * data set's known face position when the detector finds nothing.
   */
  async embedAt(
    image: RgbImage,
    landmarks5: Landmarks5,
  ): Promise<Float32Array> {
    const aligned = alignFace(image, landmarks5, this.embedder.template);
    const [embedding] = await this.embedder.embed([aligned.image]);
    return embedding!;
  }

  /** Releases every model. */
  dispose(): void {
    this.detector.dispose();
    this.embedder.dispose();
    this.landmarks68?.dispose();
  }
}
