/**
 * A bounded, prioritised queue in front of argon2. Every password hash costs ~19 MiB and tens of
 * milliseconds of a core; run without a bound, 600 concurrent sign-ins with made-up emails each
 * got a thread and delayed a real sign-in to 5 s. Here at most `concurrency` hashes run at once,
 * at most `maxWaiting` more wait, and whatever arrives beyond that is refused at once (the route
 * answers 503) instead of hashing late for a client that has given up.
 *
 * Waiters are served by priority, then in arrival order: a sign-in from a known device first,
 * then one for an existing account (or a sign-up), then one for an email with no account. When
 * the queue is full, a newcomer of a higher priority displaces the newest waiter of the lowest
 * priority below it, so a flood of made-up emails cannot keep real users out. (Known-account
 * waiters cannot be flooded the same way: each account's own throttle lets only a few of its
 * guesses through.) p-queue has priorities but neither a bound nor displacement, hence these
 * few lines.
 */

/** Priorities, highest first. */
export const HASH_PRIORITIES = ["device", "account", "unknown"] as const;
export type HashPriority = typeof HASH_PRIORITIES[number];

/** The queue is full (or this waiter was displaced by a more urgent one): try again later. */
export class HashQueueFull extends Error {
  constructor() {
    super("too many password checks are waiting");
    this.name = "HashQueueFull";
  }
}

export interface HashQueue {
  /**
   * Runs `work` once one of the `concurrency` slots is free. Rejects with `HashQueueFull` when
   * there is no room to wait, or when the waiter is displaced.
   */
  run<T>(priority: HashPriority, work: () => Promise<T>): Promise<T>;
  /** Whether `run` at this priority would be taken now; checked before costlier work. */
  admits(priority: HashPriority): boolean;
  /** What is running and waiting now, and how many were refused since start. */
  stats(): { running: number; waiting: number; refused: number };
}

type Waiter = { start: () => void; refuse: (error: unknown) => void };

/** A queue with its own slots; one per app (compose.ts), shared by every route that hashes. */
export function createHashQueue(limits: { concurrency: number; maxWaiting: number }): HashQueue {
  let running = 0;
  let refused = 0;
  const levels: Waiter[][] = HASH_PRIORITIES.map(() => []);
  const waitingCount = () => levels.reduce((sum, level) => sum + level.length, 0);
  const rank = (priority: HashPriority) => HASH_PRIORITIES.indexOf(priority);
  /** The level below `rank` with the most recent waiter to give up, if any. */
  const displaceable = (above: number) => {
    for (let r = levels.length - 1; r > above; r--) if (levels[r].length > 0) return levels[r];
    return undefined;
  };
  const startNext = () => {
    while (running < limits.concurrency) {
      const next = levels.find((level) => level.length > 0)?.shift();
      if (!next) return;
      next.start();
    }
  };
  /** Runs `work` in a slot already taken for it, then hands the slot on. */
  const inSlot = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } finally {
      running--;
      startNext();
    }
  };
  const enqueue = (r: number) =>
    new Promise<void>((resolve, reject) => {
      levels[r].push({
        start() {
          running++; // taken for the waiter now, so nobody else slips into its slot meanwhile
          resolve();
        },
        refuse: reject,
      });
      startNext(); // only starts it if a slot is free, which the caller saw was not
    });
  return {
    admits(priority) {
      return running < limits.concurrency || waitingCount() < limits.maxWaiting ||
        displaceable(rank(priority)) !== undefined;
    },
    async run(priority, work) {
      if (running < limits.concurrency && waitingCount() === 0) {
        running++;
        return inSlot(work);
      }
      const r = rank(priority);
      if (waitingCount() >= limits.maxWaiting) {
        const victims = displaceable(r);
        refused++;
        if (!victims) throw new HashQueueFull();
        victims.pop()!.refuse(new HashQueueFull());
      }
      await enqueue(r);
      return inSlot(work);
    },
    stats: () => ({ running, waiting: waitingCount(), refused }),
  };
}
