import { describe, expect, it } from 'vitest';

import type { LfwPerson } from '../src/datasets/lfw';
import {
  closestWrongMatches,
  galleryOf,
  planGallerySizes,
  planOpenSet,
  planShots,
  probesOf,
  rank1Of,
} from '../src/evaluation/identification';
import { closestImpostors } from '../src/evaluation/look-alikes';
import { assignFolds, parsePairs } from '../src/evaluation/pairs';
import { seededShuffle, splitPaths } from '../src/evaluation/split';

/** Returns people named p0, p1, ... with the given numbers of photos. */
function people(...counts: number[]): LfwPerson[] {
  return counts.map((count, i) => ({
    name: `p${i}`,
    images: Array.from({ length: count }, (_, j) => `p${i}/${j + 1}.jpg`),
  }));
}

/** Returns a unit vector along axis `axis`, nudged by `offset` along the next one. */
function vector(axis: number, offset = 0): Float32Array {
  const v = new Float32Array(4);
  v[axis % 4] = 1;
  v[(axis + 1) % 4] = offset;
  return v;
}

describe('seeded shuffle', () => {
  const items = Array.from({ length: 50 }, (_, i) => i);

  it('is reproducible with a seed', () => {
    expect(seededShuffle(items, 7)).toEqual(seededShuffle(items, 7));
  });

  it('changes with the seed', () => {
    expect(seededShuffle(items, 7)).not.toEqual(seededShuffle(items, 8));
  });

  it('keeps every item once', () => {
    expect([...seededShuffle(items, 7)].sort((a, b) => a - b)).toEqual(items);
  });
});

describe('gallery size plan', () => {
  const all = people(3, 1, 2, 1, 4, 1, 2);

  it('enrolls one photo and probes the rest', () => {
    const [split] = planGallerySizes(all, [4], {
      seed: 1,
      probesPerPerson: 5,
    });
    expect(split!.gallerySize).toBe(4);
    expect(split!.enrolled).toHaveLength(4);
    const enrolledPaths = split!.enrolled.map((image) => image.path);
    for (const image of split!.enrolled)
      expect(image.path).toMatch(/\/1\.jpg$/);
    // All four people with two photos or more are probed with the others.
    expect(split!.probes).toHaveLength(2 + 1 + 3 + 1);
    for (const probe of split!.probes)
      expect(enrolledPaths).not.toContain(probe.path);
  });

  it('fills a large gallery with distractors', () => {
    const [split] = planGallerySizes(all, [6], {
      seed: 1,
      probesPerPerson: 1,
      probePeople: 2,
    });
    expect(split!.enrolled).toHaveLength(6);
    expect(new Set(split!.enrolled.map((image) => image.label)).size).toBe(6);
    // Two probed people, one probe each.
    expect(split!.probes).toHaveLength(2);
    const probed = new Set(split!.probes.map((probe) => probe.label));
    for (const label of probed) {
      expect(
        all.find((person) => person.name === label)!.images.length,
      ).toBeGreaterThanOrEqual(2);
    }
  });

  it('nests smaller galleries in larger ones', () => {
    const [small, large] = planGallerySizes(all, [2, 4], {
      seed: 3,
      probesPerPerson: 1,
    });
    const largeLabels = large!.enrolled.map((image) => image.label);
    for (const image of small!.enrolled)
      expect(largeLabels).toContain(image.label);
  });

  it('rejects a gallery larger than the data set', () => {
    expect(() =>
      planGallerySizes(all, [8], { seed: 1, probesPerPerson: 1 }),
    ).toThrow('gallery size 8 is larger than the 7 people available');
  });

  it('rejects a size of zero', () => {
    expect(() =>
      planGallerySizes(all, [0], { seed: 1, probesPerPerson: 1 }),
    ).toThrow('gallery size must be a positive integer, got 0');
  });
});

describe('shots plan', () => {
  it('probes every shot count with the same photos', () => {
    const splits = planShots(people(6, 2, 7, 3), 3, {
      seed: 1,
      probesPerPerson: 2,
    });
    expect(splits.map((split) => split.shots)).toEqual([1, 2, 3]);
    // Only p0 and p2 have more than three photos.
    for (const split of splits) {
      expect(split.people).toBe(2);
      expect(split.enrolled).toHaveLength(2 * split.shots);
      expect(split.probes).toEqual(splits[0]!.probes);
    }
    expect(splits[0]!.probes.map((probe) => probe.path).sort()).toEqual([
      'p0/4.jpg',
      'p0/5.jpg',
      'p2/4.jpg',
      'p2/5.jpg',
    ]);
  });

  it('rejects a data set without enough photos', () => {
    expect(() =>
      planShots(people(2, 3), 5, { seed: 1, probesPerPerson: 1 }),
    ).toThrow('needs people with more than 5 photos');
  });
});

