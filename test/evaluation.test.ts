import { describe, expect, it } from 'vitest';

import {
  bestThreshold,
  calibrateBands,
  quantile,
} from '../src/evaluation/calibration';
import { PairsFormatError, parsePairs } from '../src/evaluation/pairs';
import {
  accuracyAt,
  crossValidate,
  rocCurve,
  tarAtFar,
  type ScoredPair,
} from '../src/evaluation/verification';

describe('pairs file', () => {
  it('reads a file with a header and folds', () => {
    const text = [
      '2\t1',
      'Ann\t1\t2',
      'Ann\t1\tBob\t3',
      'Cy\t2\t4',
      'Cy\t1\tDee\t1',
      '',
    ].join('\n');
    const { pairs, folds } = parsePairs(text);
    expect(folds).toBe(2);
    expect(pairs).toHaveLength(4);
    expect(pairs.map((p) => p.fold)).toEqual([0, 0, 1, 1]);
    expect(pairs[0]!.same).toBe(true);
    expect(pairs[1]!.second).toEqual({ name: 'Bob', index: 3 });
  });

  it('reads a file without header or final newline', () => {
    const { pairs, folds } = parsePairs('Ann\t1\t2\nAnn\t1\tBob\t3');
    expect(folds).toBe(1);
    expect(pairs).toHaveLength(2);
    expect(pairs[1]!.same).toBe(false);
  });

  it('names the malformed line', () => {
    expect(() => parsePairs('Ann\t1\t2\nAnn\tone\t2', 'pairs.txt')).toThrow(
      PairsFormatError,
    );
    expect(() => parsePairs('Ann\t1\t2\nAnn\tone\t2', 'pairs.txt')).toThrow(
      'pairs.txt:2',
    );
    expect(() => parsePairs('Ann\t1\nBob\t1\t2', 'short.txt')).toThrow(
      'short.txt:1',
    );
  });

  it('checks the header count', () => {
    expect(() =>
      parsePairs('1\t2\nAnn\t1\t2\nAnn\t1\tBob\t3', 'cut.txt'),
    ).toThrow('promises 4 pairs');
  });
});

describe('threshold choice', () => {
  it('separates perfectly separable distances', () => {
    const { threshold, accuracy } = bestThreshold(
      [0.1, 0.2, 0.3],
      [0.6, 0.7, 0.8],
    );
    expect(accuracy).toBe(1);
    expect(threshold).toBeCloseTo(0.45, 10);
  });

  it('finds the best cut of overlapping distances', () => {
    // Any cut misclassifies one pair: the genuine 0.65 or the impostor 0.4.
    const { threshold, accuracy } = bestThreshold(
      [0.1, 0.2, 0.3, 0.65],
      [0.4, 0.7, 0.8, 0.9],
    );
    expect(accuracy).toBeCloseTo(7 / 8, 10);
    expect([0.35, 0.675]).toContainEqual(expect.closeTo(threshold, 10));
  });

  it('interpolates quantiles', () => {
    expect(quantile([0, 10], 0.5)).toBe(5);
    expect(quantile([1, 2, 3], 0)).toBe(1);
    expect(quantile([1, 2, 3], 1)).toBe(3);
  });

  it('orders calibrated band limits', () => {
    const genuine = Array.from({ length: 100 }, (_, i) => 0.2 + i * 0.003);
    const impostor = Array.from({ length: 100 }, (_, i) => 0.45 + i * 0.003);
    const bands = calibrateBands(genuine, impostor);
    expect(bands.confidentBelow).toBeLessThanOrEqual(bands.threshold);
    expect(bands.threshold).toBeLessThanOrEqual(bands.farAbove);
    // The distances overlap between 0.45 and 0.497, so the cut lies near there.
    expect(bands.threshold).toBeGreaterThan(0.44);
    expect(bands.threshold).toBeLessThan(0.5);
    expect(bands.accuracy).toBeGreaterThan(0.9);
  });
});

function pairsFrom(
  genuine: number[],
  impostor: number[],
  folds: number,
): ScoredPair[] {
  return [
    ...genuine.map((distance, i) => ({
      distance,
      same: true,
      fold: i % folds,
    })),
    ...impostor.map((distance, i) => ({
      distance,
      same: false,
      fold: i % folds,
    })),
  ];
}

describe('verification protocol', () => {
  const genuine = Array.from({ length: 40 }, (_, i) => 0.1 + i * 0.005);
  const impostor = Array.from({ length: 40 }, (_, i) => 0.6 + i * 0.005);

  it('scores separable pairs 100%', () => {
    const result = crossValidate(pairsFrom(genuine, impostor, 10));
    expect(result.mean).toBe(1);
    expect(result.standardDeviation).toBe(0);
    expect(result.folds).toHaveLength(10);
  });

  it('scores swapped labels 0%', () => {
    // The threshold that separates the pairs gets every swapped label wrong.
    const swapped = pairsFrom(genuine, impostor, 10).map((pair) => ({
      ...pair,
      same: !pair.same,
    }));
    expect(accuracyAt(swapped, 0.4)).toBe(0);
    // Thresholds learned on swapped folds can do no better than calling
    // every pair different, which is right for half of them.
    expect(crossValidate(swapped).mean).toBe(0.5);
  });

  it('picks thresholds without the test fold', () => {
    // Fold 0 alone has a genuine pair at 0.9: including it would not change
    // the threshold, but its accuracy must drop below 100%.
    const pairs = [
      ...pairsFrom(genuine, impostor, 2),
      { distance: 0.9, same: true, fold: 0 },
    ];
    const result = crossValidate(pairs);
    expect(result.folds[0]!.accuracy).toBeLessThan(1);
    expect(result.folds[1]!.accuracy).toBe(1);
  });

  it('rejects a single fold', () => {
    expect(() => crossValidate(pairsFrom(genuine, impostor, 1))).toThrow(
      RangeError,
    );
  });

  it('measures a perfect ROC', () => {
    const roc = rocCurve(pairsFrom(genuine, impostor, 1));
    expect(roc.auc).toBeCloseTo(1, 10);
    expect(roc.eer).toBeCloseTo(0, 10);
    expect(roc.tarAtFar0001).toBe(1);
    expect(roc.curve[roc.curve.length - 1]).toMatchObject({ far: 1, tar: 1 });
  });

  it('measures a chance ROC', () => {
    // Identical distributions: the curve is the diagonal.
    const same = Array.from({ length: 100 }, (_, i) => i / 100);
    const roc = rocCurve(pairsFrom(same, same, 1));
    expect(roc.auc).toBeCloseTo(0.5, 2);
    expect(roc.eer).toBeCloseTo(0.5, 2);
  });

  it('reads TAR at a FAR limit', () => {
    const curve = [
      { threshold: 0, far: 0, tar: 0 },
      { threshold: 1, far: 0.005, tar: 0.7 },
      { threshold: 2, far: 0.02, tar: 0.9 },
    ];
    expect(tarAtFar(curve, 0.01)).toBe(0.7);
    expect(tarAtFar(curve, 0.001)).toBe(0);
  });
});
