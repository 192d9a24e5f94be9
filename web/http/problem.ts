import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ZodError } from "zod";

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

/** Thrown anywhere in a handler to answer with a problem document. */
export class HttpProblem extends Error {
  constructor(readonly problem: Problem, readonly headers: Record<string, string> = {}) {
    super(problem.detail ?? problem.title);
    this.name = "HttpProblem";
  }
}

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/** Builds a problem for a status with a human-readable detail. */
export function problem(
  status: number,
  detail: string,
  extra: Partial<Problem> = {},
  headers: Record<string, string> = {},
): HttpProblem {
  return new HttpProblem({ title: TITLES[status] ?? "Error", status, detail, ...extra }, headers);
}

/** A 400 listing each offending field of a failed zod validation. */
export function validationProblem(error: ZodError, what = "request"): HttpProblem {
  const errors = error.issues.map((issue) => ({
    field: issue.path.join(".") || "(root)",
    message: issue.message,
  }));
  const fields = [...new Set(errors.map((e) => e.field))].join(", ");
  return problem(400, `The ${what} is invalid: ${fields}.`, {
    type: "https://careflow.local/problems/validation",
    errors,
  });
}

/** Writes a problem as `application/problem+json`. */
export function sendProblem(c: Context, error: HttpProblem): Response {
  for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
  return c.newResponse(
    JSON.stringify(error.problem),
    error.problem.status as ContentfulStatusCode,
    {
      "content-type": "application/problem+json",
    },
  );
}
