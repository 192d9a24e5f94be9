import { Hono } from "hono";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { problem, validationProblem } from "../../../shared/http/problem.ts";
import { jsonBody, queryOf } from "../../../shared/http/validate.ts";
import { sequenceFromCare4wId } from "../../../shared/care4w-id.ts";
import { care4wIdSchema } from "../../../shared/schemas.ts";
import { z } from "zod";
import type { AppEnv } from "../../http/env.ts";
import type { Logger } from "../../log.ts";
import { requireUser } from "../../middleware/session.ts";
import type { RecordingService } from "../../recordings/mod.ts";
import type { AgentClient } from "../../sip/agent-client.ts";
import type { SubscriberSync } from "../../sip/mod.ts";
import { passwordResetLink, type PasswordResets } from "../../auth/password-reset.ts";
import type { SessionStore, User, UserListStore, UserStore } from "../../store/mod.ts";
import { type InvitationRouteDeps, invitationRoutes } from "./invitations.ts";
import { type AdminSystemDeps, adminSystemRoutes } from "./admin-system.ts";

export interface AdminDeps {
  users: Pick<UserStore, "findUserById" | "findUserByCare4wId" | "updateUser"> & UserListStore;
  sessions: Pick<SessionStore, "deleteUserSessions">;
  /** Present when SIP is configured: deactivations must reach Kamailio through the agent. */
  agent: AgentClient | undefined;
  /** Present when SIP is configured: a reactivated subscriber is sent to the agent again. */
  sip?: SubscriberSync;
  logger: Logger;
  recordings: Pick<RecordingService, "verifyTrail">;
  /** Invitations to sign up (`/invitations`), and where their links point. */
  invitations: InvitationRouteDeps["invitations"];
  /** One-time password-reset links for local accounts. */
  passwordResets: Pick<PasswordResets, "issue" | "cancel">;
  publicUrl: string | undefined;
  /** The access trail's filtered view (`/access-trail`). */
  trail: AdminSystemDeps["trail"];
  /** System health (`/health`). */
  health: AdminSystemDeps["health"];
  now: () => Date;
}

const RoleBody = z.object({ role: z.enum(["user", "admin"]) }).strict();
const UserListQuery = z.object({
  after: care4wIdSchema.optional(),
  /** Part of a name, email or CareFlow ID; blank lists everyone. */
  q: z.string().trim().max(100, "must be at most 100 characters")
    .refine((text) => !/[\p{Cc}]/u.test(text), "must not contain control characters")
    .optional(),
}).strict();
/** People per page of `GET /users`. */
const PAGE = 100;

/** 403 problem+json unless the signed-in user is an admin. */
const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
  if (c.get("user")?.role !== "admin") throw problem(403, "Only administrators may do this.");
  await next();
});

/** The user the path's CareFlow ID names: 400 when malformed, 404 when nobody has it. */
async function targetOf(c: Context<AppEnv>, deps: AdminDeps): Promise<User> {
  const parsed = care4wIdSchema.safeParse(c.req.param("care4wId"));
  if (!parsed.success) throw validationProblem(parsed.error, "path");
  const target = await deps.users.findUserByCare4wId(parsed.data);
  if (!target) throw problem(404, "Nobody has this CareFlow ID.");
  return target;
}

/**
 * What an admin sees of a colleague: never a password hash, a Firebase uid or a phone password,
 * only whether they have one.
 */
function personView(user: User, phonePassword: boolean) {
  return {
    care4wId: user.care4wId,
    displayName: user.displayName,
    email: user.email,
    role: user.role,
    active: user.isActive,
    /** A local password (reset links work) rather than Firebase sign-in. */
    local: user.passwordHash !== null,
    lastLoginAt: user.lastLoginAt?.toISOString() ?? null,
    /** A SIP phone password is set (desk phone or mobile SIP app). */
    phonePassword,
  };
}

/**
 * `/api/admin/*`. `POST /users/:care4wId/deactivate` turns the account off, ends its sessions,
 * drops a pending password-reset link (reactivating must not revive it) and tells the agent to
 * forget the subscriber (so Kamailio drops its registrations). Idempotent:
 * deactivating again pushes again, which is how an operator can repair a missed push.
 * `/reactivate` undoes it. `GET /users` lists (or, with `q`, searches) people; `/role` makes
 * admins and users; `/password-reset` issues a one-time link. `/invitations` (invitations.ts)
 * lets admins invite colleagues to sign up; `/access-trail` and `/health` are admin-system.ts.
 */
