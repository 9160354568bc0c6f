/**
 * Slide figures drawn from the group photos that `@vladmandic/face-api`
 * ships, so they need no data set: the pipeline stages on one photo, the
 * MTCNN cascade, 68 landmarks, aligned faces, one embedding, a distance
 * matrix, and the time of each stage.
 */
import { cpus } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

import sharp from 'sharp';

import { MtcnnDetector } from '../../detection/mtcnn';
import { loadImage } from '../../input/decode';
import {
  createRgbImage,
  type LoadedImage,
  type RgbImage,
} from '../../input/image';
import { imageToTensor } from '../../input/tensor';
import { bandLimitsFor } from '../../models/calibration';
import { faceApiSampleFolder } from '../../models/paths';
import { UNKNOWN } from '../../output/result';
import type { AnalyzedFace, FacePipeline, StageTimings } from '../../pipeline';
import { Gallery } from '../../prediction/gallery';
import { Recognizer } from '../../recognizer';
import { annotateImage } from '../annotate';
import { drawMtcnnCascade } from '../cascade-drawing';
import { distanceMatrixFigure } from '../distance-matrix';
import { drawEmbeddingStrip, drawFaceGrid, drawLandmarks68 } from '../drawings';
import { stageTimingsFigure } from '../performance';
import type { SlideFolder } from './writer';

/** Number of sample photos `@vladmandic/face-api` ships. */
const SAMPLE_COUNT = 6;
/** Photo whose people are enrolled, one face each, named left to right. */
const ENROLL_SAMPLE = 1;
/** Photo drawn in `stages.png`: it shows confident, likely and unknown faces. */
const STAGES_SAMPLE = 3;
/** Longest side in pixels of the photo that the cascade figure runs MTCNN on. */
const CASCADE_SIDE = 960;

/** One analysed sample photo. */
interface SamplePhoto {
  readonly index: number;
  readonly image: LoadedImage;
  /** Faces sorted left to right. */
  readonly faces: readonly AnalyzedFace[];
  readonly timings: StageTimings;
}

async function analyzeSamples(pipeline: FacePipeline): Promise<SamplePhoto[]> {
  const photos: SamplePhoto[] = [];
  for (let index = 1; index <= SAMPLE_COUNT; index++) {
    const start = performance.now();
    const image = await loadImage(
      join(faceApiSampleFolder(), `sample${index}.jpg`),
    );
    const decode = (performance.now() - start) / 1000;
    const analysis = await pipeline.analyze(image);
    photos.push({
      index,
      image,
      faces: [...analysis.faces].sort((a, b) => a.box.x - b.box.x),
      timings: { ...analysis.timings, decode },
    });
  }
  return photos;
}

async function shrink(image: RgbImage, side: number): Promise<RgbImage> {
  const scale = Math.min(1, side / Math.max(image.width, image.height));
  const width = Math.round(image.width * scale);
  const height = Math.round(image.height * scale);
  const data = await sharp(Buffer.from(image.data), {
    raw: { width: image.width, height: image.height, channels: 3 },
  })
    .resize(width, height)
    .raw()
    .toBuffer();
  return createRgbImage(new Uint8Array(data), width, height, image.source);
}

async function writeCascade(
  slides: SlideFolder,
  pipeline: FacePipeline,
  photo: SamplePhoto,
): Promise<void> {
  const file = 'mtcnn-cascade.png';
  if (!(pipeline.detector instanceof MtcnnDetector)) {
    slides.skip(
      file,
      `the pipeline's detector is ${pipeline.detector.name}, not mtcnn`,
    );
    return;
  }
  const image = await shrink(photo.image, CASCADE_SIDE);
  const tensor = imageToTensor(pipeline.runtime.tf, image);
  try {
    const stages = await pipeline.detector.detectWithStages(tensor);
    await slides.writeDrawing(file, await drawMtcnnCascade(image, stages));
  } finally {
    tensor.dispose();
  }
}

