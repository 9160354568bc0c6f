import { describe, expect, it } from 'vitest';

import { normalizeL2 } from '../src/embedding/types';
import { bestOpenSetPoint, openSetCurve } from '../src/evaluation/open-set';
import { Gallery } from '../src/prediction/gallery';

function unit(values: number[]): Float32Array {
  return normalizeL2(Float32Array.from(values));
}

describe('open-set curve', () => {
  const gallery = new Gallery('test', 3);
  gallery.add('ada', unit([1, 0, 0]));
  gallery.add('bob', unit([0, 1, 0]));
  const probes = [
    { label: 'ada', embedding: unit([1, 0.1, 0]) },
    { label: 'bob', embedding: unit([0.1, 1, 0]) },
    // Someone never enrolled, far from both enrolled people.
    { label: 'cy', embedding: unit([0, 0, 1]) },
  ];

  it('accepts everyone at a huge threshold', () => {
    const [point] = openSetCurve(gallery, probes, [10]);
    expect(point!.falseAcceptRate).toBe(1);
    expect(point!.falseRejectRate).toBe(0);
  });

  it('rejects everyone at a tiny threshold', () => {
    const [point] = openSetCurve(gallery, probes, [0.01]);
    expect(point!.falseAcceptRate).toBe(0);
    expect(point!.falseRejectRate).toBe(1);
  });

  it('separates at a middle threshold', () => {
    const best = bestOpenSetPoint(
      openSetCurve(gallery, probes, [0.01, 0.5, 10]),
    );
    expect(best.threshold).toBe(0.5);
    expect(best.falseAcceptRate).toBe(0);
    expect(best.falseRejectRate).toBe(0);
  });

  it('counts a wrong match as a reject', () => {
    const swapped = [
      { label: 'bob', embedding: unit([1, 0.1, 0]) },
      probes[2]!,
    ];
    const [point] = openSetCurve(gallery, swapped, [10]);
    expect(point!.falseRejectRate).toBe(1);
  });

  it('needs both kinds of probe', () => {
    expect(() => openSetCurve(gallery, probes.slice(0, 2), [1])).toThrow(
      RangeError,
    );
  });
});
