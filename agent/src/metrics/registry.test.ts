import { expect, test } from "bun:test";
import { Registry } from "./registry.ts";

test("counters render labelled series in the text format, declared ones at 0", async () => {
  const registry = new Registry();
  const c = registry.counter("x_total", "An x.", ["result"]);
  c.declare({ result: "ok" });
  c.inc({ result: "not_found" });
  c.inc({ result: "not_found" }, 2);
  c.inc({ result: 'we"ird\\' });
  expect(await c.value({ result: "not_found" })).toBe(3);
  expect(await c.value({ result: "never" })).toBe(0);
  const text = await registry.render();
  expect(text).toContain("# HELP x_total An x.\n# TYPE x_total counter\n");
  expect(text).toContain('x_total{result="ok"} 0\n');
  expect(text).toContain('x_total{result="not_found"} 3\n');
  expect(text).toContain('x_total{result="we\\"ird\\\\"} 1\n');
  // A label the counter does not carry is a programming error, caught at once.
  expect(() => c.inc({ other: "x" })).toThrow();
});

test("histograms are cumulative with +Inf, sum and count", async () => {
  const registry = new Registry();
  const h = registry.histogram("t_seconds", "A t.", [0.001, 0.01]);
  h.observe(0.0005);
  h.observe(0.005);
  h.observe(5);
  const text = await registry.render();
  expect(text).toContain('t_seconds_bucket{le="0.001"} 1\n');
  expect(text).toContain('t_seconds_bucket{le="0.01"} 2\n');
  expect(text).toContain('t_seconds_bucket{le="+Inf"} 3\n');
  expect(text).toContain("t_seconds_sum 5.0055\n");
  expect(text).toContain("t_seconds_count 3\n");
  expect(await h.observations()).toBe(3);
});

test("gauges are set, or read when scraped", async () => {
  const registry = new Registry();
  let depth = 4;
  registry.gauge("q_depth", "A queue.", () => depth);
  const set = registry.gauge("q_up", "Up.");
  set.set(1);
  expect(await registry.render()).toContain("# TYPE q_depth gauge\nq_depth 4\n");
  depth = 9;
  expect(await registry.render()).toContain("q_depth 9\n");
  expect(await registry.render()).toContain("q_up 1\n");
});
