/** `/api/me/settings`: a user's own choices about their calls and recordings. */
import { Hono } from "hono";
import { z } from "zod";
import { PhoneNumberInput, type UserSettings, UserSettingsPatch } from "../../../shared/api.ts";
import { problem } from "../../../shared/http/problem.ts";
import { jsonBody, queryOf } from "../../../shared/http/validate.ts";
import type { AppEnv } from "../../http/env.ts";
import { requireUser } from "../../middleware/session.ts";
import type { RecordingsConfig } from "../../recordings/config.ts";
import type { SubscriberSync } from "../../sip/mod.ts";
import { StoreConflictError, type User, type UserStore } from "../../store/mod.ts";

const TAKEN = "That number is already registered in CareFlow. Choose another one.";
const PersonalPhoneQuery = z.object({ number: PhoneNumberInput });

/** The user's retention, kept within the organisation's bounds (which may have changed since). */
export function boundedRetention(user: User, bounds: RecordingsConfig["retention"]): number {
  return Math.min(bounds.maxDays, Math.max(bounds.minDays, user.retentionDays));
}

function settingsOf(user: User, bounds: RecordingsConfig["retention"]): UserSettings {
  return {
    recordCalls: user.recordCalls,
    retentionDays: boundedRetention(user, bounds),
    hasGreeting: user.voicemailGreetingKey !== null,
    personalPhone: user.personalPhone,
    retentionBounds: bounds,
  };
}

/** What changing a user's call settings needs. */
export interface CallSettingsDeps {
  users: Pick<UserStore, "updateUser">;
  /** The organisation's own numbers (Twilio's, the trunk's): nobody's personal phone. */
  organisationNumbers: string[];
  retention: RecordingsConfig["retention"];
  /**
   * With SIP configured: Kamailio asks the agent whose setting records a call, so a change of
   * "record my calls" is pushed to the agent like every other subscriber change.
   */
  sip?: SubscriberSync;
}

/**
 * Changes the user's own call settings (`recordCalls`, `retentionDays`, `personalPhone`): the
 * one path for `/api/me/settings` and `/api/users/settings` (whose `privacy.autoRecord` and
 * `privacy.retentionDays` are these fields). Retention out of bounds is a 400, a taken number a
 * 409, both before anything is written; a change of `recordCalls` reaches the agent.
 */
export async function changeCallSettings(
  deps: CallSettingsDeps,
  before: User,
  body: { recordCalls?: boolean; retentionDays?: number; personalPhone?: string | null },
): Promise<User> {
  const { minDays, maxDays } = deps.retention;
  if (
    body.retentionDays !== undefined &&
    (body.retentionDays < minDays || body.retentionDays > maxDays)
  ) {
    throw problem(400, `Recordings are kept between ${minDays} and ${maxDays} days here.`, {
      errors: [{ field: "retentionDays", message: `must be ${minDays}-${maxDays}` }],
    });
  }
  if (body.personalPhone && deps.organisationNumbers.includes(body.personalPhone)) {
    throw problem(409, TAKEN, { errors: [{ field: "personalPhone", message: "is taken" }] });
  }
  const updated = await deps.users.updateUser(before.id, body).catch((error) => {
    if (error instanceof StoreConflictError && error.field === "personalPhone") {
      throw problem(409, TAKEN, { errors: [{ field: "personalPhone", message: "is taken" }] });
    }
    throw error;
  });
  if (!updated) throw problem(404, "This account no longer exists.");
  if (deps.sip && updated.recordCalls !== before.recordCalls) {
    await deps.sip.syncSubscriber(updated.care4wId);
  }
  return updated;
}

/** The settings routes. */
export function settingsRoutes(
  deps: CallSettingsDeps & { users: Pick<UserStore, "updateUser" | "findUserByPersonalPhone"> },
): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use("*", requireUser);

  app.get("/", (c) => {
    c.header("cache-control", "no-store");
    return c.json({ settings: settingsOf(c.get("user")!, deps.retention) });
  });

  // Whether a number can be registered: free, or already this user's. Says nothing of who has it.
  app.get("/personal-phone", queryOf(PersonalPhoneQuery), async (c) => {
    const { number } = c.req.valid("query");
    const holder = await deps.users.findUserByPersonalPhone(number);
    const available = !deps.organisationNumbers.includes(number) &&
      (holder === null || holder.id === c.get("user")!.id);
    c.header("cache-control", "no-store");
    return c.json({ number, available });
  });

  app.patch("/", jsonBody(UserSettingsPatch), async (c) => {
    const updated = await changeCallSettings(deps, c.get("user")!, c.req.valid("json"));
    c.header("cache-control", "no-store");
    return c.json({ settings: settingsOf(updated, deps.retention) });
  });

  return app;
}
