import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { normalizeL2 } from '../src/embedding/types';
import { EmbeddingMismatchError, Gallery } from '../src/prediction/gallery';
import {
  GalleryFileError,
  loadGallery,
  saveGallery,
} from '../src/prediction/gallery-file';
import { cosineDistance, l2Distance } from '../src/prediction/distance';
import { predict } from '../src/prediction/predict';
import { resultsToJson } from '../src/cli/commands/identify';
import { bandOf, RULE_OF_THUMB } from '../src/output/bands';
import type { AnalyzedFace } from '../src/pipeline';
import { Recognizer } from '../src/recognizer';

/** Creates a unit vector along `axis`, nudged towards the next axis by `noise`. */
function vector(axis: number, noise = 0, dimension = 8): Float32Array {
  const v = new Float32Array(dimension);
  v[axis] = 1;
  v[(axis + 1) % dimension] = noise;
  return normalizeL2(v);
}

describe('gallery search', () => {
  it('matches direct distances for any dimension', () => {
    // Seven values per vector exercises the remainder of the unrolled loop;
    // the vectors are not unit length, so the stored norms matter.
    let seed = 7;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647 - 0.5;
    };
    const gallery = new Gallery('test', 7);
    const vectors = Array.from({ length: 40 }, () =>
      Float32Array.from({ length: 7 }, random),
    );
    vectors.forEach((v, i) => gallery.add(`person ${i}`, v));
    gallery.removeLabel('person 3');
    const kept = vectors.filter((_, i) => i !== 3);
    const query = Float32Array.from({ length: 7 }, random);

    const l2 = gallery.nearest(query, kept.length, 'l2');
    const cosine = gallery.nearest(query, kept.length, 'cosine');

    for (const neighbour of l2) {
      const expected = l2Distance(query, kept[neighbour.index]!);
      expect(neighbour.distance).toBeCloseTo(expected, 5);
    }
    for (const neighbour of cosine) {
      const expected = cosineDistance(query, kept[neighbour.index]!);
      expect(neighbour.distance).toBeCloseTo(expected, 5);
    }
    expect(gallery.nearest(kept[5]!, 1)[0]!.distance).toBe(0);
  });

  it('finds the nearest entries in order', () => {
    const gallery = new Gallery('test', 8);
    gallery.add('ada', vector(0));
    gallery.add('bob', vector(1));
    gallery.add('cy', vector(2));
    const neighbours = gallery.nearest(vector(1, 0.2), 2);
    expect(neighbours.map((n) => n.label)).toEqual(['bob', 'cy']);
    expect(neighbours[0]!.distance).toBeLessThan(neighbours[1]!.distance);
  });

  it('grows past its initial capacity', () => {
    const gallery = new Gallery('test', 8);
    for (let i = 0; i < 500; i++) gallery.add(`p${i}`, vector(i % 8, i / 500));
    expect(gallery.size).toBe(500);
    expect(gallery.nearest(vector(3, 499 / 500), 1)[0]!.label).toBe('p499');
  });

  it('rejects a wrong-length embedding', () => {
    const gallery = new Gallery('test', 8);
    expect(() => gallery.add('ada', new Float32Array(4))).toThrow(
      EmbeddingMismatchError,
    );
    expect(() => gallery.nearest(new Float32Array(4), 1)).toThrow(
      EmbeddingMismatchError,
    );
  });

  it('rejects NaN and empty labels', () => {
    const gallery = new Gallery('test', 8);
    expect(() => gallery.add('ada', new Float32Array(8).fill(NaN))).toThrow(
      EmbeddingMismatchError,
    );
    expect(() => gallery.add('  ', vector(0))).toThrow(RangeError);
  });

  it('removes a label and keeps the others searchable', () => {
    const gallery = new Gallery('test', 8);
    gallery.add('ada', vector(0));
    gallery.add('bob', vector(1));
    gallery.add('ada', vector(0, 0.1));
    expect(gallery.removeLabel('ada')).toBe(2);
    expect(gallery.size).toBe(1);
    expect(gallery.nearest(vector(0), 1)[0]!.label).toBe('bob');
  });
});

