/**
 * Registrations reach the agent without a SIP worker waiting: tools/stack's Kamailio (evapi on a
 * free port, contacts allowed to expire after 2 s, usrloc's timer every second), the agent's
 * presence consumer (agent/src/presence) connected to it in this process, with an in-memory
 * EventSink in place of the outbox (tested on its own), SIPp and a baresip phone as devices.
 * Checked: a REGISTER, an expiry, an unREGISTER, devices registered before the consumer started
 * and devices that went while it was away all become `registration`/`presence` events, counted
 * by transport.
 * Run with `deno test -A pbx/kamailio/presence.test.ts`.
 */
import assert from "node:assert/strict";
import type { AgentEvent } from "../../shared/events.ts";
import { Registry } from "../../agent/src/metrics/registry.ts";
import { createPresenceService, type PresenceService } from "../../agent/src/presence/consumer.ts";
import { createPresenceMetrics, type PresenceMetrics } from "../../agent/src/presence/metrics.ts";
import { createMemoryPresenceStore } from "../../agent/src/presence/state-store.ts";
import { createMemorySink, type MemorySink } from "../../agent/src/presence/testing/memory-sink.ts";
import { eventually } from "../../testing/eventually.ts";
import { freePort } from "../../testing/ports.ts";
import { type Stack, startStack } from "../../tools/stack/stack.ts";
import { writeTone } from "../testing/audio.ts";
import { startBaresip } from "../testing/baresip.ts";
import { describe, putSubscriber, sipp } from "../testing/kit.ts";

const DOMAIN = "careflow.test";
const ANN = "care4w-1000001";
const BOB = "care4w-1000002";
const CAROL = "care4w-1000003";

/** The consumer under test and what it reports into. */
interface Agent {
  service: PresenceService;
  sink: MemorySink;
  metrics: PresenceMetrics;
}

function startConsumer(stack: Stack, store = createMemoryPresenceStore()): Agent & {
  store: typeof store;
} {
  const sink = createMemorySink();
  const metrics = createPresenceMetrics(new Registry());
  const service = createPresenceService({
    evapi: { host: "127.0.0.1", port: stack.ports.evapi! },
    rpcUrl: stack.urls.rpc,
    rpcSecret: stack.kamailioApiSecret,
    sink,
    store,
    metrics,
    warn: () => {},
    backoff: { initialMs: 100, maxMs: 1000 },
  });
  return { service, sink, metrics, store };
}

/** Waits for an event of `care4wId` with `state`, returns it. */
function eventOf(sink: MemorySink, care4wId: string, state: string): Promise<AgentEvent> {
  return sink.waitFor((e) =>
    "care4wId" in e && e.care4wId === care4wId && "state" in e && e.state === state
  );
}

/**
 * A SIPp REGISTER of `user` (its password is its ID reversed) for `expires` seconds, from
 * `localPort` (the contact's port: an unREGISTER must name the contact it removes).
 */
async function register(stack: Stack, user: string, expires: number, localPort?: number) {
  const r = await sipp({
    scenario: "register-200.xml",
    target: `127.0.0.1:${stack.ports.sip}`,
    calls: [{ user, authUser: user, password: [...user].reverse().join("") }],
    domain: DOMAIN,
    workDir: stack.workDir,
    expires,
    localPort,
  });
  assert.equal(r.code, 0, describe(r));
}

Deno.test({
  name: "registrations, expiries and unREGISTERs reach the agent's sink over evapi",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const stack = await startStack({
      sipDomain: DOMAIN,
      kamailioDefines: ["MIN_EXPIRES=2", "UL_TIMER=1"],
    });
    let agent: ReturnType<typeof startConsumer> | undefined;
    try {
      for (const id of [ANN, BOB, CAROL]) {
        assert.equal(await putSubscriber(stack, id, [...id].reverse().join("")), 200);
      }
      // Carol's device registered before the agent connected: only the dump can tell.
      const carolPort = await freePort();
      await register(stack, CAROL, 3600, carolPort);
      agent = startConsumer(stack);
      await agent.service.start();

      let carolRuid = "";
      await t.step("on connect the location table is read: Carol is online", async () => {
        const online = await eventOf(agent!.sink, CAROL, "online");
        assert.equal(online.type, "presence");
        const registered = await eventOf(agent!.sink, CAROL, "registered");
        carolRuid = /^reg-(.+)-on$/.exec(registered.id)![1];
        assert.equal(online.id, `pres-${CAROL}-on-${carolRuid}`);
        assert.ok(agent!.metrics.connected());
      });

      const phoneDir = `${stack.workDir}/ann-phone`;
      await writeTone(`${stack.workDir}/ann.wav`, 500, 5);
      const phone = await startBaresip({
        dir: phoneDir,
        user: ANN,
        domain: DOMAIN,
        authUser: ANN,
        password: [...ANN].reverse().join(""),
        proxy: `127.0.0.1:${stack.ports.sip}`,
        toneWav: `${stack.workDir}/ann.wav`,
        quitAfter: 60,
      });
      try {
        await t.step(
          "a baresip REGISTER: registered and online, counted by transport",
          async () => {
            const registered = await eventOf(agent!.sink, ANN, "registered");
            assert.equal(registered.type, "registration");
            await eventOf(agent!.sink, ANN, "online");
            await eventually(
              "two UDP registrations counted",
              () => Promise.resolve(agent!.metrics.registrations("udp") === 2),
            );
          },
        );

        await t.step("a registration left to expire: unregistered and offline", async () => {
          await register(stack, BOB, 2);
          await eventOf(agent!.sink, BOB, "online");
          const registeredAt = performance.now();
          await eventOf(agent!.sink, BOB, "offline");
          const gone = agent!.sink.events.filter((e) => "care4wId" in e && e.care4wId === BOB);
          assert.deepEqual(gone.map((e) => `${e.type}:${"state" in e ? e.state : ""}`), [
            "registration:registered",
            "presence:online",
            "registration:unregistered",
            "presence:offline",
          ]);
          console.log(
            `expiry reached the sink ${
              Math.round(performance.now() - registeredAt)
            } ms after the 2 s registration was made`,
          );
        });

        await t.step("baresip quits: its unREGISTER makes Ann offline", async () => {
          await phone.stop();
          await eventOf(agent!.sink, ANN, "unregistered");
          await eventOf(agent!.sink, ANN, "offline");
          await eventually(
            "one UDP registration left",
            () => Promise.resolve(agent!.metrics.registrations("udp") === 1),
          );
        });
      } finally {
        await phone.stop();
      }

      await t.step("what changed while the agent was away arrives once it is back", async () => {
        await agent!.service.stop();
        await register(stack, CAROL, 0, carolPort);
        const back = startConsumer(stack, agent!.store);
        agent = back;
        await back.service.start();
        await eventOf(back.sink, CAROL, "offline");
        await back.service.idle();
        // Only what changed: nobody else is told anything again.
        assert.deepEqual(back.sink.events.map((e) => e.id), [
          `reg-${carolRuid}-off`,
          `pres-${CAROL}-off-${carolRuid}`,
        ]);
      });
    } finally {
      await agent?.service.stop();
      await stack.stop();
    }
  },
});
