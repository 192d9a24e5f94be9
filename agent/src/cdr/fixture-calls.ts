/**
 * Test helpers: the captured calls as CareFlow's dialplan will make them. The captures predate
 * the `careflow_*` channel variables, so their parties are lab extensions (`1000`, `7102`) that
 * web cannot be told; these helpers add the variables (as `pbx/freeswitch` sets them on the
 * A-leg, inherited by the B-leg) to every leg, in ESL events, in raw capture bytes (plain or json,
 * Content-Length fixed) and in mod_json_cdr documents. Everything else stays byte for byte.
 */
import type { EslEvent } from "../esl/event.ts";
import { rewriteFrames } from "../testing/capture-edit.ts";

/** Variables to add, by name (`careflow_caller`: `care4w-1000001`, ...). */
export type CareflowVariables = Record<string, string>;

/** The hand-picked parties used for the captured calls in tests. */
export const LAB_PARTIES: CareflowVariables = {
  careflow_caller: "care4w-1000001",
  careflow_callee: "care4w-1000002",
};

/** `events` with the variables on every event that belongs to a leg. */
export function eventsWithCareflow(events: EslEvent[], variables: CareflowVariables): EslEvent[] {
  return events.map((event) => {
    if (!event.headers["Unique-ID"]) return event;
    const extra = Object.fromEntries(
      Object.entries(variables).map(([name, value]) => [`variable_${name}`, value]),
    );
    return { ...event, headers: { ...event.headers, ...extra } };
  });
}

/** A capture's bytes with the variables added to every leg's event frames. */
export function captureWithCareflow(capture: Uint8Array, variables: CareflowVariables): Uint8Array {
  return rewriteFrames(capture, (head, body) => {
    if (head.includes("text/event-plain") && /^Unique-ID: /m.test(body)) {
      const lines = Object.entries(variables)
        .map(([name, value]) => `variable_${name}: ${encodeURIComponent(value)}\n`).join("");
      return body.replace(/^(Event-Name: [^\n]*\n)/, `$1${lines}`);
    }
    if (head.includes("text/event-json") && body.includes('"Unique-ID":')) {
      const pairs = Object.entries(variables)
        .map(([name, value]) => `${JSON.stringify(`variable_${name}`)}:${JSON.stringify(value)},`)
        .join("");
      return `{${pairs}${body.slice(1)}`; // values here are ASCII
    }
    return null;
  });
}

/** A mod_json_cdr document with the variables added. */
export function jsonCdrWithCareflow(document: unknown, variables: CareflowVariables): unknown {
  const doc = document as { variables: Record<string, unknown> };
  return { ...doc, variables: { ...doc.variables, ...variables } };
}
