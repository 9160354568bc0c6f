/**
 * MTCNN face detection: an image pyramid scanned by P-Net, refined by R-Net
 * on 24x24 crops and by O-Net on 48x48 crops, which also places five
 * landmarks.
 */
export {
  applyOffsets,
  type BoxOffsets,
  clipBox,
  hasArea,
  nonMaxSuppression,
  overlap,
  type OverlapMeasure,
  toSquare,
} from './boxes';
export {
  type Candidate,
  type FaceCandidate,
  type MtcnnStages,
  type MtcnnTimings,
  runMtcnnCascade,
} from './cascade';
export {
  createMtcnnDetector,
  MtcnnDetector,
  type MtcnnDetectorOptions,
} from './detector';
export {
  normalizePixels,
  ONET_INPUT_SIZE,
  type ONetOutput,
  PNET_STRIDE,
  PNET_WINDOW,
  type PNetOutput,
  RNET_INPUT_SIZE,
  type RNetOutput,
  runONet,
  runPNet,
  runRNet,
} from './networks';
export {
  DEFAULT_MTCNN_SETTINGS,
  type MtcnnNmsThresholds,
  type MtcnnOptions,
  type MtcnnSettings,
  resolveMtcnnOptions,
} from './options';
export {
  computePyramid,
  type PyramidLevel,
  type PyramidSettings,
} from './pyramid';
export {
  disposeMtcnnParams,
  loadMtcnnParams,
  type MtcnnParams,
} from './weights';
