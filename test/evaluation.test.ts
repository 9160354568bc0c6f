import { describe, expect, it } from 'vitest';

import {
  bestThreshold,
  calibrateBands,
  quantile,
} from '../src/evaluation/calibration';
import { PairsFormatError, parsePairs } from '../src/evaluation/pairs';

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
