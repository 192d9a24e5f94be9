import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { problem, validationProblem } from "../../../shared/http/problem.ts";
import { jsonBody } from "../../../shared/http/validate.ts";
import { care4wIdSchema } from "../../../shared/schemas.ts";
import { z } from "zod";
import type { AppEnv } from "../../http/env.ts";
import type { Logger } from "../../log.ts";
import { requireUser } from "../../middleware/session.ts";
import type { RecordingService } from "../../recordings/mod.ts";
import type { AgentClient } from "../../sip/agent-client.ts";
import type { SessionStore, UserStore } from "../../store/mod.ts";
import { type InvitationRouteDeps, invitationRoutes } from "./invitations.ts";

export interface AdminDeps {
  users: Pick<UserStore, "findUserByCare4wId" | "updateUser">;
  sessions: Pick<SessionStore, "deleteUserSessions">;
  /** Present when SIP is configured: deactivations must reach Kamailio through the agent. */
  agent: AgentClient | undefined;
  logger: Logger;
  recordings: Pick<RecordingService, "verifyTrail">;
  /** Invitations to sign up (`/invitations`), and where their links point. */
  invitations: InvitationRouteDeps["invitations"];
  publicUrl: string | undefined;
}

const RoleBody = z.object({ role: z.enum(["user", "admin"]) }).strict();

/** 403 problem+json unless the signed-in user is an admin. */
const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
  if (c.get("user")?.role !== "admin") throw problem(403, "Only administrators may do this.");
  await next();
});

/**
 * `/api/admin/*`. `POST /users/:care4wId/deactivate` turns the account off, ends its sessions
 * and tells the agent to forget the subscriber (so Kamailio drops its registrations). Idempotent:
 * deactivating again pushes again, which is how an operator can repair a missed push.
 * `/invitations` (invitations.ts) lets admins invite colleagues to sign up.
 */
export function adminRoutes(deps: AdminDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use("*", requireUser, requireAdmin);
  app.route("/invitations", invitationRoutes(deps));

  app.post("/users/:care4wId/deactivate", async (c) => {
    const parsed = care4wIdSchema.safeParse(c.req.param("care4wId"));
    if (!parsed.success) throw validationProblem(parsed.error, "path");
    const target = await deps.users.findUserByCare4wId(parsed.data);
    if (!target) throw problem(404, "Nobody has this CareFlow ID.");
    if (target.id === c.get("user")!.id) {
      throw problem(409, "You cannot deactivate your own account.");
    }
    await deps.users.updateUser(target.id, { isActive: false });
    await deps.sessions.deleteUserSessions(target.id);
    const delivered = deps.agent
      ? await deps.agent.push(target.care4wId, { kind: "delete" })
      : true;
    deps.logger.info("user deactivated", {
      care4wId: target.care4wId,
      by: c.get("user")!.care4wId,
      agentUpdated: delivered,
    });
    return c.json({ care4wId: target.care4wId, active: false });
  });

  // Admins make admins (the first one is the operator's: `deno task admin promote <email>`).
  app.post("/users/:care4wId/role", jsonBody(RoleBody), async (c) => {
    const parsed = care4wIdSchema.safeParse(c.req.param("care4wId"));
    if (!parsed.success) throw validationProblem(parsed.error, "path");
    const target = await deps.users.findUserByCare4wId(parsed.data);
    if (!target) throw problem(404, "Nobody has this CareFlow ID.");
    if (target.id === c.get("user")!.id) throw problem(409, "You cannot change your own role.");
    const { role } = c.req.valid("json");
    await deps.users.updateUser(target.id, { role });
    deps.logger.info("role changed", {
      care4wId: target.care4wId,
      role,
      by: c.get("user")!.care4wId,
    });
    return c.json({ care4wId: target.care4wId, role });
  });

  // The auditor's check: walks the whole access trail and names the first entry that was altered.
  app.get("/access-trail/verify", async (c) => {
    c.header("cache-control", "no-store");
    return c.json(await deps.recordings.verifyTrail());
  });

  return app;
}
