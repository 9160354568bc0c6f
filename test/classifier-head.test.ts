import { beforeAll, describe, expect, it } from 'vitest';

import { loadRuntime, type Runtime } from '../src/backend/backend';
import { normalizeL2 } from '../src/embedding/types';
import { seededRandom } from '../src/random';
import {
  ClassifierHead,
  type TrainingSample,
} from '../src/prediction/classifier-head';

/** Unit vectors scattered around one random centre per label. */
function clusters(
  labels: readonly string[],
  perLabel: number,
  seed: number,
): TrainingSample[] {
  const random = seededRandom(seed);
  const samples: TrainingSample[] = [];
  for (const label of labels) {
    const centre = Float32Array.from({ length: 16 }, () => random() - 0.5);
    for (let i = 0; i < perLabel; i++) {
      const point = centre.map((value) => value + 0.15 * (random() - 0.5));
      samples.push({ label, embedding: normalizeL2(point) });
    }
  }
  return samples;
}

function accuracy(head: ClassifierHead, samples: TrainingSample[]): number {
  const predictions = head.predict(samples.map((sample) => sample.embedding));
  return (
    predictions.filter((p, i) => p.label === samples[i]!.label).length /
    samples.length
  );
}

describe('classifier head', () => {
  let runtime: Runtime;
  beforeAll(async () => {
    runtime = await loadRuntime();
  });

  const first = ['ada', 'grace', 'alan', 'edsger'];
  const second = ['barbara', 'donald'];
  const all = [...first, ...second];
  // Ten photos per person: the first six train, the last four test.
  const samples = clusters(all, 10, 7);
  const train = samples.filter((_, i) => i % 10 < 6);
  const test = samples.filter((_, i) => i % 10 >= 6);

  it('learns separable people', () => {
    const head = new ClassifierHead(runtime.tf, 16, { seed: 3 });
    const report = head.learn(train);
    expect(report.newLabels).toBe(6);
    expect(report.samples).toBe(train.length);
    expect(report.loss).toBeLessThan(0.5);
    expect(head.labels).toEqual(all);
    expect(accuracy(head, test)).toBeGreaterThanOrEqual(0.95);
    head.dispose();
  });

  it('adds people online without forgetting', () => {
    const head = new ClassifierHead(runtime.tf, 16, { seed: 3, replay: 100 });
    const isFirst = (s: TrainingSample) => first.includes(s.label);
    head.learn(train.filter(isFirst));
    expect(head.labels).toEqual(first);
    const update = head.learn(train.filter((s) => !isFirst(s)));
    expect(update.newLabels).toBe(2);
    // The 12 new samples plus all 24 learnt before (replay limit 100).
    expect(update.samples).toBe(36);
    expect(head.labels).toEqual(all);
    expect(accuracy(head, test.filter(isFirst))).toBeGreaterThanOrEqual(0.95);
    expect(
      accuracy(
        head,
        test.filter((s) => !isFirst(s)),
      ),
    ).toBeGreaterThanOrEqual(0.95);
    head.dispose();
  });

  it('is reproducible with a seed', () => {
    const probabilities = [1, 2].map(() => {
      const head = new ClassifierHead(runtime.tf, 16, { seed: 11 });
      head.learn(train);
      const result = head.predict([test[0]!.embedding])[0]!.probability;
      head.dispose();
      return result;
    });
    expect(probabilities[0]).toBeCloseTo(probabilities[1]!, 6);
  });

  it('releases every tensor', () => {
    const before = runtime.tf.memory().numTensors;
    const head = new ClassifierHead(runtime.tf, 16, { seed: 5, epochs: 3 });
    head.learn(train.slice(0, 12));
    head.learn(train.slice(12));
    head.predict(test.map((sample) => sample.embedding));
    head.dispose();
    expect(runtime.tf.memory().numTensors).toBe(before);
  });

  it('rejects bad settings and input', () => {
    expect(() => new ClassifierHead(runtime.tf, 16, { epochs: 0 })).toThrow(
      'epochs must be a positive integer, got 0',
    );
    expect(() => new ClassifierHead(runtime.tf, 16, { replay: -1 })).toThrow(
      'replay must be a non-negative integer',
    );
    const head = new ClassifierHead(runtime.tf, 16);
    expect(() => head.predict([new Float32Array(16)])).toThrow(
      'has not learnt any label',
    );
    expect(() =>
      head.learn([{ label: 'x', embedding: new Float32Array(3) }]),
    ).toThrow('embedding of "x" has 3 values, expected 16');
    head.dispose();
  });
});
