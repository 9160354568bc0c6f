/**
 * Detection experiments for the notebooks: the output of every MTCNN stage
 * for one photo, and landmarks moved on purpose to show what bad alignment
 * does to the distance between two photos of one person.
 */
import type { Landmarks5, Point } from '../detection/types';
import { MtcnnDetector, type MtcnnStages } from '../detection/mtcnn';
import type { RgbImage } from '../input/image';
import { imageToTensor } from '../input/tensor';
import type { FacePipeline } from '../pipeline';

/**
 * Runs the pipeline's MTCNN detector on a whole photo, without the
 * pipeline's downscaling, and returns every stage's candidates.
 *
 * @throws Error when the pipeline uses another detector.
 */
export async function mtcnnStagesOf(
  pipeline: FacePipeline,
  image: RgbImage,
): Promise<MtcnnStages> {
  const { detector } = pipeline;
  if (!(detector instanceof MtcnnDetector)) {
    throw new Error(
      `the pipeline's detector is ${detector.name}; create it with { detector: 'mtcnn' } to see the cascade`,
    );
  }
  const tensor = imageToTensor(pipeline.runtime.tf, image);
  try {
    return await detector.detectWithStages(tensor);
  } finally {
    tensor.dispose();
  }
}

/**
 * Returns the landmarks rotated by `degrees` about their centre and moved by
 * `shift` times the distance between the eyes to the right, as a careless
 * detector might place them.
 */
export function misplaceLandmarks(
  landmarks: Landmarks5,
  degrees: number,
  shift = 0,
): Landmarks5 {
  const centre = {
    x: landmarks.reduce((sum, p) => sum + p.x, 0) / landmarks.length,
    y: landmarks.reduce((sum, p) => sum + p.y, 0) / landmarks.length,
  };
  const eyes = Math.hypot(
    landmarks[1].x - landmarks[0].x,
    landmarks[1].y - landmarks[0].y,
  );
  const angle = (degrees * Math.PI) / 180;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  return landmarks.map((p): Point => ({
    x:
      centre.x + cos * (p.x - centre.x) - sin * (p.y - centre.y) + shift * eyes,
    y: centre.y + sin * (p.x - centre.x) + cos * (p.y - centre.y),
  })) as unknown as Landmarks5;
}
