/**
 * Prediction stage, part one: the gallery of known people. Embeddings are kept
 * in one contiguous `Float32Array` (row `i` is entry `i`), which keeps an
 * exact nearest-neighbour scan cache-friendly for galleries of many thousands.
 * Adding or removing people touches only their own rows and centroids: that
 * is the online learning of the talk, with no retraining of anyone else.
 */
import type { Metric } from './distance';
import { VectorRows, type ScanKind } from './vector-rows';

/** One enrolled photo of a person. */
export interface GalleryEntry {
  readonly label: string;
  readonly embedding: Float32Array;
  /** The photo the embedding came from, when known. */
  readonly source?: string;
  /** ISO 8601 time of enrollment. */
  readonly addedAt: string;
}

/** One gallery entry found near a query, with its distance. */
export interface Neighbour {
  readonly index: number;
  readonly label: string;
  readonly distance: number;
}

/** Number of photos enrolled for one label. */
export interface LabelCount {
  readonly label: string;
  readonly count: number;
}

/** Raised when an embedding does not fit the gallery. */
export class EmbeddingMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmbeddingMismatchError';
  }
}

/**
 * Known people and their embeddings, searchable by distance. Implemented by
 * {@link ExactGallery} (a full scan) and by `IndexedGallery`, which switches
 * to an approximate HNSW index for large galleries.
 */
export interface Gallery {
  /** Id of the embedder whose vectors this gallery contains. */
  readonly model: string;
  /** Length of every embedding. */
  readonly dimension: number;
  /** Number of enrolled embeddings. */
  readonly size: number;
  /** Returns every entry, in enrollment order. */
  entries(): readonly GalleryEntry[];
  /** Returns each label with its number of photos, sorted by label. */
  labels(): LabelCount[];
  /** Enrolls one embedding under a label. */
  add(
    label: string,
    embedding: Float32Array,
    source?: string,
    addedAt?: string,
  ): GalleryEntry;
  /** Removes every entry of a label and returns how many were removed. */
  removeLabel(label: string): number;
  /** Finds the `k` entries nearest to a query, nearest first. */
  nearest(query: Float32Array, k: number, metric?: Metric): Neighbour[];
  /** Returns the unit-length mean embedding of each label. */
  centroids(): Map<string, Float32Array>;
}

/** Cosine distance from a dot product and the two squared norms. */
function cosineFromDot(dot: number, normA: number, normB: number): number {
  const denominator = Math.sqrt(normA * normB);
  return denominator > 0 ? 1 - dot / denominator : 1;
}

/**
 * A gallery searched by exact scan over one contiguous `Float32Array`, with
 * WebAssembly SIMD dot products where the runtime has them.
 */
export class ExactGallery implements Gallery {
  private readonly vectors: VectorRows;
  /** Squared L2 norm of each row, so that a scan needs one dot product per row. */
  private squaredNorms: Float64Array;
  private readonly rows: GalleryEntry[] = [];
  private readonly centroidCache = new Map<string, Float32Array>();

  /**
   * @param model - Id of the embedder whose vectors this gallery holds;
   *   embeddings of different models must never be compared.
   * @param dimension - Length of every embedding.
   * @param scan - `javascript` to scan without SIMD, for comparison.
   */
  constructor(
    readonly model: string,
    readonly dimension: number,
    scan: ScanKind = 'wasm-simd',
  ) {
    if (!(Number.isInteger(dimension) && dimension > 0)) {
      throw new RangeError(
        `gallery dimension must be a positive integer, got ${dimension}`,
      );
    }
    this.vectors = new VectorRows(dimension, 64, scan);
    this.squaredNorms = new Float64Array(64);
  }

  /** The implementation that scans the embeddings. */
  get scanKind(): ScanKind {
    return this.vectors.kind;
  }

  /** Number of enrolled embeddings. */
  get size(): number {
    return this.rows.length;
  }

  /** Returns every entry, in enrollment order. */
  entries(): readonly GalleryEntry[] {
    return this.rows;
  }

  /** Returns each label with its number of photos, sorted by label. */
  labels(): LabelCount[] {
    const counts = new Map<string, number>();
    for (const row of this.rows)
      counts.set(row.label, (counts.get(row.label) ?? 0) + 1);
    return [...counts]
      .map(([label, count]) => ({ label, count }))
      .sort((a, b) => a.label.localeCompare(b.label));
  }

