/**
 * RFC 9457 problem details. Every error the agent sends uses this shape so web, Kamailio logs and
 * operators read one format. Details never carry secrets, HA1 values or signatures.
 */
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Problem } from "../../../shared/agent-contract.ts";

const TYPE_BASE = "https://careflow.local/problems/";

/** Stable problem types the agent emits (the URI tail). */
export type ProblemKind =
  | "bad-request"
  | "unauthorized"
  | "not-found"
  | "payload-too-large"
  | "unavailable"
  | "internal";

const TITLES: Record<ProblemKind, string> = {
  "bad-request": "Malformed request",
  "unauthorized": "Request signature refused",
  "not-found": "Not found",
  "payload-too-large": "Request body too large",
  "unavailable": "Dependency unavailable",
  "internal": "Internal error",
};

/** Builds the problem document (exported for tests and for non-Hono callers). */
export function problemBody(kind: ProblemKind, status: number, detail?: string): Problem {
  const body: Problem = { type: TYPE_BASE + kind, title: TITLES[kind], status };
  if (detail) body.detail = detail;
  return body;
}

/** Sends a problem+json response. */
export function problem(
  c: Context,
  status: ContentfulStatusCode,
  kind: ProblemKind,
  detail?: string,
): Response {
  return c.body(JSON.stringify(problemBody(kind, status, detail)), status, {
    "content-type": "application/problem+json",
  });
}
