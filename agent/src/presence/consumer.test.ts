/**
 * The consumer's own behaviour against a scripted evapi socket and JSON-RPC endpoint: reconnects
 * (resyncing each time), survives garbage, holds events while the outbox is down and loses none.
 * Against the real Kamailio it runs in pbx/kamailio/presence.test.ts.
 */
import { afterEach, expect, test } from "bun:test";
import net from "node:net";
import { Registry } from "../metrics/registry.ts";
import { createPresenceService, type PresenceService } from "./consumer.ts";
import { createPresenceMetrics } from "./metrics.ts";
import { createMemoryPresenceStore } from "./state-store.ts";
import { createMemorySink } from "./testing/memory-sink.ts";

const ANN = "care4w-1000001";

/** A stand-in evapi socket: every client gets `send()`s; `drop()` closes them. */
function fakeEvapi() {
  const clients = new Set<net.Socket>();
  let connections = 0;
  const server = net.createServer((socket) => {
    connections++;
    clients.add(socket);
    socket.on("close", () => clients.delete(socket));
    socket.on("error", () => {});
  });
  return {
    server,
    get connections() {
      return connections;
    },
    get clients() {
      return clients.size;
    },
    listen: () =>
      new Promise<number>((resolve) =>
        server.listen(0, "127.0.0.1", () => resolve((server.address() as net.AddressInfo).port))
      ),
    send(raw: string) {
      for (const c of clients) c.write(raw);
    },
    frame: (json: unknown) => {
      const text = JSON.stringify(json);
      return `${Buffer.byteLength(text)}:${text},`;
    },
    drop() {
      for (const c of clients) c.destroy();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A JSON-RPC endpoint answering ul.dump with whatever `contacts` holds. */
function fakeRpc() {
  const state = { contacts: [] as { ruid: string; socket: string }[], dumps: 0 };
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch() {
      state.dumps++;
      const AoRs = state.contacts.length === 0 ? [] : [{
        Info: {
          AoR: ANN,
          Contacts: state.contacts.map((c) => ({
            Contact: {
              Address: "sip:a@b",
              Received: "[not set]",
              Socket: c.socket,
              Ruid: c.ruid,
              Expires: 60,
            },
          })),
        },
      }];
      return Response.json({
        jsonrpc: "2.0",
        id: 1,
        result: { Domains: [{ Domain: { Domain: "location", AoRs } }] },
      });
    },
  });
  return { state, url: `http://127.0.0.1:${server.port}/RPC`, stop: () => server.stop(true) };
}

/** Kamailio's $TV(Sn) for now plus `seconds` (messages older than the last dump are stale). */
const at = (seconds = 0) => (Date.now() / 1000 + seconds).toFixed(6);

const register = (at: string, ruids: string[]) => ({
  event: "register",
  aor: ANN,
  at,
  contacts: ruids.map((ruid) => ({
    ruid,
    expires: 1,
    addr: "sip:a@b",
    received: "",
    socket: "udp:127.0.0.1:5060",
  })),
});

/** Polls `check` every 10 ms until true (fails after `ms`). */
async function until(what: string, check: () => boolean, ms = 3000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

let running: PresenceService[] = [];
afterEach(async () => {
  for (const s of running) await s.stop();
  running = [];
});

async function setup() {
  const evapi = fakeEvapi();
  const port = await evapi.listen();
  const rpc = fakeRpc();
  const sink = createMemorySink();
  const store = createMemoryPresenceStore();
  const metrics = createPresenceMetrics(new Registry());
  const service = createPresenceService({
    evapi: { host: "127.0.0.1", port },
    rpcUrl: rpc.url,
    sink,
    store,
    metrics,
    warn: () => {},
    backoff: { initialMs: 20, maxMs: 100 },
  });
  running.push(service);
  return { evapi, rpc, sink, store, metrics, service };
}

test("events in order; a lost connection reconnects and resyncs what it missed", async () => {
  const { evapi, rpc, sink, metrics, service } = await setup();
  await service.start();
  await until(
    "the first connection and its resync",
    () => evapi.clients === 1 && rpc.state.dumps === 1,
  );
  await service.idle();
  // Split across writes, as TCP may deliver it.
  const frame = evapi.frame(register(at(), ["r1"]));
  evapi.send(frame.slice(0, 7));
  evapi.send(frame.slice(7));
  await sink.waitFor((e) => e.id === `pres-${ANN}-on-r1`);
  await service.idle();
  expect(sink.events.map((e) => e.id)).toEqual(["reg-r1-on", `pres-${ANN}-on-r1`]);
  expect(metrics.registrations("udp")).toBe(1);

  // While disconnected the device goes: Kamailio's message is lost, the resync finds it.
  evapi.drop();
  rpc.state.contacts = [];
  await sink.waitFor((e) => e.id === `pres-${ANN}-off-r1`);
  await service.idle();
  expect(evapi.connections).toBe(2);
  expect(await metrics.changes.value({ transport: "udp", change: "unregistered" })).toBe(1);
  expect(await metrics.connections.value({ result: "lost" })).toBe(1);
  await service.stop();
  await evapi.close();
  rpc.stop();
});

test("garbage on the socket drops the connection, counted; the next one works", async () => {
  const { evapi, rpc, sink, metrics, service } = await setup();
  await service.start();
  await until("the connection", () => evapi.clients === 1);
  evapi.send("x:nonsense,");
  await until("a new connection", () => evapi.connections === 2 && evapi.clients === 1);
  expect(await metrics.connections.value({ result: "malformed" })).toBe(1);
  evapi.send(evapi.frame({ event: "hello" }));
  evapi.send(evapi.frame(register(at(), ["r2"])));
  await sink.waitFor((e) => e.id === "reg-r2-on");
  await service.idle();
  expect(await metrics.dropped.value({ reason: "unknown" })).toBe(1);
  await service.stop();
  await evapi.close();
  rpc.stop();
});

test("while the outbox is down events wait, in order, and none is lost", async () => {
  const { evapi, rpc, sink, store, service } = await setup();
  await service.start();
  await until("the connection", () => evapi.clients === 1);
  await service.idle();
  sink.failing = true;
  evapi.send(evapi.frame(register(at(), ["r3"])));
  evapi.send(evapi.frame({ event: "expired", aor: ANN, at: at(1), ruid: "r3" }));
  await sink.waitFor(() => false, 300).catch(() => {});
  expect(sink.events).toEqual([]);
  expect(sink.appends).toBeGreaterThan(1);
  // Nothing kept before web has it: a restart now would derive the same events again.
  expect(store.aors.has(ANN)).toBe(false);
  sink.failing = false;
  await sink.waitFor((e) => e.id === `pres-${ANN}-off-r3`, 5000);
  await service.idle();
  expect(sink.events.map((e) => e.id)).toEqual([
    "reg-r3-on",
    `pres-${ANN}-on-r3`,
    "reg-r3-off",
    `pres-${ANN}-off-r3`,
  ]);
  await service.stop();
  await evapi.close();
  rpc.stop();
});

test("Kamailio not there yet: refused, retried until it is", async () => {
  const evapi = fakeEvapi();
  const port = await evapi.listen();
  await evapi.close();
  const sink = createMemorySink();
  const metrics = createPresenceMetrics(new Registry());
  const service = createPresenceService({
    evapi: { host: "127.0.0.1", port },
    rpcUrl: null,
    sink,
    store: createMemoryPresenceStore(),
    metrics,
    warn: () => {},
    backoff: { initialMs: 20, maxMs: 50 },
  });
  running.push(service);
  await service.start();
  await sink.waitFor(() => false, 200).catch(() => {});
  expect(await metrics.connections.value({ result: "refused" })).toBeGreaterThan(1);
  expect(metrics.connected()).toBe(false);
  const again = fakeEvapi();
  again.server.listen(port, "127.0.0.1");
  await until("the connection", () => metrics.connected());
  expect(await new Registry().render()).toBe("\n");
  await service.stop();
  await again.close();
});

test("the metrics render as Prometheus series", async () => {
  const registry = new Registry();
  const metrics = createPresenceMetrics(registry);
  metrics.setRegistrations({ udp: 2, tcp: 0, tls: 0, ws: 1, wss: 0, other: 0 });
  metrics.setConnected(true);
  const text = await registry.render();
  expect(text).toContain("# TYPE careflow_agent_registrations gauge");
  expect(text).toContain('careflow_agent_registrations{transport="udp"} 2');
  expect(text).toContain('careflow_agent_registrations{transport="ws"} 1');
  expect(text).toContain("careflow_agent_evapi_connected 1");
  expect(text).toContain('careflow_agent_evapi_connections_total{result="lost"} 0');
});
