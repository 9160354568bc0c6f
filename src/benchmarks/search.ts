/**
 * Gallery search benchmark: time per query and recall@1 of exact search and
 * of HNSW, against gallery size. Galleries larger than the real embeddings
 * are filled with generated ones (see {@link generateEmbeddings}).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

import { normalizeL2 } from '../embedding/types';
import { ExactGallery } from '../prediction/gallery';
import type { ScanKind } from '../prediction/vector-rows';
import {
  DEFAULT_HNSW_SETTINGS,
  HnswIndex,
  type HnswSettings,
} from '../prediction/hnsw-index';
import { normalSample, seededRandom } from '../random';

/** Search cost at one gallery size. */
export interface SearchTimePoint {
  /**
   * `exact`: the gallery's scan with WebAssembly SIMD dot products;
   * `exact-js`: the same scan in plain JavaScript, for comparison; `hnsw`.
   */
  method: 'exact' | 'exact-js' | 'hnsw';
  gallerySize: number;
  msPerQuery: number;
  /** Fraction of queries whose first result is the exact nearest entry. */
  recallAt1: number;
  /** HNSW's candidate list size for this point. */
  efSearch?: number;
}

/** HNSW at one gallery size and one `efSearch`, with its build time. */
export interface HnswSweepPoint {
  gallerySize: number;
  efSearch: number;
  msPerQuery: number;
  recallAt1: number;
  /** Seconds to build the graph, or to read it when {@link fromCache}. */
  buildSeconds: number;
  /** Whether the graph was read from the index cache instead of built. */
  fromCache: boolean;
}

/** Settings of {@link measureSearch}. */
export interface SearchBenchmarkOptions {
  /** Real embeddings: the first `queries` are queries, the rest fill galleries first. */
  readonly real: readonly Float32Array[];
  readonly queries: number;
  readonly sizes: readonly number[];
  /** Most queries timed by exact search at one size, since each scans the whole gallery. */
  readonly exactQueryLimit: number;
  /**
   * `efSearch` values tried at every size, in increasing order. `points`
   * reports the smallest that reaches {@link TARGET_RECALL}, or the largest
   * when none does.
   */
  readonly efSearch: readonly number[];
  readonly hnsw?: HnswSettings;
  /** Expected L2 length of the noise added to real embeddings to generate new ones. */
  readonly noise?: number;
  readonly onProgress?: (message: string) => void;
  /**
   * Folder where built HNSW graphs are kept, keyed by their settings and
   * vectors, so that a later run reads the graph instead of rebuilding it.
   */
  readonly indexCache?: string;
}

/** Both outputs of {@link measureSearch}. */
export interface SearchBenchmark {
  readonly points: SearchTimePoint[];
  readonly sweep: HnswSweepPoint[];
  readonly realInGallery: number;
  readonly noise: number;
  /** Mean L2 distance from a generated embedding to the real one it came from. */
  readonly meanGeneratedDistance: number;
}

/** Rounds of timed HNSW queries at each setting; the median is reported. */
const HNSW_ROUNDS = 5;

/** Recall@1 that the reported HNSW setting must reach at each size. */
export const TARGET_RECALL = 0.99;

/** Default expected L2 length of the noise added to generate an embedding (0.5 / sqrt(dimension) per value). */
export const DEFAULT_GENERATION_NOISE = 0.5;

/**
 * Generates `count` unit-length embeddings, each a real embedding (taken in
 * turn) plus Gaussian noise of standard deviation `noise / sqrt(dimension)`
 * per value, so the generated people lie around real faces instead of
 * uniformly on the sphere, where no face embedding lies.
 */
export function generateEmbeddings(
  seeds: readonly Float32Array[],
  count: number,
  noise: number,
  seed = 1,
): Float32Array[] {
  if (seeds.length === 0) throw new RangeError('no embeddings to start from');
  const random = seededRandom(seed);
  const dimension = seeds[0]!.length;
  const scale = noise / Math.sqrt(dimension);
  return Array.from({ length: count }, (_, i) => {
    const base = seeds[i % seeds.length]!;
    const vector = new Float32Array(dimension);
    for (let j = 0; j < dimension; j++) {
      vector[j] = base[j]! + scale * normalSample(random);
    }
    return normalizeL2(vector);
  });
}

function meanDistance(
  a: readonly Float32Array[],
  b: readonly Float32Array[],
): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    let squares = 0;
    for (let j = 0; j < a[i]!.length; j++) {
      const d = a[i]![j]! - b[i % b.length]![j]!;
      squares += d * d;
    }
    sum += Math.sqrt(squares);
  }
  return a.length > 0 ? sum / a.length : 0;
}

/**
 * Builds an HNSW graph over `vectors`, or reads the one an earlier run built
 * from the same vectors and settings from `cacheFolder`.
 */
