import { expect, test } from "bun:test";
import { Registry } from "./registry.ts";

test("counters render labelled series in the text format", () => {
  const registry = new Registry();
  const c = registry.counter("x_total", "An x.");
  c.declare({ result: "ok" });
  c.inc({ result: "not_found" });
  c.inc({ result: "not_found" }, 2);
  c.inc({ result: 'we"ird\\' });
  expect(c.get({ result: "not_found" })).toBe(3);
  expect(registry.render()).toBe(
    [
      "# HELP x_total An x.",
      "# TYPE x_total counter",
      'x_total{result="ok"} 0',
      'x_total{result="not_found"} 3',
      'x_total{result="we\\"ird\\\\"} 1',
      "",
    ].join("\n"),
  );
});

test("histograms are cumulative with +Inf, sum and count", () => {
  const registry = new Registry();
  const h = registry.histogram("t_seconds", "A t.", [0.001, 0.01]);
  h.observe(0.0005);
  h.observe(0.005);
  h.observe(5);
  const text = registry.render();
  expect(text).toContain('t_seconds_bucket{le="0.001"} 1\n');
  expect(text).toContain('t_seconds_bucket{le="0.01"} 2\n');
  expect(text).toContain('t_seconds_bucket{le="+Inf"} 3\n');
  expect(text).toContain("t_seconds_sum 5.0055\n");
  expect(text).toContain("t_seconds_count 3\n");
});