describe('predict', () => {
  const gallery = new Gallery('test', 8);
  gallery.add('ada', vector(0));
  gallery.add('ada', vector(0, 0.3));
  gallery.add('bob', vector(1));

  it('matches with one-shot 1-NN', () => {
    const result = predict(gallery, vector(1, 0.1), { threshold: 0.5 });
    expect(result.label).toBe('bob');
    expect(result.distance).toBeLessThan(0.2);
  });

  it('says unknown beyond the threshold', () => {
    const result = predict(gallery, vector(5), { threshold: 0.5 });
    expect(result.label).toBeNull();
    expect(result.nearestLabel).not.toBeNull();
    expect(result.distance).toBeCloseTo(Math.SQRT2, 5);
  });

  it('votes with k-NN', () => {
    // The single nearest photo is bob's, but two of the three nearest are ada's.
    const query = normalizeL2(Float32Array.from([0.45, 0.9, 0, 0, 0, 0, 0, 0]));
    expect(predict(gallery, query, { threshold: 2, method: '1nn' }).label).toBe(
      'bob',
    );
    expect(
      predict(gallery, query, { threshold: 2, method: 'knn', k: 3 }).label,
    ).toBe('ada');
  });

  it('uses per-person centroids', () => {
    const result = predict(gallery, vector(0, 0.15), {
      threshold: 0.5,
      method: 'centroid',
    });
    expect(result.label).toBe('ada');
    expect(result.neighbours[0]!.index).toBe(-1);
  });

  it('updates centroids online', () => {
    const growing = new Gallery('test', 8);
    growing.add('ada', vector(0));
    const before = growing.centroids().get('ada')!;
    growing.add('ada', vector(1));
    const after = growing.centroids().get('ada')!;
    expect(after[1]).toBeGreaterThan(before[1]!);
  });

  it('treats an empty gallery as unknown', () => {
    const result = predict(new Gallery('test', 8), vector(0), { threshold: 1 });
    expect(result.label).toBeNull();
    expect(result.distance).toBe(Infinity);
  });

  it('rejects invalid options', () => {
    expect(() => predict(gallery, vector(0), { threshold: 0 })).toThrow(
      RangeError,
    );
    expect(() =>
      predict(gallery, vector(0), { threshold: 1, method: 'knn', k: 0 }),
    ).toThrow(RangeError);
  });
});

describe('bands', () => {
  it('orders the rule of thumb', () => {
    expect(bandOf(0.5, RULE_OF_THUMB)).toBe('confident');
    expect(bandOf(0.9, RULE_OF_THUMB)).toBe('likely');
    expect(bandOf(1.1, RULE_OF_THUMB)).toBe('unlikely');
    expect(bandOf(1.3, RULE_OF_THUMB)).toBe('far');
  });

  it('marks an infinite distance as empty gallery', () => {
    expect(bandOf(Infinity, RULE_OF_THUMB)).toBe('empty-gallery');
  });
});

/** Builds a face at `x` along the image whose embedding is {@link vector}`(axis, noise)`. */
function face(x: number, axis: number, noise = 0): AnalyzedFace {
  const point = { x, y: 10 };
  return {
    box: { x, y: 0, width: 20, height: 20 },
    score: 0.99,
    landmarks5: [point, point, point, point, point],
    embedding: vector(axis, noise),
  };
}

describe('Recognizer', () => {
  it('reports an empty gallery in band and JSON', () => {
    const recognizer = new Recognizer(new Gallery('m', 8), {
      limits: RULE_OF_THUMB,
    });

    const result = recognizer.identify(face(0, 0));
    const json = JSON.parse(
      resultsToJson([{ source: 'a.jpg', faces: [result] }]),
    ) as { faces: { band: string; distance: number | null }[] }[];

    expect(result.label).toBe('unknown');
    expect(result.nearestLabel).toBeNull();
    expect(result.band).toBe('empty-gallery');
    expect(json[0]!.faces[0]!.band).toBe('empty-gallery');
    expect(json[0]!.faces[0]!.distance).toBeNull();
  });

  describe('identifyAll', () => {
    const gallery = new Gallery('m', 8);
    gallery.add('ada', vector(0), 'ada.jpg');
    gallery.add('bob', vector(2), 'bob.jpg');
    const recognizer = new Recognizer(gallery, {
      limits: { confidentBelow: 0.2, threshold: 0.5, farAbove: 0.8 },
    });

    it('keeps a repeated label for the closest face', () => {
      const [far, near] = recognizer.identifyAll([
        face(0, 0, 0.3),
        face(50, 0, 0.1),
      ]);

      expect(near!.label).toBe('ada');
      expect(far!.label).toBe('unknown');
      expect(far!.nearestLabel).toBe('ada');
      expect(far!.distance).toBeGreaterThan(near!.distance);
      expect(far!.distance).toBeLessThan(0.5);
      expect(far!.band).toBe('likely');
    });

    it('keeps the first of equally close faces', () => {
      const labels = recognizer
        .identifyAll([face(0, 0, 0.2), face(50, 0, 0.2), face(90, 0, 0.2)])
        .map((result) => result.label);

      expect(labels).toEqual(['ada', 'unknown', 'unknown']);
    });

    it('leaves distinct labels and unknowns alone', () => {
      const results = recognizer.identifyAll([
        face(0, 0, 0.1),
        face(50, 2, 0.1),
        face(90, 5),
        face(120, 5),
      ]);

      expect(results.map((result) => result.label)).toEqual([
        'ada',
        'bob',
        'unknown',
        'unknown',
      ]);
      expect(results).toEqual(
        [face(0, 0, 0.1), face(50, 2, 0.1), face(90, 5), face(120, 5)].map(
          (item) => recognizer.identify(item),
        ),
      );
    });
  });
});

