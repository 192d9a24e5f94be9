/**
 * `POST /api/auth/password-reset`: sets a new password with the token of an admin's reset link.
 * Every refusal of the link (unknown, used, expired, its account deactivated) is one identical
 * 403, so the answer tells nothing about which links exist. A success ends every session of the
 * account and signs nobody in: the person signs in with the new password (the page says so).
 */
import { Hono } from "hono";
import { PasswordResetBody } from "../../../shared/api.ts";
import { problem } from "../../../shared/http/problem.ts";
import { jsonBody } from "../../../shared/http/validate.ts";
import { INVALID_RESET, type PasswordResets } from "../../auth/password-reset.ts";
import type { AppEnv } from "../../http/env.ts";
import type { Logger } from "../../log.ts";
import { perAddressPerMinute } from "../../middleware/rate-limit.ts";

export interface PasswordResetRouteDeps {
  passwordResets: Pick<PasswordResets, "redeem">;
  logger: Logger;
  /** Attempts per client address, as for sign-ins: each good link costs a password hash. */
  limit: { perSourcePerMinute: number; trustedProxies: readonly string[] };
}

/** The reset route, to mount at `/api/auth/password-reset` (and for the page's form adapter). */
export function passwordResetRoutes(deps: PasswordResetRouteDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { perSourcePerMinute, trustedProxies } = deps.limit;
  const perSource = perAddressPerMinute(
    perSourcePerMinute,
    trustedProxies,
    "Too many attempts from this address. Try again in a minute.",
  );
  app.post("/", perSource, jsonBody(PasswordResetBody), async (c) => {
    const { token, newPassword } = c.req.valid("json");
    c.header("cache-control", "no-store");
    const outcome = await deps.passwordResets.redeem(token, newPassword);
    if (outcome.kind === "invalid") throw problem(403, INVALID_RESET);
    if (outcome.kind === "busy") {
      throw problem(503, "CareFlow is very busy right now. Try again in a few seconds.", {}, {
        "retry-after": "5",
      });
    }
    // Never the token or the password: whose password was reset.
    deps.logger.info("password reset by link", { care4wId: outcome.user.care4wId });
    return c.body(null, 204);
  });
  return app;
}
