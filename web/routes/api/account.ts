import { Hono } from "hono";
import { getCookie } from "hono/cookie";
import {
  AccountPatch,
  LookupQuery,
  type LookupResponse,
  PasswordChangeBody,
  type TokenResponse,
} from "../../../shared/api.ts";
import { problem } from "../../../shared/http/problem.ts";
import type { AppEnv } from "../../http/env.ts";
import { jsonBody, queryOf } from "../../../shared/http/validate.ts";
import { userView } from "../../http/views.ts";
import { requireUser } from "../../middleware/session.ts";
import { DEVICE_COOKIE } from "../../auth/known-devices.ts";
import type { PasswordChange, PasswordChangeOutcome } from "../../auth/password-change.ts";
import type { Logger } from "../../log.ts";
import type { PresenceReader } from "../../people/presence.ts";
import type { SubscriberSync } from "../../sip/mod.ts";
import {
  type AccountSecurityStore,
  settingsOfUser,
  type UserSettingsStore,
  type UserStore,
} from "../../store/mod.ts";

export interface AccountDeps {
  users: Pick<UserStore, "findDirectoryEntry" | "updateUser">;
  callMode: TokenResponse["mode"];
  ringTimeoutSeconds: number;
  /** ICE servers for this user; a function because TURN credentials are per user and expire. */
  iceServers: (care4wId: string) => TokenResponse["iceServers"];
  /** Short-lived SIP credentials for the browser; only in sip mode. */
  sipCredentials?: (care4wId: string) => NonNullable<TokenResponse["sip"]>;
  /** A Twilio Voice token for the browser; only with Twilio configured. */
  twilioToken?: (care4wId: string) => NonNullable<TokenResponse["twilio"]>;
  /** The own password change (the sign-in's throttle and hash queue check the current one). */
  passwordChange: PasswordChange;
  sessions: Pick<AccountSecurityStore, "deleteOtherSessions">;
  /** With SIP configured: the agent shows the display name to callees, so a change is pushed. */
  sip?: SubscriberSync;
  logger: Logger;
  /** Whose privacy settings allow their presence to be shown. */
  settings: Pick<UserSettingsStore, "getUserSettings">;
  /** Whether a user has a live signaling tab (the hub's view, across instances). */
  online: (userId: string) => Promise<boolean>;
  /** The presence word colleagues see (people/presence.ts); without it the lookup has none. */
  presence?: Pick<PresenceReader, "shownOf">;
}

/**
 * `/api/me`, `/api/users/lookup`, `/api/token` and the account's own changes (`/api/account`):
 * everything needs a session.
 */
export function accountRoutes(deps: AccountDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/me", requireUser, (c) => c.json({ user: userView(c.get("user")!) }));

  app.get("/users/lookup", requireUser, queryOf(LookupQuery), async (c) => {
    const { care4wId } = c.req.valid("query");
    const found = await deps.users.findDirectoryEntry(care4wId);
    if (!found?.isActive) {
      c.header("cache-control", "private, max-age=30");
      return c.json({ exists: false } satisfies LookupResponse);
    }
    // Presence only for those who show it (privacy.showOnlineStatus); for the others the answer
    // is the seed's, so it says nothing about whether they are hiding.
    // The presence reader reads the settings itself (null: hidden), so they are read once.
    const presence = deps.presence ? await deps.presence.shownOf(found.id) : undefined;
    const shown = presence === undefined
      ? (await settingsOfUser(deps.settings, found.id)).privacy.showOnlineStatus
      : presence !== null;
    // `online` (a tab is open) stays for older pages; `presence` is the word to show.
    const online = shown ? await deps.online(found.id) : undefined;
    const answer: LookupResponse = shown
      ? { exists: true, displayName: found.displayName, online, ...(presence ? { presence } : {}) }
      : { exists: true, displayName: found.displayName };
    // Presence changes by the minute: a few seconds of caching, not the name's thirty.
    c.header("cache-control", shown ? "private, max-age=5" : "private, max-age=30");
    return c.json(answer);
  });

  app.get("/token", requireUser, (c) => {
    const user = c.get("user")!;
    const answer: TokenResponse = {
      token: null,
      mode: deps.callMode,
      care4wId: user.care4wId,
      ...(deps.callMode === "sip" && deps.sipCredentials
        ? { sip: deps.sipCredentials(user.care4wId) }
        : {}),
      iceServers: deps.iceServers(user.care4wId),
      ringTimeoutSeconds: deps.ringTimeoutSeconds,
      recordCalls: user.recordCalls,
      ...(deps.twilioToken ? { twilio: deps.twilioToken(user.care4wId) } : {}),
    };
    c.header("cache-control", "no-store");
    return c.json(answer);
  });

  accountChanges(app, deps);
  return app;
}

/**
 * `PATCH /account` (the display name), `POST /account/password` and
 * `POST /account/sessions/end-others` ("sign out of all other devices": this session stays;
 * `/api/auth/logout` ends this one). Ended sessions lose their signaling sockets within a second
 * (the socket's session recheck).
 */
function accountChanges(app: Hono<AppEnv>, deps: AccountDeps) {
  app.patch("/account", requireUser, jsonBody(AccountPatch), async (c) => {
    const { displayName } = c.req.valid("json");
    const user = c.get("user")!;
    const updated = (await deps.users.updateUser(user.id, { displayName }))!;
    // The agent names callers to SIP phones: it learns the new name like any profile change.
    if (deps.sip && updated.displayName !== user.displayName) {
      await deps.sip.syncSubscriber(updated.care4wId);
    }
    c.header("cache-control", "no-store");
    return c.json({ user: userView(updated) });
  });

  app.post("/account/password", requireUser, jsonBody(PasswordChangeBody), async (c) => {
    const body = c.req.valid("json");
    const user = c.get("user")!;
    const outcome = await deps.passwordChange({
      user,
      sessionKey: c.get("sessionKey")!,
      currentPassword: body.currentPassword,
      newPassword: body.newPassword,
      deviceCookie: getCookie(c, DEVICE_COOKIE),
    });
    if (outcome.kind !== "changed") throw changeRefusal(outcome);
    // Never the passwords: who, and how many other sessions ended.
    deps.logger.info("password changed", {
      care4wId: user.care4wId,
      endedSessions: outcome.endedSessions,
    });
    return c.json({ endedSessions: outcome.endedSessions });
  });

  app.post("/account/sessions/end-others", requireUser, async (c) => {
    const user = c.get("user")!;
    const endedSessions = await deps.sessions.deleteOtherSessions(user.id, c.get("sessionKey")!);
    deps.logger.info("other sessions ended", { care4wId: user.care4wId, endedSessions });
    return c.json({ endedSessions });
  });
}

/** The problem for a password change that did not change it. */
function changeRefusal(outcome: Exclude<PasswordChangeOutcome, { kind: "changed" }>) {
  switch (outcome.kind) {
    case "not-local":
      return problem(409, "Change it with your sign-in provider.");
    case "wrong":
      return problem(401, "The current password is wrong.", {
        errors: [{ field: "currentPassword", message: "is wrong" }],
      });
    case "busy":
      return problem(503, "CareFlow is very busy right now. Try again in a few seconds.", {}, {
        "retry-after": "5",
      });
    case "throttled": {
      const wait = outcome.retryAfterSeconds;
      const when = wait < 90 ? `${wait} s` : `${Math.ceil(wait / 60)} min`;
      return problem(429, `Too many wrong passwords. Try again in ${when}.`, {}, {
        "retry-after": String(wait),
      });
    }
  }
}
