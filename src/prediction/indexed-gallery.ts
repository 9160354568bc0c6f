/**
 * A gallery that chooses its search by size: an exact scan while it is small
 * and an HNSW index once it has more entries than `approximateAbove`.
 */
import type { Metric } from './distance';
import { ExactGallery, type GalleryEntry, type Neighbour } from './gallery';
import {
  DEFAULT_HNSW_SETTINGS,
  HnswIndex,
  type HnswSettings,
} from './hnsw-index';

/**
 * Default size above which search is approximate. NOTE: the SIMD scan of
 * 100,000 entries of 128 values took 2 to 4 ms per query on 2 cores
 * (`npm run bench`), so up to this size an exact scan stays under about
 * 10 ms and never misses the nearest entry. Above it, the HNSW graph is
 * built on the first query, which takes about a minute for 200,000 entries.
 */
export const DEFAULT_APPROXIMATE_ABOVE = 200_000;

/** Settings of an {@link IndexedGallery}. */
export interface IndexedGalleryOptions {
  /** Entries above which search uses HNSW (default {@link DEFAULT_APPROXIMATE_ABOVE}). */
  readonly approximateAbove?: number;
  readonly hnsw?: HnswSettings;
}

/**
 * An {@link ExactGallery} with an HNSW index for large sizes. The index is
 * built on the first query above the threshold and then extended with each
 * new entry; removing a label rebuilds it on the next query, which takes
 * seconds for hundreds of thousands of entries.
 */
export class IndexedGallery extends ExactGallery {
  private readonly approximateAbove: number;
  private readonly hnsw: HnswSettings;
  private readonly indexes = new Map<Metric, HnswIndex>();

  constructor(
    model: string,
    dimension: number,
    options: IndexedGalleryOptions = {},
  ) {
    super(model, dimension);
    this.approximateAbove =
      options.approximateAbove ?? DEFAULT_APPROXIMATE_ABOVE;
    if (!(this.approximateAbove >= 0)) {
      throw new RangeError(
        `approximateAbove must be zero or more entries, got ${this.approximateAbove}`,
      );
    }
    this.hnsw = options.hnsw ?? DEFAULT_HNSW_SETTINGS;
  }

  /** Whether {@link nearest} currently uses the approximate index. */
  get approximate(): boolean {
    return this.size > this.approximateAbove;
  }

  override removeLabel(label: string): number {
    const removed = super.removeLabel(label);
    // Rows after the removed ones moved, so every index is stale.
    if (removed > 0) this.indexes.clear();
    return removed;
  }

  /**
   * Finds the `k` entries nearest to a query, nearest first: exact while the
   * gallery is small, approximate with HNSW above the threshold.
   */
  override nearest(
    query: Float32Array,
    k: number,
    metric: Metric = 'l2',
  ): Neighbour[] {
    if (!this.approximate) return super.nearest(query, k, metric);
    this.checkQuery(query);
    const rows = this.entries();
    return this.indexFor(metric, rows)
      .search(query, k)
      .map((hit) => ({
        index: hit.row,
        label: rows[hit.row]!.label,
        distance: hit.distance,
      }));
  }

  /** Returns the index of a metric, adding the entries enrolled since it was last used. */
  private indexFor(metric: Metric, rows: readonly GalleryEntry[]): HnswIndex {
    let index = this.indexes.get(metric);
    if (index === undefined) {
      index = new HnswIndex(metric, this.dimension, rows.length, this.hnsw);
      this.indexes.set(metric, index);
    }
    for (let row = index.size; row < rows.length; row++) {
      index.add(rows[row]!.embedding, row);
    }
    return index;
  }
}
