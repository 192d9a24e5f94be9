/**
 * Reading configuration from the environment, the same way in web and agent: empty strings count
 * as unset (`FOO=` in a .env file falls back to the default), and every bad variable is reported
 * at once, by name and why, never by value (it may be a secret).
 */
import type { z } from "zod";

/** A configuration problem, worded for the person starting the process. */
export class ConfigError extends Error {
  override name = "ConfigError";

  /** One `NAME: why` per bad variable. */
  constructor(readonly issues: string[]) {
    // One issue stays on one line (what scripts and people grep for); several become a list.
    super(
      issues.length === 1
        ? `invalid configuration: ${issues[0]}`
        : `invalid configuration:\n${issues.map((issue) => `  - ${issue}`).join("\n")}`,
    );
  }
}

/**
 * Validates the variables `schema` names; throws {@link ConfigError} listing every issue. Rules
 * that relate several variables go in `related`, which reads the raw values that are set and
 * returns `NAME: why` lines: unlike zod refinements, they are reported even when some single
 * value is also wrong.
 */
export function readEnv<S extends z.ZodObject>(
  schema: S,
  env: Record<string, string | undefined>,
  related: (present: Record<string, string>) => string[] = () => [],
): z.output<S> {
  const present: Record<string, string> = {};
  for (const name of Object.keys(schema.shape)) {
    const value = env[name];
    if (value !== undefined && value !== "") present[name] = value;
  }
  const parsed = schema.safeParse(present);
  const issues = parsed.success ? [] : parsed.error.issues.map((issue) => {
    const name = issue.path.join(".") || "environment";
    const missing = issue.code === "invalid_type" && present[name] === undefined;
    return `${name}: ${missing ? "is required" : issue.message}`;
  });
  issues.push(...related(present));
  if (issues.length > 0 || !parsed.success) throw new ConfigError(issues);
  return parsed.data;
}