  /**
   * Enrolls one embedding under a label. One photo is enough (one-shot
   * enrollment); more photos of the same person make matching more robust.
   *
   * @throws {@link EmbeddingMismatchError} for a wrong length or a non-finite value.
   */
  add(
    label: string,
    embedding: Float32Array,
    source?: string,
    addedAt = new Date().toISOString(),
  ): GalleryEntry {
    const trimmed = label.trim();
    if (trimmed === '') throw new RangeError('label must not be empty');
    if (embedding.length !== this.dimension) {
      throw new EmbeddingMismatchError(
        `embedding has ${embedding.length} values but the gallery of ${this.model} expects ${this.dimension}`,
      );
    }
    if (!embedding.every(Number.isFinite)) {
      throw new EmbeddingMismatchError(
        `embedding for "${trimmed}" contains NaN or infinite values`,
      );
    }
    const stored = Float32Array.from(embedding);
    this.store(stored);
    const entry: GalleryEntry = {
      label: trimmed,
      embedding: stored,
      addedAt,
      ...(source !== undefined && { source }),
    };
    this.rows.push(entry);
    this.centroidCache.delete(trimmed);
    return entry;
  }

  /** Removes every entry of a label and returns how many were removed. */
  removeLabel(label: string): number {
    const kept = this.rows.filter((row) => row.label !== label);
    const removed = this.rows.length - kept.length;
    if (removed === 0) return 0;
    this.rows.length = 0;
    this.vectors.clear();
    for (const row of kept) {
      this.store(row.embedding);
      this.rows.push(row);
    }
    this.centroidCache.delete(label);
    return removed;
  }

  /**
   * Finds the `k` entries nearest to a query by exact search, nearest first.
   *
   * @throws {@link EmbeddingMismatchError} when the query has the wrong length.
   */
  nearest(query: Float32Array, k: number, metric: Metric = 'l2'): Neighbour[] {
    this.checkQuery(query);
    const queryNorm = this.vectors.dot(query, query);
    // One dot product per row: |q - v|^2 = |q|^2 + |v|^2 - 2 q.v, and
    // cos(q, v) = q.v / (|q| |v|), with |v|^2 stored at enrollment.
    const dots = this.vectors.dotProducts(query);
    const { squaredNorms, rows } = this;
    const best: Neighbour[] = [];
    for (let i = 0; i < rows.length; i++) {
      const dot = dots[i]!;
      const d =
        metric === 'l2'
          ? Math.sqrt(Math.max(0, queryNorm + squaredNorms[i]! - 2 * dot))
          : cosineFromDot(dot, queryNorm, squaredNorms[i]!);
      if (best.length < k || d < best[best.length - 1]!.distance) {
        const neighbour = { index: i, label: rows[i]!.label, distance: d };
        let position = best.length;
        while (position > 0 && best[position - 1]!.distance > d) position--;
        best.splice(position, 0, neighbour);
        if (best.length > k) best.pop();
      }
    }
    return best;
  }

  /**
   * Returns the mean embedding of each label, scaled to unit length. Only
   * labels that changed since the last call are recomputed.
   */
  centroids(): Map<string, Float32Array> {
    const members = new Map<string, GalleryEntry[]>();
    for (const row of this.rows) {
      const list = members.get(row.label);
      if (list) list.push(row);
      else members.set(row.label, [row]);
    }
    for (const label of [...this.centroidCache.keys()]) {
      if (!members.has(label)) this.centroidCache.delete(label);
    }
    for (const [label, rows] of members) {
      if (this.centroidCache.has(label)) continue;
      const mean = new Float32Array(this.dimension);
      for (const row of rows)
        for (let i = 0; i < this.dimension; i++) mean[i]! += row.embedding[i]!;
      let norm = 0;
      for (const value of mean) norm += value * value;
      norm = Math.sqrt(norm);
      for (let i = 0; i < this.dimension; i++)
        mean[i] = norm > 0 ? mean[i]! / norm : 0;
      this.centroidCache.set(label, mean);
    }
    return this.centroidCache;
  }

  /** Appends a row with its squared norm, summed as the scan sums. */
  private store(embedding: Float32Array): void {
    const row = this.vectors.length;
    if (row === this.squaredNorms.length) {
      const grown = new Float64Array(row * 2);
      grown.set(this.squaredNorms);
      this.squaredNorms = grown;
    }
    this.squaredNorms[row] = this.vectors.dot(embedding, embedding);
    this.vectors.push(embedding);
  }

  /** @throws {@link EmbeddingMismatchError} when the query has the wrong length. */
  protected checkQuery(query: Float32Array): void {
    if (query.length !== this.dimension) {
      throw new EmbeddingMismatchError(
        `query has ${query.length} values but the gallery of ${this.model} expects ${this.dimension}`,
      );
    }
  }
}

/**
 * Constructor of the exact gallery under its earlier name, so that
 * `new Gallery(model, dimension)` keeps working.
 */
export const Gallery = ExactGallery;
