import type { Clock, Timer } from "../clock.ts";

/** A manual clock for tests: time moves only in `advance`, which runs due timers in order. */
export class FakeClock implements Clock {
  #now: number;
  #timers: { at: number; seq: number; run: () => void; live: boolean }[] = [];
  #seq = 0;

  constructor(start = new Date("2026-01-05T09:00:00Z")) {
    this.#now = start.getTime();
  }

  now(): Date {
    return new Date(this.#now);
  }

  setTimer(ms: number, run: () => void): Timer {
    const timer = { at: this.#now + ms, seq: this.#seq++, run, live: true };
    this.#timers.push(timer);
    return { cancel: () => void (timer.live = false) };
  }

  /** Number of timers still waiting to run. */
  get pending(): number {
    return this.#timers.filter((t) => t.live).length;
  }

  /** Moves time forward by `ms`, running each timer that falls due at its own time. */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      const due = this.#timers
        .filter((t) => t.live && t.at <= end)
        .sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      due.live = false;
      this.#now = Math.max(this.#now, due.at);
      due.run();
    }
    this.#timers = this.#timers.filter((t) => t.live);
    this.#now = end;
  }
}
