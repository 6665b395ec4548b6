/**
 * A bulkhead for graph traversals: at most `max` run at once in this process, the rest wait
 * in line (first come, first served) for at most `maxWaitMs` and then fail. Without it, twenty
 * clients each sending a deep walk put twenty busy transactions on the database, whose
 * threads then crowd out every cheap lookup (and, on a small machine, the gateway itself).
 */
export class Bulkhead {
  private running = 0;
  private readonly line: { go: () => void }[] = [];

  constructor(
    private readonly max: number,
    private readonly maxWaitMs: number,
    /** The error a caller gets when its wait ran out. */
    private readonly busy: () => Error,
  ) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`max must be a positive integer, got ${max}`);
  }

  /** Traversals running now and waiting now (for logs and tests). */
  get load() {
    return { running: this.running, waiting: this.line.length };
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running < this.max) this.running++;
    else await this.wait();
    try {
      return await work();
    } finally {
      // Hand the slot straight to the next in line, so a newcomer cannot overtake it.
      const next = this.line.shift();
      if (next) next.go();
      else this.running--;
    }
  }

  private wait(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const entry = {
        go: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        const i = this.line.indexOf(entry);
        if (i >= 0) this.line.splice(i, 1);
        reject(this.busy());
      }, this.maxWaitMs);
      timer.unref?.();
      this.line.push(entry);
    });
  }
}
