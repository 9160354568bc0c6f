/**
 * A trained alternative to nearest-neighbour search: a softmax layer over
 * the embeddings (logits = xW + b), trained with TensorFlow.js. New people
 * are learnt online: their labels add columns to the layer, and the layer is
 * fine-tuned on the new photos together with a replayed sample of the
 * photos it already learnt, so that the old people are not forgotten.
 */
import type * as tfjs from '@tensorflow/tfjs';

import type { Tf } from '../backend/backend';
import { seededShuffle } from '../evaluation/split';
import { seededRandom } from '../random';

/** A labelled embedding used for training. */
export interface TrainingSample {
  readonly label: string;
  readonly embedding: Float32Array;
}

/** Settings of a {@link ClassifierHead}. */
export interface ClassifierHeadOptions {
  /** Adam learning rate (default 0.01). */
  readonly learningRate?: number;
  /** Passes over the training samples in each call of `learn` (default 20). */
  readonly epochs?: number;
  /** Samples per gradient step (default 256). */
  readonly batchSize?: number;
  /**
   * Maximum number of already learnt samples replayed with new ones
   * (default 1,000). Zero fine-tunes on the new samples only.
   */
  readonly replay?: number;
  /** Seed of the initial weights, the replay sample and the batch order. */
  readonly seed?: number;
}

/** The most probable label of one embedding. */
export interface HeadPrediction {
  readonly label: string;
  /** Softmax probability of that label. */
  readonly probability: number;
}

/** Summary of one call of `learn`. */
export interface LearnReport {
  readonly newLabels: number;
  /** Samples trained on: the new ones plus the replayed ones. */
  readonly samples: number;
  /** Mean cross-entropy of the last epoch. */
  readonly loss: number;
  readonly seconds: number;
}

/** A softmax classifier over embeddings that grows as people are added. */
export class ClassifierHead {
  private weights: tfjs.Variable;
  private bias: tfjs.Variable;
  private optimizer: tfjs.Optimizer;
  /** Per-dimension mean and standard deviation of the first samples learnt. */
  private standardization:
    { mean: tfjs.Tensor1D; std: tfjs.Tensor1D } | undefined;
  private readonly labelIndex = new Map<string, number>();
  private readonly learnt: TrainingSample[] = [];
  private readonly random: () => number;
  private readonly settings: Required<ClassifierHeadOptions>;

  /**
   * @param tf - The TensorFlow.js module of the running backend.
   * @param dimension - Length of the embeddings.
   */
  constructor(
    private readonly tf: Tf,
    readonly dimension: number,
    options: ClassifierHeadOptions = {},
  ) {
    this.settings = {
      learningRate: options.learningRate ?? 0.01,
      epochs: options.epochs ?? 20,
      batchSize: options.batchSize ?? 256,
      replay: options.replay ?? 1000,
      seed: options.seed ?? 1,
    };
    const { learningRate, epochs, batchSize, replay } = this.settings;
    if (!(Number.isInteger(dimension) && dimension > 0))
      throw new RangeError(
        `dimension must be a positive integer, got ${dimension}`,
      );
    if (!(learningRate > 0))
      throw new RangeError(
        `learningRate must be positive, got ${learningRate}`,
      );
    for (const [name, value] of [
      ['epochs', epochs],
      ['batchSize', batchSize],
    ] as const) {
      if (!(Number.isInteger(value) && value >= 1))
        throw new RangeError(
          `${name} must be a positive integer, got ${value}`,
        );
    }
    if (!(Number.isInteger(replay) && replay >= 0))
      throw new RangeError(
        `replay must be a non-negative integer, got ${replay}`,
      );
    this.random = seededRandom(this.settings.seed);
    // tf.variable keeps its own reference, so the initial values are freed.
    const [weights, bias] = [tf.zeros([dimension, 0]), tf.zeros([0])];
    this.weights = tf.variable(weights);
    this.bias = tf.variable(bias);
    weights.dispose();
    bias.dispose();
    this.optimizer = tf.train.adam(learningRate);
  }

  /** Labels the head can predict, in the order of its output columns. */
  get labels(): string[] {
    return [...this.labelIndex.keys()];
  }

  /**
   * Learns labelled embeddings: unseen labels grow the output layer, then the
   * layer is trained on these samples and up to `replay` samples learnt
   * before.
   */
  learn(samples: readonly TrainingSample[]): LearnReport {
    const start = performance.now();
    if (samples.length === 0) throw new RangeError('no samples to learn');
    for (const sample of samples) {
      if (sample.embedding.length !== this.dimension) {
        throw new RangeError(
          `embedding of "${sample.label}" has ${sample.embedding.length} values, expected ${this.dimension}`,
        );
      }
    }
    const newLabels = [
      ...new Set(samples.map((sample) => sample.label)),
    ].filter((label) => !this.labelIndex.has(label));
    this.standardization ??= this.measureStandardization(samples);
    this.grow(newLabels);

    const replayed = seededShuffle(this.learnt, this.nextSeed()).slice(
      0,
      this.settings.replay,
    );
    const batch = [...samples, ...replayed];
    this.learnt.push(...samples);
    let loss = 0;
    for (let epoch = 0; epoch < this.settings.epochs; epoch++)
      loss = this.trainEpoch(batch);
    return {
      newLabels: newLabels.length,
      samples: batch.length,
      loss,
      seconds: (performance.now() - start) / 1000,
    };
  }

