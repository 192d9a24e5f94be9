/**
 * Presence: the one word colleagues see for a user, worked out on the server from what every web
 * instance can read (hub addresses, the SIP registrations the agent reported, the user's
 * settings). One pure function, so the lookup, the directory and the tests agree on it.
 */

/** Presence words, in the order a list of colleagues is best sorted by. */
export const PRESENCE = ["available", "on-call", "away", "dnd", "offline"] as const;
export type Presence = (typeof PRESENCE)[number];

/** What presence is worked out from. */
export interface PresenceFacts {
  /** At least one dashboard tab holds a signaling connection (hub address `<userId>`). */
  tabs: boolean;
  /** At least one SIP device (desk phone, mobile app, sip.js tab) is registered. */
  phone: boolean;
  /** The user is a party to a call (hub address `busy:<userId>`). */
  inCall: boolean;
  /** A tab is visible and had input recently (hub address `active:<userId>`). */
  active: boolean;
  /** The user's own setting: calls are answered busy. */
  doNotDisturb: boolean;
}

/**
 * The presence word. In a call wins over everything (it is the most useful thing to know, and a
 * call would be refused as busy either way); then unreachable is offline whatever the settings;
 * then do-not-disturb; then away, when every tab is idle or hidden. A SIP device says nothing
 * about whether anyone is near it, so it makes a user reachable (available) but never "active":
 * with tabs open, their idleness decides; with only a phone, the user is available.
 */
export function presenceOf(facts: PresenceFacts): Presence {
  if (facts.inCall) return "on-call";
  if (!facts.tabs && !facts.phone) return "offline";
  if (facts.doNotDisturb) return "dnd";
  if (facts.tabs && !facts.active) return "away";
  return "available";
}

/** How a presence word reads to people (the dot's colour is never the only sign). */
export const PRESENCE_LABELS: Readonly<Record<Presence, string>> = {
  available: "Available",
  "on-call": "On a call",
  away: "Away",
  dnd: "Do not disturb",
  offline: "Offline",
};
