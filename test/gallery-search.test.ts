import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { listLfwPeople } from '../src/datasets/lfw';
import { embedImages } from '../src/evaluation/embed-images';
import { FacePipeline } from '../src/pipeline';
import { ExactGallery } from '../src/prediction/gallery';
import { HnswIndex } from '../src/prediction/hnsw-index';
import { IndexedGallery } from '../src/prediction/indexed-gallery';
import { lfwFolder } from './helpers/datasets';

const folder = lfwFolder();

/** The first image of the first `count` LFW people with at least two images. */
async function realImages(count: number): Promise<{
  gallery: { label: string; path: string }[];
  probes: { label: string; path: string }[];
}> {
  const people = (await listLfwPeople(folder!)).filter(
    (person) => person.images.length >= 2,
  );
  const chosen = people.slice(0, count);
  return {
    gallery: chosen.map((p) => ({ label: p.name, path: p.images[0]! })),
    probes: chosen.map((p) => ({ label: p.name, path: p.images[1]! })),
  };
}

describe.skipIf(!folder)('HNSW gallery search', () => {
  let pipeline: FacePipeline;
  let exact: ExactGallery;
  let indexed: IndexedGallery;
  let probes: { label: string; embedding: Float32Array }[];

  beforeAll(async () => {
    pipeline = await FacePipeline.create({
      cache: process.env.FACELAB_CACHE ?? false,
    });
    const images = await realImages(150);
    const all = [...images.gallery, ...images.probes];
    const { embeddings } = await embedImages(
      pipeline,
      all.map((image) => image.path),
      { workers: 2 },
    );
    exact = new ExactGallery(pipeline.model, pipeline.embedder.dimension);
    indexed = new IndexedGallery(pipeline.model, pipeline.embedder.dimension, {
      approximateAbove: 0,
    });
    for (const image of images.gallery) {
      exact.add(image.label, embeddings.get(image.path)!, image.path);
      indexed.add(image.label, embeddings.get(image.path)!, image.path);
    }
    probes = images.probes.map((image) => ({
      label: image.label,
      embedding: embeddings.get(image.path)!,
    }));
  }, 600_000);
  afterAll(() => pipeline.dispose());

  it('agrees with exact search on real faces', () => {
    expect(indexed.approximate).toBe(true);
    for (const probe of probes) {
      const [a] = exact.nearest(probe.embedding, 1);
      const [b] = indexed.nearest(probe.embedding, 1);
      expect(b!.index, probe.label).toBe(a!.index);
      expect(b!.distance).toBeCloseTo(a!.distance, 5);
    }
  });

  it('agrees on the five nearest with cosine', () => {
    for (const probe of probes.slice(0, 20)) {
      const a = exact.nearest(probe.embedding, 5, 'cosine');
      const b = indexed.nearest(probe.embedding, 5, 'cosine');
      expect(b.map((n) => n.index)).toEqual(a.map((n) => n.index));
    }
  });

  it('finds most people by their second photo', () => {
    const correct = probes.filter(
      (probe) => indexed.nearest(probe.embedding, 1)[0]!.label === probe.label,
    ).length;
    expect(correct / probes.length).toBeGreaterThan(0.9);
  });

  it('rebuilds the index after a removal', () => {
    const probe = probes[0]!;
    const small = new IndexedGallery(exact.model, exact.dimension, {
      approximateAbove: 0,
    });
    for (const entry of exact.entries()) {
      small.add(entry.label, entry.embedding);
    }
    expect(small.nearest(probe.embedding, 1)[0]!.label).toBe(probe.label);
    expect(small.removeLabel(probe.label)).toBe(1);

    const [after] = small.nearest(probe.embedding, 1);
    expect(after!.label).not.toBe(probe.label);
    expect(after!.label).toBe(small.entries()[after!.index]!.label);
  });

  it('searches exactly below the threshold', () => {
    const gallery = new IndexedGallery(exact.model, exact.dimension, {
      approximateAbove: 1000,
    });
    for (const entry of exact.entries()) {
      gallery.add(entry.label, entry.embedding);
    }
    expect(gallery.approximate).toBe(false);
    expect(gallery.nearest(probes[3]!.embedding, 1)).toEqual(
      exact.nearest(probes[3]!.embedding, 1),
    );
  });

  it('reads back a written graph with the same answers', async () => {
    const index = new HnswIndex('l2', exact.dimension, exact.size);
    exact.entries().forEach((entry, row) => index.add(entry.embedding, row));
    const path = join(mkdtempSync(join(tmpdir(), 'facelab-hnsw-')), 'g.bin');
    await index.write(path);
    const read = await HnswIndex.read(path, 'l2', exact.dimension);
    expect(read.size).toBe(exact.size);
    for (const probe of probes.slice(0, 20)) {
      expect(read.search(probe.embedding, 3)).toEqual(
        index.search(probe.embedding, 3),
      );
    }
  });

  it('rejects a negative threshold', () => {
    expect(() => new IndexedGallery('m', 4, { approximateAbove: -1 })).toThrow(
      /approximateAbove/,
    );
  });
});
