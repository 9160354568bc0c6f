/**
 * Progress of long work on standard error: a line that updates in place on a
 * terminal, and a line every 10% elsewhere (logs, CI).
 */
export class Progress {
  private done = 0;
  private lastDecile = -1;
  private readonly start = Date.now();

  constructor(
    private readonly what: string,
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  /** Records that `count` more items are finished. */
  advance(count = 1): void {
    this.done += count;
    const elapsed = (Date.now() - this.start) / 1000;
    const rate = this.done / Math.max(elapsed, 1e-3);
    const remaining = rate > 0 ? (this.total - this.done) / rate : 0;
    const percent = Math.floor((100 * this.done) / Math.max(this.total, 1));
    const line = `${this.what} ${this.done}/${this.total} (${percent}%), ${elapsed.toFixed(0)} s elapsed, about ${remaining.toFixed(0)} s left`;
    if (this.stream.isTTY) {
      this.stream.write(`\r${line}\u001b[K`);
      if (this.done >= this.total) this.stream.write('\n');
      return;
    }
    const decile = Math.floor(percent / 10);
    if (decile !== this.lastDecile || this.done >= this.total) {
      this.lastDecile = decile;
      this.stream.write(`${line}\n`);
    }
  }
}
