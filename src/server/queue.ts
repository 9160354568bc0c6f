/**
 * A first-in first-out queue that runs one task at a time. The server sends
 * every pipeline call through it, so a burst of requests waits in line
 * instead of decoding many images at once, and a full queue rejects new work
 * instead of growing without bound.
 */

/** Raised by {@link TaskQueue.run} when the queue is at capacity. */
export class QueueFullError extends Error {
  constructor(readonly capacity: number) {
    super(`the server is busy: ${capacity} requests are already queued`);
    this.name = 'QueueFullError';
  }
}

/** Runs tasks one after another, holding at most `capacity` tasks (running or waiting). */
export class TaskQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private queued = 0;

  constructor(readonly capacity: number) {
    if (!(Number.isInteger(capacity) && capacity >= 1)) {
      throw new RangeError(
        `queue capacity must be an integer of at least 1, got ${capacity}`,
      );
    }
  }

  /** Number of tasks running or waiting. */
  get pending(): number {
    return this.queued;
  }

  /** Whether {@link run} would reject a task now. */
  get isFull(): boolean {
    return this.queued >= this.capacity;
  }

  /**
   * Runs `task` after every task queued before it.
   *
   * @throws {@link QueueFullError} at once when the queue is full.
   */
  run<T>(task: () => Promise<T>): Promise<T> {
    if (this.isFull) throw new QueueFullError(this.capacity);
    this.queued++;
    const result = this.tail.then(task).finally(() => {
      this.queued--;
    });
    this.tail = result.catch(() => undefined);
    return result;
  }
}
