/**
 * Presence as colleagues see it, read from what every web instance shares: the hub (tabs, calls,
 * active tabs, across instances with the Redis hub), the SIP registrations the agent reported
 * and the user's settings. The word itself is `shared/presence.ts`'s pure rule.
 */
import { type Presence, presenceOf } from "../../shared/presence.ts";
import { activeAddress } from "../calls/activity.ts";
import { busyAddress } from "../calls/types.ts";
import type { Hub } from "../signal/hub.ts";
import { type PhonePresenceStore, settingsOfUser, type UserSettingsStore } from "../store/mod.ts";

/** A batch is one directory page at most: bounded work per request. */
export const MAX_PRESENCE_BATCH = 50;

/** What presence is read from. */
export interface PresenceSources {
  hub: Pick<Hub, "isOnline">;
  phones: Pick<PhonePresenceStore, "getPhonePresence">;
  settings: Pick<UserSettingsStore, "getUserSettings">;
}

/** Reads presence for the lookup, the directory and the history. */
export interface PresenceReader {
  /** The user's presence; null when they hide it (`privacy.showOnlineStatus` off). */
  shownOf(userId: string): Promise<Presence | null>;
  /** `shownOf` for each of (at most `MAX_PRESENCE_BATCH`) users, by user id. */
  shownOfMany(userIds: readonly string[]): Promise<Map<string, Presence | null>>;
}

/** The reader over its sources. */
export function createPresenceReader(sources: PresenceSources): PresenceReader {
  const { hub } = sources;
  const shownOf = async (userId: string): Promise<Presence | null> => {
    const settings = await settingsOfUser(sources.settings, userId);
    // Hidden means hidden: nothing else is read, so the answer's timing says nothing either.
    if (!settings.privacy.showOnlineStatus) return null;
    const [tabs, inCall, active, phone] = await Promise.all([
      hub.isOnline(userId),
      hub.isOnline(busyAddress(userId)),
      hub.isOnline(activeAddress(userId)),
      sources.phones.getPhonePresence(userId),
    ]);
    return presenceOf({
      tabs,
      inCall,
      active,
      phone: phone?.online ?? false,
      doNotDisturb: settings.presence.doNotDisturb,
    });
  };
  return {
    shownOf,
    async shownOfMany(userIds) {
      const ids = [...new Set(userIds)].slice(0, MAX_PRESENCE_BATCH);
      const words = await Promise.all(ids.map(shownOf));
      return new Map(ids.map((id, i) => [id, words[i]]));
    },
  };
}
