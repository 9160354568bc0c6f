/**
 * BlazeFace face detection: one pass of MediaPipe's SSD-like network over
 * the image scaled to 256x256, which scores 896 anchors and predicts a box
 * and six key points for each.
 */
export {
  type AnchorLayer,
  BLAZEFACE_INPUT_SIZE,
  BLAZEFACE_LAYERS,
  createAnchors,
} from './anchors';
export {
  type BlazeFaceCandidate,
  type BlazeFaceKeypoints,
  decodeCandidates,
  KEYPOINT_COUNT,
  REGRESSORS_PER_ANCHOR,
} from './decode';
export { BlazeFaceDetector, createBlazeFaceDetector } from './detector';
export { landmarks5FromKeypoints, MOUTH_TO_EYE_WIDTH } from './landmarks';
export {
  BLAZEFACE_IOU_THRESHOLD,
  BLAZEFACE_MAX_FACES,
  BLAZEFACE_SCORE_THRESHOLD,
  type BlazeFaceOptions,
  type BlazeFaceSettings,
  resolveBlazeFaceOptions,
} from './options';
