/**
 * Approximate nearest-neighbour search with HNSW (hierarchical navigable
 * small-world graphs, Malkov and Yashunin 2016) from `hnswlib-node`, the
 * Node.js binding of the C++ hnswlib. Search cost grows roughly with the
 * logarithm of the number of vectors, where an exact scan grows linearly.
 */
import { HierarchicalNSW } from 'hnswlib-node';

import type { Metric } from './distance';

/** Build and search settings of an {@link HnswIndex}. */
export interface HnswSettings {
  /** Graph links per node (hnswlib's `M`); more links, better recall, more memory. */
  readonly links: number;
  /** Candidate list size while inserting (hnswlib's `efConstruction`). */
  readonly efConstruction: number;
  /** Candidate list size while searching (hnswlib's `ef`); raised to `k` when smaller. */
  readonly efSearch: number;
}

/**
 * Default settings. NOTE: `efConstruction` is kept low because hnswlib-node
 * inserts on one thread. In a trial with 30,000 clustered 128-d vectors on 2
 * shared cores, M 16 with efConstruction 100 inserted about 750 vectors per
 * second and M 12 with efConstruction 40 about 2,800. The recall these
 * settings give depends on the data; `npm run bench` reports it.
 */
export const DEFAULT_HNSW_SETTINGS: HnswSettings = {
  links: 12,
  efConstruction: 40,
  efSearch: 64,
};

/** Seed of hnswlib's level generator, so that builds are repeatable. */
const RANDOM_SEED = 100;

/** One search hit: the row number given at insertion and its distance. */
export interface HnswHit {
  readonly row: number;
  readonly distance: number;
}

/** An HNSW graph over vectors identified by row numbers. */
export class HnswIndex {
  private readonly index: HierarchicalNSW;
  private capacity: number;
  /** Candidate list size of later searches; see {@link HnswSettings.efSearch}. */
  efSearch: number;

  /**
   * @param metric - `l2` (Euclidean) or `cosine` (1 - cos), as in `distance.ts`.
   * @param dimension - Length of every vector.
   * @param capacity - Rows to reserve; the index grows when more are added.
   * @param loaded - A graph read from a file by {@link HnswIndex.read}.
   */
  constructor(
    readonly metric: Metric,
    readonly dimension: number,
    capacity: number,
    settings: HnswSettings = DEFAULT_HNSW_SETTINGS,
    loaded?: HierarchicalNSW,
  ) {
    this.efSearch = settings.efSearch;
    if (loaded !== undefined) {
      this.index = loaded;
      this.capacity = loaded.getMaxElements();
      return;
    }
    this.capacity = Math.max(capacity, 16);
    this.index = new HierarchicalNSW(metric, dimension);
    this.index.initIndex(
      this.capacity,
      settings.links,
      settings.efConstruction,
      RANDOM_SEED,
    );
  }

  /**
   * Reads a graph written by {@link write}. Loading takes seconds where
   * building a million-vector graph takes minutes.
   */
  static async read(
    path: string,
    metric: Metric,
    dimension: number,
    settings: HnswSettings = DEFAULT_HNSW_SETTINGS,
  ): Promise<HnswIndex> {
    const index = new HierarchicalNSW(metric, dimension);
    await index.readIndex(path);
    return new HnswIndex(metric, dimension, 0, settings, index);
  }

  /** Writes the graph to a file for {@link HnswIndex.read}. */
  async write(path: string): Promise<void> {
    await this.index.writeIndex(path);
  }

  /** Number of vectors in the graph. */
  get size(): number {
    return this.index.getCurrentCount();
  }

  /** Inserts a vector under a row number, growing the index when it is full. */
  add(vector: Float32Array, row: number): void {
    if (this.size >= this.capacity) {
      this.capacity *= 2;
      this.index.resizeIndex(this.capacity);
    }
    this.index.addPoint(Array.from(vector), row);
  }

  /** Returns the `k` nearest rows, nearest first, with distances in the metric's units. */
  search(query: Float32Array, k: number): HnswHit[] {
    const count = Math.min(k, this.size);
    if (count === 0) return [];
    this.index.setEf(Math.max(this.efSearch, count));
    const { neighbors, distances } = this.index.searchKnn(
      Array.from(query),
      count,
    );
    // hnswlib's l2 space returns squared distances.
    return neighbors.map((row, i) => ({
      row,
      distance: this.metric === 'l2' ? Math.sqrt(distances[i]!) : distances[i]!,
    }));
  }
}
