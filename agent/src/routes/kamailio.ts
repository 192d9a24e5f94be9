/**
 * Kamailio's synchronous callbacks. Each blocks a SIP worker while it runs, so the hot path is one
 * Redis round trip, no logging, and counters only. 404 means "no such credentials / no such user";
 * 503 means "cannot tell right now" and Kamailio must never treat it as success.
 */
import { timingSafeEqual } from "node:crypto";
import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { isCare4wId, normalizeCare4wId } from "../../../shared/care4w-id.ts";
import {
  kamailioAuthQuerySchema,
  kamailioCallQuerySchema,
  kamailioHa1PageQuerySchema,
  kamailioRouteQuerySchema,
} from "../../../shared/agent-contract.ts";
import { problem } from "../../../shared/http/problem.ts";
import { queryOf } from "../../../shared/http/validate.ts";
import { digestHa1, parseEphemeralUsername } from "../../../shared/sip-credentials.ts";
import type { AgentMetrics } from "../metrics/agent-metrics.ts";
import type { Counter, Histogram } from "../metrics/registry.ts";
import { DirectoryUnavailableError, type SubscriberDirectory } from "../subscribers/directory.ts";
import type { Subscriber } from "../subscribers/store.ts";
import { callInfo } from "../subscribers/call-info.ts";
import type { Ha1Pages } from "../kamailio/ha1-pages.ts";

/** What the Kamailio routes need. */
export interface KamailioRouteDeps {
  directory: SubscriberDirectory;
  metrics: AgentMetrics;
  sipDomain: string;
  sipCredentialSecret: string;
  /** Clock in unix seconds (tests move it). */
  nowSeconds: () => number;
  /**
   * Kamailio proves itself with HTTP Basic `kamailio:<secret>` (set in its httpcon): these routes
   * answer password-equivalents (HA1s), which no other local process may read. Null: unchecked
   * (the agent warns at start).
   */
  apiSecret: string | null;
  /** Every long-lived HA1 in pages, for a starting Kamailio's cache (kamailio/ha1-pages.ts). */
  ha1Pages?: Ha1Pages;
}

/** `Authorization` is Basic `kamailio:<secret>`, compared in constant time. */
function isKamailio(authorization: string | undefined, secret: string): boolean {
  const expected = new TextEncoder().encode(`Basic ${btoa(`kamailio:${secret}`)}`);
  const given = new TextEncoder().encode(authorization ?? "");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The `result` label of a lookup answer; a thrown error has become a 5xx by then. */
function lookupResult(status: number): string {
  if (status === 200) return "ok";
  if (status === 404) return "not_found";
  if (status === 400) return "invalid";
  return "error";
}

/**
 * Counts every answer of a lookup by its final status (and times it), however it was produced:
 * the handler, the query validator or the error handler. Keeps handlers free of bookkeeping.
 */
function countLookups(counter: Counter, latency?: Histogram) {
  return createMiddleware(async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      counter.inc({ result: lookupResult(c.res.status) });
      latency?.observe((performance.now() - started) / 1000);
    }
  });
}

/** Builds `/kamailio/auth`, `/kamailio/route`, `/kamailio/call` and `/kamailio/ha1s`. */
export function kamailioRoutes(deps: KamailioRouteDeps): Hono {
  const { metrics } = deps;
  const app = new Hono();
  if (deps.apiSecret) {
    const secret = deps.apiSecret;
    app.use("*", async (c, next) => {
      if (!isKamailio(c.req.header("authorization"), secret)) {
        c.header("www-authenticate", 'Basic realm="careflow-agent"');
        throw problem(401, "Only Kamailio may ask.");
      }
      await next();
    });
  }

  /** The directory's answer; "cannot tell" becomes a 503 naming what is down. */
  async function lookup(care4wId: string): Promise<Subscriber | null> {
    try {
      return await deps.directory.lookup(care4wId);
    } catch (error) {
      if (error instanceof DirectoryUnavailableError) {
        throw problem(503, `${error.source} unavailable`);
      }
      throw error;
    }
  }

  async function resolveAuth(user: string, realm: string): Promise<{ ha1: string } | null> {
    if (realm !== deps.sipDomain) return null;
    if (isCare4wId(user)) {
      // Long-lived credentials (SIP phones): the stored HA1 is the answer.
      const sub = await lookup(user);
      return sub?.active && sub.ha1 ? { ha1: sub.ha1 } : null;
    }
    const ephemeral = parseEphemeralUsername(deps.sipCredentialSecret, user, deps.nowSeconds());
    if (!ephemeral) return null;
    // The HMAC proves web issued the username, but a user deactivated since then must be refused
    // at once, so the active flag is still read (the same single Redis round trip).
    const sub = await lookup(ephemeral.care4wId);
    return sub?.active ? { ha1: digestHa1(user, realm, ephemeral.password) } : null;
  }

  app.get(
    "/auth",
    countLookups(metrics.authLookups, metrics.authLatency),
    queryOf(kamailioAuthQuerySchema),
    async (c) => {
      const { user, realm } = c.req.valid("query");
      const outcome = await resolveAuth(user, realm);
      if (!outcome) throw problem(404);
      return c.json(outcome);
    },
  );

  app.get(
    "/route",
    countLookups(metrics.routeLookups),
    queryOf(kamailioRouteQuerySchema),
    async (c) => {
      const care4wId = normalizeCare4wId(c.req.valid("query").to);
      const sub = care4wId ? await lookup(care4wId) : null;
      if (!care4wId || !sub?.active) throw problem(404);
      return c.json({ user: care4wId });
    },
  );

  // What Kamailio needs for one call of an authenticated caller (or a call in from the trunk):
  // the callee, the caller's CareFlow name, who records, the caller's number, and whether the
  // callee's settings refuse it. Caller and callee are read at once (the settings are in the
  // same hash), so this costs what `/route` costs.
  app.get(
    "/call",
    // Counted with the route lookups: it is the route lookup of an authenticated call.
    countLookups(metrics.routeLookups),
    queryOf(kamailioCallQuerySchema),
    async (c) => {
      const { from, to, fromUser, assertedUser, privacy } = c.req.valid("query");
      const callee = normalizeCare4wId(to);
      const [caller, calleeSub] = await Promise.all([
        isCare4wId(from) ? lookup(from) : null,
        callee ? lookup(callee) : null,
      ]);
      const callerId = { fromUser, assertedUser, privacy };
      const answer = callInfo({ from, to, caller, callee, calleeSub, callerId });
      if ("status" in answer) throw problem(answer.status);
      return c.json(answer);
    },
  );

  // A starting Kamailio reads every long-lived HA1 into its cache, page by page (ha1-pages.ts).
  app.get("/ha1s", queryOf(kamailioHa1PageQuerySchema), async (c) => {
    if (!deps.ha1Pages) throw problem(404, "The HA1 pages are not served here.");
    const body = await deps.ha1Pages.page(c.req.valid("query").page).catch(() => {
      throw problem(503, "redis unavailable");
    });
    return c.text(body);
  });

  return app;
}
