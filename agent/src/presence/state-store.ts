/**
 * Where the presence tracker's state lives between runs, so a device that unregisters while the
 * agent is down still reaches web as offline: on start the agent loads what it last told web and
 * the first dump of Kamailio's table yields the difference. Redis layout: hash `presence:aors`
 * (field = CareFlow ID, value = JSON {atMicros, contacts}) and string `presence:watermark`.
 */
import type { Redis } from "ioredis";
import { type Contact, TRANSPORTS } from "./messages.ts";
import type { AorState, PresenceState } from "./tracker.ts";

/** Loads and keeps the tracker's state. */
export interface PresenceStateStore {
  load(): Promise<PresenceState>;
  /** Keeps an AOR's state (null forgets it). */
  saveAor(aor: string, state: AorState | null): Promise<void>;
  saveWatermark(atMicros: number): Promise<void>;
}

const AORS_KEY = "presence:aors";
const WATERMARK_KEY = "presence:watermark";

/** A stored AOR, or null when the value is not one (written by something else: ignored). */
function parseAor(text: string): AorState | null {
  try {
    const value = JSON.parse(text) as { atMicros?: unknown; contacts?: unknown };
    if (typeof value.atMicros !== "number" || !Array.isArray(value.contacts)) return null;
    const contacts = value.contacts.filter((c): c is Contact =>
      typeof c?.ruid === "string" && (TRANSPORTS as readonly string[]).includes(c?.transport)
    );
    return { atMicros: value.atMicros, contacts };
  } catch {
    return null;
  }
}

/** The state in Redis. Redis errors propagate (the consumer retries). */
export function createRedisPresenceStore(redis: Redis): PresenceStateStore {
  return {
    async load() {
      const [fields, watermark] = await Promise.all([
        redis.hgetall(AORS_KEY),
        redis.get(WATERMARK_KEY),
      ]);
      const aors = new Map<string, AorState>();
      for (const [aor, text] of Object.entries(fields)) {
        const state = parseAor(text);
        if (state) aors.set(aor, state);
      }
      return { watermark: Number(watermark) || 0, aors };
    },
    async saveAor(aor, state) {
      if (state) await redis.hset(AORS_KEY, aor, JSON.stringify(state));
      else await redis.hdel(AORS_KEY, aor);
    },
    async saveWatermark(atMicros) {
      await redis.set(WATERMARK_KEY, String(atMicros));
    },
  };
}

/** The state in memory (tests, or an agent without Redis persistence). */
export function createMemoryPresenceStore(): PresenceStateStore & { aors: Map<string, AorState> } {
  const aors = new Map<string, AorState>();
  let watermark = 0;
  return {
    aors,
    load: () => Promise.resolve({ watermark, aors: new Map(aors) }),
    saveAor(aor, state) {
      if (state) aors.set(aor, state);
      else aors.delete(aor);
      return Promise.resolve();
    },
    saveWatermark(atMicros) {
      watermark = atMicros;
      return Promise.resolve();
    },
  };
}