describe('open-set plan', () => {
  it('never enrolls the strangers', () => {
    const split = planOpenSet(people(2, 3, 2, 4, 1), {
      seed: 2,
      probesPerPerson: 2,
    });
    const members = new Set(split.enrolled.map((image) => image.label));
    const strangers = new Set(split.strangers.map((image) => image.label));
    expect(members.size).toBe(2);
    expect(strangers.size).toBe(2);
    for (const label of strangers) expect(members.has(label)).toBe(false);
    for (const probe of split.probes)
      expect(members.has(probe.label)).toBe(true);
    expect(strangers.has('p4')).toBe(false);
  });

  it('lists every path once', () => {
    const split = planOpenSet(people(2, 2), { seed: 1, probesPerPerson: 1 });
    expect(
      splitPaths([split, { enrolled: [], probes: split.strangers }]).size,
    ).toBe(3);
  });
});

describe('rank-1 and look-alikes', () => {
  const embeddings = new Map<string, Float32Array>([
    ['a1', vector(0)],
    ['a2', vector(0, 0.2)],
    ['b1', vector(1)],
    ['b2', vector(1, 0.3)],
    ['c1', vector(2)],
    // A probe of c that lies nearer to b's photo than to c's.
    ['c2', vector(1, 0.05)],
  ]);
  const lookup = (path: string) => embeddings.get(path)!;
  const enrolled = ['a1', 'b1', 'c1'].map((path) => ({
    label: path[0]!,
    path,
  }));
  const probes = ['a2', 'b2', 'c2'].map((path) => ({ label: path[0]!, path }));
  const gallery = galleryOf(enrolled, lookup, 'test', 4);

  it('counts the probes matched to the right person', () => {
    expect(rank1Of(gallery, probesOf(probes, lookup))).toBeCloseTo(2 / 3);
  });

  it('lists the closest wrong matches first', () => {
    const pairs = closestWrongMatches(gallery, probes, lookup, 2);
    expect(pairs).toHaveLength(2);
    expect(pairs[0]!.first).toBe('c2');
    expect(pairs[0]!.second).toBe('b1');
    expect(pairs[0]!.distance).toBeLessThan(pairs[1]!.distance);
  });

  it('keeps the closest impostor pairs', () => {
    const pairs = [
      { first: 'a', second: 'b', distance: 0.9, same: false },
      { first: 'a', second: 'a', distance: 0.1, same: true },
      { first: 'c', second: 'd', distance: 0.5, same: false },
      { first: 'e', second: 'f', distance: 0.7, same: false },
    ];
    expect(closestImpostors(pairs, 2)).toEqual([
      { first: 'c', second: 'd', distance: 0.5 },
      { first: 'e', second: 'f', distance: 0.7 },
    ]);
    expect(() => closestImpostors(pairs, -1)).toThrow('non-negative');
  });
});

describe('fold assignment', () => {
  const { pairs } = parsePairs(
    [
      'a\t1\t2',
      'b\t1\t2',
      'c\t1\t2',
      'd\t1\t2',
      'a\t1\tb\t1',
      'c\t1\td\t1',
      'a\t2\tc\t2',
      'b\t2\td\t2',
    ].join('\n'),
  );

  it('splits matched and mismatched pairs evenly', () => {
    const folded = assignFolds(pairs, 2);
    expect(folded.map((pair) => pair.fold)).toEqual([0, 0, 1, 1, 0, 0, 1, 1]);
  });

  it('rejects more folds than pairs of a kind', () => {
    expect(() => assignFolds(pairs, 5)).toThrow(
      '5 folds need at least 5 matched and 5 mismatched pairs, got 4 and 4',
    );
  });

  it('rejects a single fold', () => {
    expect(() => assignFolds(pairs, 1)).toThrow(
      'folds must be an integer of at least 2, got 1',
    );
  });
});