  /** Predicts the most probable label of each embedding. */
  predict(embeddings: readonly Float32Array[]): HeadPrediction[] {
    if (this.labelIndex.size === 0)
      throw new RangeError('the classifier head has not learnt any label');
    const labels = this.labels;
    const { tf } = this;
    const [indices, probabilities] = tf.tidy(() => {
      const probs = tf.softmax(this.logits(this.stack(embeddings)));
      return [probs.argMax(1), probs.max(1)];
    });
    const best = indices.dataSync();
    const scores = probabilities.dataSync();
    indices.dispose();
    probabilities.dispose();
    return Array.from(best, (index: number, i) => ({
      label: labels[index]!,
      probability: scores[i]!,
    }));
  }

  /** Releases the weights and the optimizer state. */
  dispose(): void {
    this.standardization?.mean.dispose();
    this.standardization?.std.dispose();
    this.weights.dispose();
    this.bias.dispose();
    this.optimizer.dispose();
  }

  private nextSeed(): number {
    return Math.floor(this.random() * 2 ** 32);
  }

  private stack(embeddings: readonly Float32Array[]): tfjs.Tensor2D {
    const flat = new Float32Array(embeddings.length * this.dimension);
    embeddings.forEach((embedding, i) =>
      flat.set(embedding, i * this.dimension),
    );
    return this.tf.tensor2d(flat, [embeddings.length, this.dimension]);
  }

  /**
   * Measures the mean and standard deviation of each dimension. Unit-length
   * face embeddings fill a narrow cone, so standardized inputs let a linear
   * layer separate people after a few dozen steps instead of thousands.
   */
  private measureStandardization(samples: readonly TrainingSample[]): {
    mean: tfjs.Tensor1D;
    std: tfjs.Tensor1D;
  } {
    const { tf } = this;
    return tf.tidy(() => {
      const inputs = this.stack(samples.map((sample) => sample.embedding));
      const { mean, variance } = tf.moments(inputs, 0);
      return {
        mean: mean as tfjs.Tensor1D,
        std: tf.sqrt(tf.add(variance, 1e-8)) as tfjs.Tensor1D,
      };
    });
  }

  private logits(inputs: tfjs.Tensor2D): tfjs.Tensor2D {
    const { tf } = this;
    const { mean, std } = this.standardization!;
    const standardized = tf.div(tf.sub(inputs, mean), std);
    return tf.add(tf.matMul(standardized, this.weights), this.bias);
  }

  /**
   * Adds one output column per new label, with small random weights, and
   * restarts the optimizer, whose moment estimates have the old shape.
   */
  private grow(newLabels: readonly string[]): void {
    if (newLabels.length === 0) return;
    const { tf } = this;
    for (const label of newLabels)
      this.labelIndex.set(label, this.labelIndex.size);
    const weights = tf.tidy(() =>
      tf.concat(
        [
          this.weights,
          tf.randomNormal(
            [this.dimension, newLabels.length],
            0,
            0.01,
            'float32',
            this.nextSeed(),
          ),
        ],
        1,
      ),
    );
    const bias = tf.tidy(() =>
      tf.concat([this.bias, tf.zeros([newLabels.length])]),
    );
    this.weights.dispose();
    this.bias.dispose();
    this.optimizer.dispose();
    this.weights = tf.variable(weights);
    this.bias = tf.variable(bias);
    weights.dispose();
    bias.dispose();
    this.optimizer = tf.train.adam(this.settings.learningRate);
  }

  /** Runs one pass of mini-batch steps and returns the mean loss. */
  private trainEpoch(samples: readonly TrainingSample[]): number {
    const { tf } = this;
    const order = seededShuffle(samples, this.nextSeed());
    const classes = this.labelIndex.size;
    let total = 0;
    for (
      let start = 0;
      start < order.length;
      start += this.settings.batchSize
    ) {
      const batch = order.slice(start, start + this.settings.batchSize);
      const inputs = this.stack(batch.map((sample) => sample.embedding));
      const targets = tf.tidy(() =>
        tf.oneHot(
          tf.tensor1d(
            batch.map((sample) => this.labelIndex.get(sample.label)!),
            'int32',
          ),
          classes,
        ),
      );
      const cost = this.optimizer.minimize(
        () =>
          tf.losses.softmaxCrossEntropy(
            targets,
            this.logits(inputs),
          ) as tfjs.Scalar,
        true,
        [this.weights, this.bias],
      );
      total += cost!.dataSync()[0]! * batch.length;
      cost!.dispose();
      inputs.dispose();
      targets.dispose();
    }
    return total / order.length;
  }
}
