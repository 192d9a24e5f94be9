/**
 * Per-key serial execution: tasks with the same key run one after another, in submission order;
 * tasks with different keys run concurrently. The call service keys by call id so that an invite
 * still waiting on the hub is never overtaken by that call's cancel.
 */

/** A keyed queue. */
export interface Serial {
  /** Queues `task` behind earlier tasks of `key`; resolves with its result. */
  run<T>(key: string, task: () => Promise<T> | T): Promise<T>;
  /** Resolves when every queued task has finished. */
  idle(): Promise<void>;
}

/** Creates an empty keyed queue. */
export function createSerial(): Serial {
  const tails = new Map<string, Promise<unknown>>();
  return {
    run<T>(key: string, task: () => Promise<T> | T): Promise<T> {
      const previous = tails.get(key) ?? Promise.resolve();
      const result = previous.then(task);
      const tail = result.then(() => {}, () => {});
      tails.set(key, tail);
      // Forget the key once nothing is queued behind this task, so the map stays small.
      tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
      return result;
    },
    async idle() {
      while (tails.size > 0) await Promise.all(tails.values());
    },
  };
}