async function buildOrReadIndex(
  vectors: readonly Float32Array[],
  settings: HnswSettings,
  cacheFolder: string | undefined,
): Promise<{ index: HnswIndex; buildSeconds: number; fromCache: boolean }> {
  const dimension = vectors[0]!.length;
  const start = performance.now();
  const seconds = () => (performance.now() - start) / 1000;
  let path: string | undefined;
  if (cacheFolder !== undefined) {
    const hash = createHash('sha256').update(JSON.stringify(settings));
    for (const vector of vectors) {
      hash.update(
        new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength),
      );
    }
    path = join(cacheFolder, `hnsw-${hash.digest('hex').slice(0, 32)}.bin`);
    if (existsSync(path)) {
      const index = await HnswIndex.read(path, 'l2', dimension, settings);
      return { index, buildSeconds: seconds(), fromCache: true };
    }
  }
  const index = new HnswIndex('l2', dimension, vectors.length, settings);
  vectors.forEach((vector, row) => index.add(vector, row));
  const buildSeconds = seconds();
  if (path !== undefined) {
    mkdirSync(cacheFolder!, { recursive: true });
    // Written under a temporary name first, so an interrupted write never
    // leaves a truncated graph under the final name.
    const partial = `${path}.${process.pid}.partial`;
    await index.write(partial);
    renameSync(partial, path);
  }
  return { index, buildSeconds, fromCache: false };
}

/**
 * Measures exact search and HNSW at each gallery size. Recall@1 of HNSW is
 * measured against exact search on the same queries; exact search has a
 * recall of 1 by definition.
 */
export async function measureSearch(
  options: SearchBenchmarkOptions,
): Promise<SearchBenchmark> {
  const noise = options.noise ?? DEFAULT_GENERATION_NOISE;
  const settings = options.hnsw ?? DEFAULT_HNSW_SETTINGS;
  const queries = options.real.slice(0, options.queries);
  const pool = options.real.slice(options.queries);
  const largest = Math.max(...options.sizes);
  const generated = generateEmbeddings(
    pool,
    Math.max(0, largest - pool.length),
    noise,
  );
  const vectors = [...pool, ...generated].slice(0, largest);
  const dimension = vectors[0]!.length;

  const points: SearchTimePoint[] = [];
  const sweep: HnswSweepPoint[] = [];
  const timed = queries.slice(0, options.exactQueryLimit);
  /** Times an exact scan; returns the nearest row of each timed query. */
  const timeExact = (size: number, scan: ScanKind): number[] => {
    const gallery = new ExactGallery('benchmark', dimension, scan);
    for (let row = 0; row < size; row++) gallery.add('x', vectors[row]!);
    // Untimed queries first, so the JIT has compiled the scan.
    for (const query of timed.slice(0, 3)) gallery.nearest(query, 1);
    const start = performance.now();
    const nearest = timed.map((query) => gallery.nearest(query, 1)[0]!.index);
    const msPerQuery = (performance.now() - start) / timed.length;
    const method = scan === 'javascript' ? 'exact-js' : 'exact';
    points.push({ method, gallerySize: size, msPerQuery, recallAt1: 1 });
    options.onProgress?.(
      `${method} ${size}: ${msPerQuery.toFixed(3)} ms per query (${gallery.scanKind})`,
    );
    return nearest;
  };
  for (const size of [...options.sizes].sort((a, b) => a - b)) {
    // Exact search, which also gives the true nearest entry of each query.
    const truth = timeExact(size, 'wasm-simd');
    timeExact(size, 'javascript');

    const { index, buildSeconds, fromCache } = await buildOrReadIndex(
      vectors.slice(0, size),
      settings,
      options.indexCache,
    );
    // One untimed pass with the widest search brings the graph's pages into
    // memory, which matters for a graph just read from the cache.
    index.efSearch = Math.max(...options.efSearch);
    for (const query of timed) index.search(query, 1);
    for (const efSearch of options.efSearch) {
      index.efSearch = efSearch;
      // A query takes a fraction of a millisecond, so the timed queries run
      // several rounds and the median round is kept.
      let found: number[] = [];
      const rounds = Array.from({ length: HNSW_ROUNDS }, () => {
        const start = performance.now();
        found = timed.map((query) => index.search(query, 1)[0]!.row);
        return (performance.now() - start) / timed.length;
      }).sort((a, b) => a - b);
      const msPerQuery = rounds[Math.floor(HNSW_ROUNDS / 2)]!;
      const hits = found.filter((row, i) => row === truth[i]).length;
      sweep.push({
        gallerySize: size,
        efSearch,
        msPerQuery,
        recallAt1: hits / timed.length,
        buildSeconds,
        fromCache,
      });
    }
    const atSize = sweep.filter((point) => point.gallerySize === size);
    const main =
      atSize.find((point) => point.recallAt1 >= TARGET_RECALL) ??
      atSize[atSize.length - 1]!;
    points.push({
      method: 'hnsw',
      gallerySize: size,
      msPerQuery: main.msPerQuery,
      recallAt1: main.recallAt1,
      efSearch: main.efSearch,
    });
    const built = `${fromCache ? 'read from the index cache' : 'built'} in ${buildSeconds.toFixed(1)} s`;
    options.onProgress?.(
      `hnsw ${size}: ${main.msPerQuery.toFixed(3)} ms per query, recall@1 ${main.recallAt1.toFixed(3)}, ${built}`,
    );
  }
  return {
    points,
    sweep,
    realInGallery: Math.min(pool.length, largest),
    noise,
    meanGeneratedDistance: meanDistance(generated.slice(0, 1000), pool),
  };
}
