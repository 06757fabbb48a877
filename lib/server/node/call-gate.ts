/** Bounds the calls running at once, with a bounded FIFO queue of waiters. */
export class CallGate {
  private active = 0;
  private readonly waiters: Array<() => void> = [];

  /** At most `max` calls run; at most `maxQueued` wait. */
  constructor(
    private readonly max: number,
    private readonly maxQueued: number,
  ) {}

  /** `true`: entered; a promise: queued, resolves on entry; `false`: full. */
  enter(): true | Promise<void> | false {
    if (this.active < this.max) {
      this.active++;
      return true;
    }
    if (this.waiters.length >= this.maxQueued) return false;
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Leaves, handing the slot to the next waiter. */
  leave(): void {
    const next = this.waiters.shift();
    if (next !== undefined) next();
    else this.active--;
  }
}