async function writeLandmarks68(
  slides: SlideFolder,
  landmarkPipeline: FacePipeline,
  photo: SamplePhoto,
): Promise<void> {
  const file = 'landmarks68.png';
  const analysis = await landmarkPipeline.analyze(photo.image);
  const face = analysis.faces.find((f) => f.landmarks68 !== undefined);
  if (face === undefined) {
    slides.skip(file, `no face with 68 landmarks in ${photo.image.source}`);
    return;
  }
  await slides.writeDrawing(
    file,
    await drawLandmarks68(photo.image, face.box, face.landmarks68!),
  );
}

function meanTimings(photos: readonly SamplePhoto[]): StageTimings {
  const stages: (keyof StageTimings)[] = ['decode', 'detect', 'align', 'embed'];
  const mean = { decode: 0, detect: 0, align: 0, embed: 0 };
  for (const stage of stages)
    mean[stage] =
      photos.reduce((sum, photo) => sum + photo.timings[stage], 0) /
      photos.length;
  return mean;
}

/**
 * Writes `stages.png`, `mtcnn-cascade.png`, `landmarks68.png`,
 * `aligned-faces.png`, `embedding-strip.png`, `distance-matrix.png` and
 * `stage-timings.png`. `pipeline` must run without a cache, so that the
 * stage times are real; `landmarkPipeline` must estimate 68 landmarks.
 */
export async function writeSampleFigures(
  slides: SlideFolder,
  pipeline: FacePipeline,
  landmarkPipeline: FacePipeline,
): Promise<void> {
  const photos = await analyzeSamples(pipeline);
  const enrolled = photos[ENROLL_SAMPLE - 1]!;
  const { limits } = bandLimitsFor(pipeline.model);
  const gallery = new Gallery(pipeline.model, pipeline.embedder.dimension);
  enrolled.faces.forEach((face, i) =>
    gallery.add(`person-${i + 1}`, face.embedding, enrolled.image.source),
  );
  const recognizer = new Recognizer(gallery, { limits, metric: 'l2' });

  const annotated = photos[STAGES_SAMPLE - 1]!;
  await slides.writeDrawing(
    'stages.png',
    await annotateImage(
      annotated.image,
      recognizer.identifyAll(annotated.faces),
      'png',
    ),
    // A full photo in PNG: 1024 pixels keeps the file near 300 KB.
    1024,
  );
  await writeCascade(slides, pipeline, enrolled);
  await writeLandmarks68(slides, landmarkPipeline, enrolled);

  const everyFace = photos.flatMap((photo) =>
    photo.faces.map((face, i) => {
      const label = recognizer.identify(face).label;
      const name = `s${photo.index}#${i + 1}`;
      return {
        photo,
        face,
        caption: label === UNKNOWN ? name : `${name} ${label}`,
      };
    }),
  );
  await slides.writeDrawing(
    'aligned-faces.png',
    await drawFaceGrid(
      everyFace.map(({ photo, face, caption }) => ({
        image: pipeline.alignForDisplay(photo.image, face).image,
        caption,
      })),
      7,
    ),
  );
  await slides.writeDrawing(
    'embedding-strip.png',
    await drawEmbeddingStrip(
      enrolled.faces[0]!.embedding,
      `Embedding of person-1 (sample${ENROLL_SAMPLE}.jpg), model ${pipeline.model}`,
    ),
  );

  const matrixFaces = everyFace.filter(({ photo }) => photo.index <= 3);
  await slides.writePlot(
    'distance-matrix.png',
    distanceMatrixFigure(
      matrixFaces.map(({ caption }) => caption),
      matrixFaces.map(({ face }) => face.embedding),
    ),
  );

  const mean = meanTimings(photos);
  await slides.writePlot(
    'stage-timings.png',
    stageTimingsFigure(
      (Object.keys(mean) as (keyof StageTimings)[]).map((stage) => ({
        stage,
        seconds: mean[stage],
      })),
      `mean of the ${photos.length} face-api sample photos, ` +
        `${pipeline.detector.name} detector, ${pipeline.runtime.backend} backend, ${cpus().length} CPU cores, no cache`,
    ),
  );
}
