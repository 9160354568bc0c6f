import { describe, expect, it } from 'vitest';

import { dotProduct, l2Distance } from '../src/prediction/distance';
import { ExactGallery } from '../src/prediction/gallery';
import { VectorRows } from '../src/prediction/vector-rows';
import { seededRandom } from '../src/random';

function randomVectors(
  count: number,
  dimension: number,
  seed: number,
): Float32Array[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () =>
    Float32Array.from({ length: dimension }, () => random() * 2 - 1),
  );
}

describe('VectorRows', () => {
  it('scans with WebAssembly SIMD when the dimension is a multiple of 8', () => {
    expect(new VectorRows(128).kind).toBe('wasm-simd');
    expect(new VectorRows(1024).kind).toBe('wasm-simd');
    expect(new VectorRows(130).kind).toBe('javascript');
    expect(new VectorRows(128, 64, 'javascript').kind).toBe('javascript');
  });

  for (const [dimension, scan] of [
    [8, 'wasm-simd'],
    [128, 'wasm-simd'],
    [256, 'wasm-simd'],
    [130, 'wasm-simd'],
    [128, 'javascript'],
  ] as const) {
    it(`gives the dot products of a JavaScript loop (${dimension} values, ${scan})`, () => {
      const vectors = randomVectors(300, dimension, dimension);
      // Start small so that the rows move through several grown memories.
      const rows = new VectorRows(dimension, 4, scan);
      for (const vector of vectors) rows.push(vector);
      const [query] = randomVectors(1, dimension, 7);
      const dots = rows.dotProducts(query!);
      expect(dots).toHaveLength(vectors.length);
      vectors.forEach((vector, i) => {
        expect(dots[i]).toBeCloseTo(dotProduct(query!, vector), 4);
        expect(rows.row(i)).toEqual(vector);
      });
    });
  }

  it('sums a dot product in the same order as its scan', () => {
    const vectors = randomVectors(50, 128, 3);
    const rows = new VectorRows(128);
    for (const vector of vectors) rows.push(vector);
    const dots = rows.dotProducts(vectors[17]!);
    expect(dots[17]).toBe(rows.dot(vectors[17]!, vectors[17]!));
  });

  it('rejects vectors of another length', () => {
    const rows = new VectorRows(128);
    expect(() => rows.push(new Float32Array(127))).toThrow(
      'expected 128 values, got 127',
    );
    expect(() => rows.dotProducts(new Float32Array(129))).toThrow(
      'expected 128 values, got 129',
    );
  });
});

describe('ExactGallery on the SIMD scan', () => {
  it('finds the same nearest entries as a full L2 comparison', () => {
    const vectors = randomVectors(2000, 128, 11);
    const gallery = new ExactGallery('test', 128);
    vectors.forEach((vector, i) => gallery.add(`person-${i}`, vector));
    expect(gallery.scanKind).toBe('wasm-simd');
    for (const query of randomVectors(20, 128, 12)) {
      const expected = vectors
        .map((vector, index) => ({
          index,
          distance: l2Distance(query, vector),
        }))
        .sort((a, b) => a.distance - b.distance)
        .slice(0, 5);
      const found = gallery.nearest(query, 5);
      expect(found.map((n) => n.index)).toEqual(expected.map((n) => n.index));
      found.forEach((n, i) =>
        expect(n.distance).toBeCloseTo(expected[i]!.distance, 4),
      );
    }
  });

  it('gives a distance of exactly 0 for an enrolled embedding', () => {
    const vectors = randomVectors(100, 128, 5);
    const gallery = new ExactGallery('test', 128);
    vectors.forEach((vector, i) => gallery.add(`person-${i}`, vector));
    expect(gallery.nearest(vectors[42]!, 1)[0]).toEqual({
      index: 42,
      label: 'person-42',
      distance: 0,
    });
  });

  it('keeps searching correctly after a label is removed', () => {
    const vectors = randomVectors(200, 128, 9);
    const gallery = new ExactGallery('test', 128);
    vectors.forEach((vector, i) => gallery.add(`person-${i % 10}`, vector));
    expect(gallery.removeLabel('person-3')).toBe(20);
    const nearest = gallery.nearest(vectors[3]!, 1)[0]!;
    expect(nearest.label).not.toBe('person-3');
    expect(gallery.nearest(vectors[4]!, 1)[0]).toMatchObject({
      label: 'person-4',
      distance: 0,
    });
  });
});
