/**
 * What the CDR code under test reports into, as its tests build it: a sink that keeps every
 * appended event (and always takes it), fresh CDR metrics, and a warn that keeps its lines.
 */
import type { AgentEvent } from "../../../../shared/events.ts";
import { Registry } from "../../metrics/registry.ts";
import { createCdrMetrics } from "../metrics.ts";

/** The `sink`, `metrics` and `warn` options, and what they were told. */
export function cdrReports(registry = new Registry()) {
  const appended: AgentEvent[] = [];
  const warnings: string[] = [];
  return {
    appended,
    warnings,
    sink: {
      append: (event: AgentEvent) => {
        appended.push(event);
        return Promise.resolve();
      },
    },
    metrics: createCdrMetrics(registry),
    warn: (line: string) => void warnings.push(line),
  };
}
