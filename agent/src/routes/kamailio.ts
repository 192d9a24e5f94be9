/**
 * Kamailio's synchronous callbacks. Each blocks a SIP worker while it runs, so the hot path is one
 * Redis round trip, no logging, and counters only. 404 means "no such credentials / no such user";
 * 503 means "cannot tell right now" and Kamailio must never treat it as success.
 */
import { Hono } from "hono";
import { isCare4wId, normalizeCare4wId } from "../../../shared/care4w-id.ts";
import {
  kamailioAuthQuerySchema,
  kamailioRouteQuerySchema,
} from "../../../shared/agent-contract.ts";
import { digestHa1, parseEphemeralUsername } from "../../../shared/sip-credentials.ts";
import { problem } from "../http/problem.ts";
import type { AgentMetrics } from "../metrics/agent-metrics.ts";
import { DirectoryUnavailableError, type SubscriberDirectory } from "../subscribers/directory.ts";

/** What the Kamailio routes need. */
export interface KamailioRouteDeps {
  directory: SubscriberDirectory;
  metrics: AgentMetrics;
  sipDomain: string;
  sipCredentialSecret: string;
  /** Clock in unix seconds (tests move it). */
  nowSeconds: () => number;
}

type AuthOutcome = { ha1: string } | null;

/** Builds `/kamailio/auth` and `/kamailio/route`. */
export function kamailioRoutes(deps: KamailioRouteDeps): Hono {
  const { directory, metrics } = deps;
  const app = new Hono();

  async function resolveAuth(user: string, realm: string): Promise<AuthOutcome> {
    if (realm !== deps.sipDomain) return null;
    if (isCare4wId(user)) {
      // Long-lived credentials (SIP phones): the stored HA1 is the answer.
      const sub = await directory.lookup(user);
      return sub?.active && sub.ha1 ? { ha1: sub.ha1 } : null;
    }
    const ephemeral = parseEphemeralUsername(deps.sipCredentialSecret, user, deps.nowSeconds());
    if (!ephemeral) return null;
    // The HMAC proves web issued the username, but a user deactivated since then must be refused
    // at once, so the active flag is still read (the same single Redis round trip).
    const sub = await directory.lookup(ephemeral.care4wId);
    return sub?.active ? { ha1: digestHa1(user, realm, ephemeral.password) } : null;
  }

  app.get("/auth", async (c) => {
    const started = performance.now();
    try {
      const query = kamailioAuthQuerySchema.safeParse({
        user: c.req.query("user"),
        realm: c.req.query("realm"),
      });
      if (!query.success) {
        metrics.authLookups.inc({ result: "invalid" });
        return problem(c, 400, "bad-request", "query needs user and realm (visible ASCII)");
      }
      const outcome = await resolveAuth(query.data.user, query.data.realm);
      if (!outcome) {
        metrics.authLookups.inc({ result: "not_found" });
        return problem(c, 404, "not-found");
      }
      metrics.authLookups.inc({ result: "ok" });
      return c.json(outcome);
    } catch (error) {
      metrics.authLookups.inc({ result: "error" });
      return unavailable(c, error);
    } finally {
      metrics.authLatency.observe((performance.now() - started) / 1000);
    }
  });

  app.get("/route", async (c) => {
    const query = kamailioRouteQuerySchema.safeParse({ to: c.req.query("to") });
    if (!query.success) {
      metrics.routeLookups.inc({ result: "invalid" });
      return problem(c, 400, "bad-request", "query needs to (visible ASCII)");
    }
    const care4wId = normalizeCare4wId(query.data.to);
    try {
      const sub = care4wId ? await directory.lookup(care4wId) : null;
      if (!care4wId || !sub?.active) {
        metrics.routeLookups.inc({ result: "not_found" });
        return problem(c, 404, "not-found");
      }
      metrics.routeLookups.inc({ result: "ok" });
      return c.json({ user: care4wId });
    } catch (error) {
      metrics.routeLookups.inc({ result: "error" });
      return unavailable(c, error);
    }
  });

  return app;
}

function unavailable(c: Parameters<typeof problem>[0], error: unknown): Response {
  if (error instanceof DirectoryUnavailableError) {
    return problem(c, 503, "unavailable", `${error.source} unavailable`);
  }
  throw error;
}
