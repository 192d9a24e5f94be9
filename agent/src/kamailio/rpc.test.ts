import { afterAll, beforeAll, expect, test } from "bun:test";
import { createAgentMetrics } from "../metrics/agent-metrics.ts";
import { type HttpStub, startHttpStub } from "../testing/http-stub.ts";
import { createKamailioInvalidator } from "./rpc.ts";

let kamailio: HttpStub;
beforeAll(() => {
  kamailio = startHttpStub();
});
afterAll(() => kamailio.stop());

test("a key or AOR Kamailio does not hold is already gone: not a failure", async () => {
  // Kamailio's own answer for an absent htable key (HTTP 404 with a JSON-RPC error 404).
  kamailio.respond(() =>
    Response.json({ jsonrpc: "2.0", error: { code: 404, message: "Key not found in htable." } }, {
      status: 404,
    })
  );
  const metrics = createAgentMetrics();
  const warnings: string[] = [];
  const invalidate = createKamailioInvalidator(`${kamailio.url}/RPC`, metrics, (line) => {
    warnings.push(line);
  });
  await invalidate("care4w-1000001", { dropCachedHa1: true, removeRegistrations: true });
  expect(kamailio.requests.map((r) => JSON.parse(r.body).method)).toEqual([
    "htable.delete",
    "ul.rm",
  ]);
  expect(await metrics.kamailioRpcFailures.value({ method: "htable.delete" })).toBe(0);
  expect(warnings).toEqual([]);
});

test("a real RPC error is counted and logged without secrets", async () => {
  kamailio.respond(() =>
    Response.json({ jsonrpc: "2.0", error: { code: 500, message: "internal" } }, { status: 500 })
  );
  const metrics = createAgentMetrics();
  const warnings: string[] = [];
  const invalidate = createKamailioInvalidator(`${kamailio.url}/RPC`, metrics, (line) => {
    warnings.push(line);
  });
  await invalidate("care4w-1000002", { dropCachedHa1: true, removeRegistrations: false });
  expect(await metrics.kamailioRpcFailures.value({ method: "htable.delete" })).toBe(1);
  expect(warnings.length).toBe(1);
  expect(warnings[0]).toContain("rpc error 500");
});

test("with several nodes, every node drops its cached HA1; registrations are removed once", async () => {
  const peer = startHttpStub();
  try {
    for (const node of [kamailio, peer]) {
      node.requests.length = 0;
      node.respond(() => Response.json({ jsonrpc: "2.0", result: null }));
    }
    const invalidate = createKamailioInvalidator(
      `${kamailio.url}/RPC`,
      createAgentMetrics(),
      () => {},
      [
        `${peer.url}/RPC`,
      ],
    );
    await invalidate("care4w-1000003", { dropCachedHa1: true, removeRegistrations: true });
    const methods = (stub: HttpStub) => stub.requests.map((r) => JSON.parse(r.body).method);
    expect(methods(kamailio)).toEqual(["htable.delete", "ul.rm"]);
    expect(methods(peer)).toEqual(["htable.delete"]);
  } finally {
    peer.stop();
  }
});

test("ending a user's calls lists their dialogs as caller and callee and ends each", async () => {
  kamailio.requests.length = 0;
  kamailio.respond((request) => {
    const { method, params } = JSON.parse(request.body);
    if (method === "dlg.profile_list" && params[0] === "caller") {
      return Response.json({ jsonrpc: "2.0", result: [{ h_entry: 7, h_id: 11 }] });
    }
    if (method === "dlg.profile_list") return Response.json({ jsonrpc: "2.0", result: [] });
    return Response.json({ jsonrpc: "2.0", result: null });
  });
  const invalidate = createKamailioInvalidator(
    `${kamailio.url}/RPC`,
    createAgentMetrics(),
    () => {},
    [],
    "a-secret-of-sixteen-chars",
  );
  await invalidate("care4w-1000004", {
    dropCachedHa1: false,
    removeRegistrations: false,
    endCalls: true,
  });
  const calls = kamailio.requests.map((r) => JSON.parse(r.body));
  expect(calls.map((c) => [c.method, c.params])).toEqual([
    ["dlg.profile_list", ["caller", "care4w-1000004"]],
    ["dlg.end_dlg", [7, 11]],
    ["dlg.profile_list", ["callee", "care4w-1000004"]],
  ]);
  // Kamailio's RPC takes only the agent's credential.
  const expected = `Basic ${btoa("agent:a-secret-of-sixteen-chars")}`;
  expect(kamailio.requests.every((r) => r.headers.get("authorization") === expected)).toBe(true);
});

test("a dialog that fails to end does not keep the user's other calls up", async () => {
  kamailio.requests.length = 0;
  kamailio.respond((request) => {
    const { method, params } = JSON.parse(request.body);
    if (method === "dlg.profile_list") {
      const result = params[0] === "caller"
        ? [{ h_entry: 1, h_id: 2 }, { h_entry: 3, h_id: 4 }]
        : [];
      return Response.json({ jsonrpc: "2.0", result });
    }
    // One dialog's end fails below JSON-RPC (to the agent, what a dropped connection is).
    if (method === "dlg.end_dlg" && params[0] === 1) return new Response("busy", { status: 502 });
    return Response.json({ jsonrpc: "2.0", result: null });
  });
  const warnings: string[] = [];
  const invalidate = createKamailioInvalidator(
    `${kamailio.url}/RPC`,
    createAgentMetrics(),
    (line) => warnings.push(line),
  );
  await invalidate("care4w-1000005", {
    dropCachedHa1: false,
    removeRegistrations: false,
    endCalls: true,
  });
  const ended = kamailio.requests.map((r) => JSON.parse(r.body))
    .filter((c) => c.method === "dlg.end_dlg").map((c) => c.params);
  // Both passes (the first, and its one retry on a network error) reach the second dialog.
  expect(ended).toEqual([[1, 2], [3, 4], [1, 2], [3, 4]]);
  expect(warnings.length).toBe(1);
  expect(warnings[0]).toContain("dlg.end_dlg");
});
