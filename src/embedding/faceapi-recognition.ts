/**
 * face-api's recognition network: a ResNet-34 ported from dlib's
 * `dlib_face_recognition_resnet_model_v1`, 150x150 RGB input, 128-d output.
 */
import type { FaceApi, Tf } from '../backend/backend';
import { createTemplate, type AlignmentTemplate } from '../alignment/template';
import type { RgbImage } from '../input/image';
import { faceApiModelFolder } from '../models/paths';
import { normalizeL2, type FaceEmbedder } from './types';

type DescriptorInput = Parameters<
  InstanceType<FaceApi['FaceRecognitionNet']>['computeFaceDescriptor']
>[0];

/** Input side of the network, in pixels. */
export const FACEAPI_RECOGNITION_SIZE = 150;

/**
 * Framing of the aligned face for this network. A padding of -0.05 zooms in
 * slightly on the reference face, and the points move up by 0.14 of the side,
 * so more of the chin and less of the hair is visible.
 * NOTE: chosen from a grid of paddings (-0.15 to 0.3) and offsets (0 to
 * -0.17) with MTCNN landmarks. It scored 98.2% on 600 LFW View 1 training
 * pairs, where a looser crop (padding 0.2, no offset) scored 74% on 100 of
 * them. It is an estimate from one data set of grayscale faces.
 */
export const FACEAPI_RECOGNITION_FRAMING = {
  padding: -0.05,
  verticalOffset: -0.14,
};

/** Most faces sent through the network in one batch. */
const BATCH_SIZE = 16;

class FaceApiRecognitionEmbedder implements FaceEmbedder {
  readonly dimension = 128;
  readonly id: string;

  constructor(
    private readonly tf: Tf,
    private readonly net: InstanceType<FaceApi['FaceRecognitionNet']>,
    readonly template: AlignmentTemplate,
  ) {
    this.id = `faceapi-recognition-128@pad${template.padding}/${template.verticalOffset}`;
  }

  async embed(faces: readonly RgbImage[]): Promise<Float32Array[]> {
    const size = this.template.size;
    const results: Float32Array[] = [];
    for (let start = 0; start < faces.length; start += BATCH_SIZE) {
      const batch = faces.slice(start, start + BATCH_SIZE);
      for (const face of batch) {
        if (face.width !== size || face.height !== size) {
          throw new RangeError(
            `${face.source}: the recognition net needs ${size}x${size} aligned faces, got ${face.width}x${face.height}`,
          );
        }
      }
      // face-api batches an array of 3-D tensors, but not a 4-D tensor.
      const inputs = batch.map((face) =>
        this.tf.tensor3d(face.data, [size, size, 3], 'int32'),
      );
      try {
        const output = await this.net.computeFaceDescriptor(
          inputs as unknown as DescriptorInput,
        );
        const vectors = Array.isArray(output) ? output : [output];
        for (const vector of vectors)
          results.push(normalizeL2(Float32Array.from(vector)));
      } finally {
        inputs.forEach((input) => input.dispose());
      }
    }
    return results;
  }

  dispose(): void {
    this.net.dispose();
  }
}

/** Loads face-api's 128-d recognition network from the face-api package. */
export async function createFaceApiRecognitionEmbedder(
  tf: Tf,
  faceapi: FaceApi,
  framing = FACEAPI_RECOGNITION_FRAMING,
): Promise<FaceEmbedder> {
  const net = new faceapi.FaceRecognitionNet();
  await net.loadFromDisk(faceApiModelFolder());
  return new FaceApiRecognitionEmbedder(
    tf,
    net,
    createTemplate(
      FACEAPI_RECOGNITION_SIZE,
      framing.padding,
      framing.verticalOffset,
    ),
  );
}
