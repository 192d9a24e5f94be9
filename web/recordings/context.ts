/** What every part of the recordings service is built from, and the object keys it uses. */
import type { Logger } from "../log.ts";
import type { AccessTrailStore, CallStore, RecordingStore, UserStore } from "../store/mod.ts";
import type { RecordingsConfig } from "./config.ts";
import type { RecordingStorage } from "./storage/types.ts";

/** What the service is built from. */
export interface RecordingDeps {
  store:
    & RecordingStore
    & AccessTrailStore
    & Pick<CallStore, "getCallForUser">
    & Pick<UserStore, "findUserById" | "updateUser">;
  storage: RecordingStorage;
  config: RecordingsConfig;
  logger: Logger;
  now: () => Date;
}

/** Who is asking, and from where: the trail keeps it. */
export interface Requester {
  userId: string;
  ip: string | null;
  userAgent: string | null;
}

/** Object keys: everything of one recording under one prefix, so a purge removes it all. */
export const keys = {
  audio: (ownerUserId: string, id: string) => `rec/${ownerUserId}/${id}/audio`,
  part: (ownerUserId: string, id: string, n: number) =>
    `rec/${ownerUserId}/${id}/part-${String(n).padStart(6, "0")}`,
  parts: (ownerUserId: string, id: string) => `rec/${ownerUserId}/${id}/part-`,
  /** A new key per upload: its last part is the version the agent's copy is checked against. */
  greeting: (userId: string, version: string) => `greeting/${userId}/${version}`,
};

/** The version of a greeting, from its key (`greeting/<user>/<version>`); null for none. */
export function greetingVersion(key: string | null): string | null {
  if (!key) return null;
  const version = key.slice(key.lastIndexOf("/") + 1);
  return /^[A-Za-z0-9_-]{1,64}$/.test(version) ? version : null;
}

/** Days, in milliseconds. */
export const DAY_MS = 86_400_000;