export function adminRoutes(deps: AdminDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use("*", requireUser, requireAdmin);
  app.route("/invitations", invitationRoutes(deps));
  app.route("/", adminSystemRoutes({ trail: deps.trail, users: deps.users, health: deps.health }));

  // `q` searches on the server, a page at a time like the whole list.
  app.get("/users", queryOf(UserListQuery), async (c) => {
    const { after, q } = c.req.valid("query");
    const from = after ? sequenceFromCare4wId(after)! : 0;
    const users = q
      ? await deps.users.searchUsers(q, from, PAGE + 1)
      : await deps.users.listUsers(from, PAGE + 1);
    const shown = users.slice(0, PAGE);
    const withPhone = new Set(await deps.users.withPhonePassword(shown.map((u) => u.id)));
    c.header("cache-control", "no-store");
    return c.json({
      users: shown.map((user) => personView(user, withPhone.has(user.id))),
      next: users.length > PAGE ? users[PAGE - 1].care4wId : null,
    });
  });

  app.post("/users/:care4wId/deactivate", async (c) => {
    const target = await targetOf(c, deps);
    if (target.id === c.get("user")!.id) {
      throw problem(409, "You cannot deactivate your own account.");
    }
    await deps.users.updateUser(target.id, { isActive: false });
    await deps.sessions.deleteUserSessions(target.id);
    await deps.passwordResets.cancel(target.id);
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

  app.post("/users/:care4wId/reactivate", async (c) => {
    const target = await targetOf(c, deps);
    await deps.users.updateUser(target.id, { isActive: true });
    // The whole current state (credentials, name, settings) goes back to the agent.
    const delivered = deps.sip ? await deps.sip.syncSubscriber(target.care4wId) : true;
    deps.logger.info("user reactivated", {
      care4wId: target.care4wId,
      by: c.get("user")!.care4wId,
      agentUpdated: delivered,
    });
    return c.json({ care4wId: target.care4wId, active: true });
  });

  // Admins make admins (the first one is the operator's: `deno task admin promote <email>`).
  // Anyone may stop being one, themselves included, except the last active admin.
  app.post("/users/:care4wId/role", jsonBody(RoleBody), async (c) => {
    const target = await targetOf(c, deps);
    const { role } = c.req.valid("json");
    if (role === "admin") await deps.users.updateUser(target.id, { role });
    else {
      const outcome = await deps.users.demoteAdmin(target.id, deps.now());
      if (outcome === "last-admin") {
        throw problem(
          409,
          "This is the last active admin: make someone else an admin first, so someone can " +
            "still run CareFlow.",
        );
      }
    }
    deps.logger.info("role changed", {
      care4wId: target.care4wId,
      role,
      by: c.get("user")!.care4wId,
    });
    return c.json({ care4wId: target.care4wId, role });
  });

  app.post("/users/:care4wId/password-reset", async (c) => {
    const target = await targetOf(c, deps);
    const by = c.get("user")!.care4wId;
    const result = await deps.passwordResets.issue(target, by);
    if (result.kind === "not-local") {
      throw problem(409, "This account signs in with Firebase: reset it there.");
    }
    if (result.kind === "inactive") {
      throw problem(409, "This account is deactivated: reactivate it first.");
    }
    // Never the token or the link: the log says who issued one for whom.
    deps.logger.info("password reset link issued", { care4wId: target.care4wId, by });
    // A fresh link is a secret: no cache may keep the answer.
    c.header("cache-control", "no-store");
    return c.json({
      link: passwordResetLink(deps.publicUrl ?? c.req.url, result.token),
      expiresAt: result.reset.expiresAt.toISOString(),
    }, 201);
  });

  // The auditor's check: walks the whole access trail and names the first entry that was altered.
  app.get("/access-trail/verify", async (c) => {
    c.header("cache-control", "no-store");
    return c.json(await deps.recordings.verifyTrail());
  });

  return app;
}