describe('gallery file', () => {
  const folder = mkdtempSync(join(tmpdir(), 'facelab-gallery-'));

  it('round-trips entries exactly', async () => {
    const gallery = new Gallery('model-a', 8);
    gallery.add('ada', vector(0, 0.123456), 'ada.jpg');
    gallery.add('bob', vector(1));
    const path = join(folder, 'round-trip.json');
    await saveGallery(gallery, path);
    const loaded = (await loadGallery(path, 'model-a'))!;
    expect(loaded.size).toBe(2);
    expect(loaded.labels()).toEqual([
      { label: 'ada', count: 1 },
      { label: 'bob', count: 1 },
    ]);
    expect(Array.from(loaded.entries()[0]!.embedding)).toEqual(
      Array.from(gallery.entries()[0]!.embedding),
    );
    expect(loaded.entries()[0]!.source).toBe('ada.jpg');
  });

  it('returns undefined for a missing file', async () => {
    expect(await loadGallery(join(folder, 'missing.json'))).toBeUndefined();
  });

  it('rejects another model', async () => {
    const path = join(folder, 'model.json');
    await saveGallery(new Gallery('model-a', 8), path);
    await expect(loadGallery(path, 'model-b')).rejects.toThrow(
      GalleryFileError,
    );
  });

  it('names the file when JSON is invalid', async () => {
    const path = join(folder, 'broken.json');
    writeFileSync(path, '{"format": "facelab-gallery", ');
    await expect(loadGallery(path)).rejects.toThrow(path);
  });

  it.each([
    [
      'entry without label',
      (entry: Record<string, unknown>) => delete entry.label,
      'entry 0 has no label',
    ],
    [
      'label that is a number',
      (entry: Record<string, unknown>) => (entry.label = 42),
      'entry 0 has no label',
    ],
    [
      'entry without embedding',
      (entry: Record<string, unknown>) => delete entry.embedding,
      'entry 0 has no embedding',
    ],
    [
      'short embedding',
      (entry: Record<string, unknown>) => (entry.embedding = 'AAAA'),
      'entry 0 has an embedding of 3 bytes',
    ],
  ])('rejects %s', async (_name, damage, message) => {
    const path = join(folder, 'damaged.json');
    const gallery = new Gallery('model-a', 8);
    gallery.add('ada', vector(0));
    await saveGallery(gallery, path);
    const stored = JSON.parse(readFileSync(path, 'utf8')) as {
      entries: Record<string, unknown>[];
    };
    damage(stored.entries[0]!);
    writeFileSync(path, JSON.stringify(stored));
    await expect(loadGallery(path)).rejects.toThrow(GalleryFileError);
    await expect(loadGallery(path)).rejects.toThrow(message);
  });

  it('rejects a folder as gallery path', async () => {
    await expect(loadGallery(folder)).rejects.toThrow('is a folder');
  });

  it('survives a crash during a save', async () => {
    const path = join(folder, 'crash.json');
    const gallery = new Gallery('model-a', 128);
    gallery.add('ada', new Float32Array(128).fill(0.5));
    await saveGallery(gallery, path);
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(__dirname, 'fixtures', 'save-gallery-forever.ts'),
        path,
      ],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    await new Promise<void>((resolve) =>
      child.stdout.once('data', () => resolve()),
    );
    // Let it write a few times, then kill it without warning.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const loaded = await loadGallery(path, 'model-a');
    expect(loaded).toBeDefined();
    expect([1, 20_000]).toContain(loaded!.size);
  }, 60_000);
});
