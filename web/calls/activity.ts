/**
 * Whether a tab is active (its page visible and used recently): the hub address
 * `active:<userId>` holds one connection per active tab, so any instance can tell "away" from
 * "available" with the hub's presence count, as `busy:` tells "on a call". A tab counts as active
 * from the moment it connects (a page just opened was just used; a tab that never reports, an
 * older page, is never called away on no evidence). Its page's `activity` frames then decide:
 * `true` (visible and used just now) keeps it active for `awayAfterMs` more, `false` (hidden)
 * ends that at once, as does the tab going.
 */
import type { Runtime } from "./runtime.ts";
import type { Tab } from "./types.ts";

/** Hub address online while at least one of the user's tabs is active. */
export const activeAddress = (userId: string) => `active:${userId}`;

/** Idle this long, a tab no longer counts as active (five minutes unless configured). */
export const DEFAULT_AWAY_AFTER_MS = 5 * 60_000;

/**
 * Notes what a tab said of itself (or what its idle timer found): registers the tab at the
 * user's active address, or unregisters it. `idle` (the `activity` frame's case) arms the timer
 * that makes the tab inactive once `awayAfterMs` pass without another frame; a tab connecting
 * arms none, so a page that never reports stays as it was. Serial per connection, so a quick
 * hide-show never leaves the registration in the wrong state.
 */
export function noteActivity(
  rt: Runtime,
  tab: Tab,
  connectionId: string,
  active: boolean,
  idle = true,
): Promise<void> {
  return rt.serial.run(`activity:${connectionId}`, async () => {
    const mark = tab.activity;
    mark?.timer?.cancel();
    if (!active || !rt.tabs.has(connectionId)) {
      tab.activity = undefined;
      if (mark) await (await mark.registration)();
      return;
    }
    const awayAfter = rt.options.awayAfterMs ?? DEFAULT_AWAY_AFTER_MS;
    const timer = idle
      ? rt.clock.setTimer(
        awayAfter,
        () => void noteActivity(rt, tab, connectionId, false).catch(rt.onError),
      )
      : undefined;
    const registration = mark?.registration ??
      rt.hub.register(activeAddress(tab.user.userId), `${connectionId}:active`, () => {});
    tab.activity = { registration, timer };
    await registration;
  });
}

/** The tab is gone (or the service closes): it is active no more. */
export function dropActivity(rt: Runtime, tab: Tab, connectionId: string): Promise<void> {
  return noteActivity(rt, tab, connectionId, false);
}
