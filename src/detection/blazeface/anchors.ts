/**
 * Anchor centres of BlazeFace's back-camera model. Like an SSD, the network
 * predicts one score and one set of offsets per anchor, and every offset is
 * relative to its anchor's centre.
 */
import type { Point } from '../types';

/** Side, in pixels, of the square image the network takes. */
export const BLAZEFACE_INPUT_SIZE = 256;

/** One output layer of the network: a grid of cells with anchors each. */
export interface AnchorLayer {
  /** Cells per row and per column. */
  readonly gridSize: number;
  /** Anchors per cell, all at the cell's centre. */
  readonly anchorsPerCell: number;
}

/**
 * The two output layers in the order of the network's outputs: a 16x16 grid
 * (stride 16 pixels) with 2 anchors per cell, and an 8x8 grid (stride 32)
 * with 6 per cell, so 512 + 384 = 896 anchors. MediaPipe describes the same
 * layout as four anchor layers of strides 16, 32, 32 and 32 with 2 anchors
 * each, and the last three share one grid.
 */
export const BLAZEFACE_LAYERS: readonly AnchorLayer[] = [
  { gridSize: 16, anchorsPerCell: 2 },
  { gridSize: 8, anchorsPerCell: 6 },
];

/**
 * Creates the anchor centres, in input pixels, in the order of the network's
 * outputs: layer by layer, row by row, then column by column, with the
 * anchors of one cell next to each other. Every anchor has the size of the
 * whole input, so the predicted box sizes are plain input pixels.
 */
export function createAnchors(
  layers: readonly AnchorLayer[] = BLAZEFACE_LAYERS,
  inputSize: number = BLAZEFACE_INPUT_SIZE,
): Point[] {
  const anchors: Point[] = [];
  for (const { gridSize, anchorsPerCell } of layers) {
    const stride = inputSize / gridSize;
    for (let row = 0; row < gridSize; row++) {
      for (let column = 0; column < gridSize; column++) {
        const centre = { x: (column + 0.5) * stride, y: (row + 0.5) * stride };
        for (let k = 0; k < anchorsPerCell; k++) anchors.push(centre);
      }
    }
  }
  return anchors;
}
