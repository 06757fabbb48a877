/**
 * Deadlines of one duration, checked by one sweeping interval instead of a timer each (a timer
 * per request is a hot-path cost): a deadline fires up to a quarter of the duration (at most 1 s) late.
 */
export class DeadlineSweeper {
  private readonly pending = new Map<() => void, number>();
  private timer: ReturnType<typeof setInterval> | undefined;

  /** Deadlines `durationMs` after they are added. */
  constructor(private readonly durationMs: number) {}

  /** Calls `onExpired` once `durationMs` have passed, unless {@link cancel}led first. */
  add(onExpired: () => void): void {
    this.pending.set(onExpired, Date.now() + this.durationMs);
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => this.sweep(), Math.min(1000, Math.max(10, this.durationMs / 4)));
    this.timer.unref();
  }

  /** Forgets a deadline. */
  cancel(onExpired: () => void): void {
    this.pending.delete(onExpired);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [onExpired, deadline] of this.pending) {
      if (deadline > now) continue;
      this.pending.delete(onExpired);
      onExpired();
    }
    if (this.pending.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}
