/**
 * UMAP (McInnes, Healy and Melville, 2018) through the `umap-js` package,
 * with a seeded random generator so a layout is the same on every run.
 */
import { UMAP } from 'umap-js';

import { seededRandom } from '../random';
import { checkRows, type Rows } from './vectors';

/** Options of {@link umap}. */
export interface UmapOptions {
  /** Output dimensions, 2 or 3 (default 2). */
  readonly components?: number;
  /** Neighbours that shape the local structure (default 15). */
  readonly neighbors?: number;
  /** Minimum distance between points in the layout (default 0.1). */
  readonly minDist?: number;
  /** Seed of every random choice umap-js makes (default 1). */
  readonly seed?: number;
}

/**
 * Lays out the rows in 2-D or 3-D with UMAP. Equal input, options and seed
 * give the same layout, because umap-js draws all its random numbers from
 * the generator it is given.
 *
 * @throws RangeError for invalid rows, components other than 2 or 3, or
 *   fewer points than `neighbors + 1`.
 */
export function umap(rows: Rows, options: UmapOptions = {}): number[][] {
  const components = options.components ?? 2;
  const neighbors = options.neighbors ?? 15;
  checkRows(rows, neighbors + 1);
  if (components !== 2 && components !== 3)
    throw new RangeError(`UMAP components must be 2 or 3, got ${components}`);
  const model = new UMAP({
    nComponents: components,
    nNeighbors: neighbors,
    minDist: options.minDist ?? 0.1,
    random: seededRandom(options.seed ?? 1),
  });
  return model.fit(rows.map((row) => Array.from(row)));
}
