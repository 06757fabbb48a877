/**
 * Spreads the synchronous work of calls over event-loop turns.
 *
 * libuv (1.45 and later, so every supported Node) accepts one connection per loop turn, and a turn
 * lasts as long as the calls started in it. On a busy server with k ready connections a turn takes
 * k calls, so the n-th of a burst of new connections waits through about n²/2 calls before it is
 * even accepted: 64 fresh connections to a server at 0.4 ms a call wait up to a second. Capping
 * each turn at `sliceMs` of call work keeps turns short, so new connections are accepted (and new
 * data read) within a few slices, and calls that wait run first come, first served.
 */
export class TurnSlicer {
  /** `performance.now()` when the current slice began; -1 when no slice is open. */
  private started = -1;
  private readonly waiting: Array<(() => void) | undefined> = [];
  private next = 0;
  private scheduled = false;

  /** Runs at most about `sliceMs` of work per turn (at least one job). */
  constructor(
    private readonly sliceMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Runs `job` now if this turn has time left and nothing is waiting; else in a later turn, in order. */
  run(job: () => void): void {
    if (this.next === this.waiting.length) {
      if (this.started < 0) {
        this.started = performance.now();
        this.schedule();
        job();
        return;
      }
      if (performance.now() - this.started < this.sliceMs) {
        job();
        return;
      }
    }
    this.waiting.push(job);
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.turn);
  }

  /** A new turn: a new slice for the jobs that wait, then for the jobs of the next poll. */
  private readonly turn = (): void => {
    this.scheduled = false;
    if (this.next === this.waiting.length) {
      this.started = -1;
      return;
    }
    this.started = performance.now();
    this.schedule();
    while (this.next < this.waiting.length) {
      const job = this.waiting[this.next] as () => void;
      this.waiting[this.next++] = undefined;
      try {
        job();
      } catch (error) {
        this.onError(error);
      }
      if (performance.now() - this.started >= this.sliceMs) break;
    }
    // Drop the jobs that ran: under steady load the queue never empties, and keeping their slots
    // grew the array by one per call for as long as the load lasted.
    if (this.next === this.waiting.length) {
      this.waiting.length = 0;
    } else {
      this.waiting.copyWithin(0, this.next);
      this.waiting.length -= this.next;
    }
    this.next = 0;
  };

  /** Jobs waiting for a later turn (for tests and metrics). */
  get backlog(): number {
    return this.waiting.length - this.next;
  }

  /** Slots the queue holds, waiting jobs and the ones already run (for tests). */
  get slots(): number {
    return this.waiting.length;
  }
}
