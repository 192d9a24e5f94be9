/**
 * RFC 9457 problem details: the one error type of every CareFlow HTTP API (web and agent). It is a
 * Hono `HTTPException`, so a handler or middleware throws it and the app's error handler answers
 * with `application/problem+json`. Runtime-neutral (Deno and Bun).
 */
import type { Context, ErrorHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ZodError } from "zod";

/** Base of every problem `type` URI we send. */
export const PROBLEM_TYPE_BASE = "https://careflow.local/problems/";

/** An RFC 9457 problem document. */
export interface Problem {
  type?: string;
  title: string;
  status: number;
  detail?: string;
  /** Validation failures: which field, and what is wrong with it. */
  errors?: { field: string; message: string }[];
  [extension: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/** Thrown anywhere in a handler or middleware to answer with a problem document. */
export class HttpProblem extends HTTPException {
  constructor(readonly problem: Problem, readonly headers: Record<string, string> = {}) {
    // A problem is an answer, not a bug: no stack is ever shown or logged, and capturing one
    // was the dearest part of a 401 (measured with `deno task bench:web`).
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(problem.status as ContentfulStatusCode, { message: problem.detail ?? problem.title });
    Error.stackTraceLimit = limit;
    this.name = "HttpProblem";
  }

  /** The `application/problem+json` response, with any extra headers (e.g. Retry-After). */
  override getResponse(): Response {
    return new Response(JSON.stringify(this.problem), {
      status: this.problem.status,
      headers: { ...this.headers, "content-type": "application/problem+json" },
    });
  }
}

/** Builds a problem for a status with a human-readable detail. */
export function problem(
  status: number,
  detail?: string,
  extra: Partial<Problem> = {},
  headers: Record<string, string> = {},
): HttpProblem {
  const body: Problem = { title: TITLES[status] ?? "Error", status, ...extra };
  if (detail !== undefined) body.detail = detail;
  return new HttpProblem(body, headers);
}

/** A 400 listing each offending field of a failed zod validation of the request's `what`. */
export function validationProblem(error: ZodError, what = "request"): HttpProblem {
  const errors = error.issues.map((issue) => ({
    field: issue.path.join(".") || "(root)",
    message: issue.message,
  }));
  const fields = [...new Set(errors.map((e) => e.field))].join(", ");
  return problem(400, `The ${what} is invalid: ${fields}.`, {
    type: `${PROBLEM_TYPE_BASE}validation`,
    errors,
  });
}

/**
 * The problem an error stands for: itself, or Hono's own `HTTPException` (a malformed JSON body,
 * a body over the limit) as a problem with its status; null for anything unexpected.
 */
export function problemOf(error: unknown): HttpProblem | null {
  if (error instanceof HttpProblem) return error;
  if (error instanceof HTTPException) return problem(error.status, error.message || undefined);
  return null;
}

/**
 * The app's `onError`: problems answer as themselves; anything else is reported to `unexpected`
 * (which must not log request data or secrets) and answers a bare 500 problem.
 */
export function problemHandler(
  // deno-lint-ignore no-explicit-any -- any app's context, whatever its variables
  unexpected: (error: unknown, request: { method: string; path: string }, c: Context<any>) => void,
): ErrorHandler {
  return (error, c) => {
    const known = problemOf(error);
    if (known) return known.getResponse();
    unexpected(error, { method: c.req.method, path: c.req.path }, c);
    return problem(500, "Something went wrong on our side. Please try again.").getResponse();
  };
}
