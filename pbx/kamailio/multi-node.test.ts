/**
 * Several Kamailio nodes behind one SIP domain, sharing registrations through Redis
 * (WITH_REDIS_USRLOC: db_redis, usrloc DB-only), on real processes: one redis-server, one agent,
 * one RTPEngine (all on 127.0.0.2, started by tools/stack with node A) and two Kamailios with the
 * repository's config, A on 127.0.0.2 and B on 127.0.0.3. Phones are SIPp runs on 127.0.0.1: a
 * REGISTER from a fixed port, then a SIPp UAS on that same port that answers the call 486.
 * Proves that a phone registered through A is reached by a call placed through B, and that once A
 * is stopped B still reaches its own phones and A's, whose registration stays in Redis.
 * Run with `deno test -A pbx`.
 */
import assert from "node:assert/strict";
import dgram from "node:dgram";
import { existsSync } from "node:fs";
import { Redis } from "ioredis";
import { eventually } from "../../testing/eventually.ts";
import { freePorts } from "../../testing/ports.ts";
import { missingPackages } from "../../tools/system-packages.ts";
import {
  freeStackPorts,
  kamailioRpc,
  type KamailioRpcTarget,
  redisUsrlocDefines,
  type Stack,
  startKamailio,
  startStack,
} from "../../tools/stack/stack.ts";
import { describe, putSubscriber, sipp, sippServer } from "../testing/kit.ts";
import { readRedisLocations } from "../../agent/src/presence/redis-locations.ts";

const DOMAIN = "careflow.test";
const HOST_A = "127.0.0.2";
const HOST_B = "127.0.0.3";
/** Where the phones and the caller sit. */
const PHONES = "127.0.0.1";
const ALICE = "care4w-1000601";
const BOB = "care4w-1000602";
const CAROL = "care4w-1000603";
const PASSWORD: Record<string, string> = {
  [ALICE]: "alice-pw-1",
  [BOB]: "bob-pw-1",
  [CAROL]: "carol-pw-1",
};
/** db_redis's table schemas, from Debian's kamailio-redis-modules (REDIS_SCHEMA_PATH). */
const SCHEMAS = "/usr/share/kamailio/db_redis/kamailio";

/** Fails (never skips) when db_redis is not installed: the test command installs it. */
async function requireDbRedis() {
  const missing = await missingPackages(["kamailio-redis-modules"]);
  assert.deepEqual(missing, [], "Debian package kamailio-redis-modules is not installed");
  assert.ok(existsSync(`${SCHEMAS}/location`), `no db_redis schema at ${SCHEMAS}/location`);
}

/** The two nodes and what the steps use. */
interface Nodes {
  stack: Stack;
  /** SIP `host:port` of each node. */
  a: string;
  b: string;
  rpcB: KamailioRpcTarget;
  redis: Redis;
  /** Each phone's fixed SIP port on PHONES. */
  phonePort: Record<string, number>;
}

/** `user` registers through `node` (`host:port`) from its phone's port. */
async function register(nodes: Nodes, node: string, user: string) {
  const r = await sipp({
    scenario: "register-200.xml",
    target: node,
    calls: [{ user, authUser: user, password: PASSWORD[user] }],
    domain: DOMAIN,
    localIp: PHONES,
    localPort: nodes.phonePort[user],
    workDir: nodes.stack.workDir,
  });
  assert.equal(r.code, 0, `${user} did not register through ${node}:\n${describe(r)}`);
}

/**
 * Carol calls `callee` through `node`: the callee's phone (a SIPp UAS on its registered port)
 * must get the INVITE, addressed to its registered contact, and Carol its 486.
 */
async function callReaches(nodes: Nodes, node: string, callee: string) {
  const port = nodes.phonePort[callee];
  await using phone = await sippServer({
    scenario: "uas-486.xml",
    localIp: PHONES,
    localPort: port,
    workDir: nodes.stack.workDir,
  });
  const call = await sipp({
    scenario: "invite-486.xml",
    target: node,
    calls: [{ user: CAROL, authUser: CAROL, password: PASSWORD[CAROL], extra: [callee] }],
    domain: DOMAIN,
    localIp: PHONES,
    workDir: nodes.stack.workDir,
  });
  assert.equal(call.code, 0, `call to ${callee} through ${node}:\n${describe(call)}`);
  const reached = await phone.done;
  assert.equal(reached.code, 0, describe(reached));
  assert.match(reached.logs, new RegExp(`RURI INVITE sip:${callee}@127\\.0\\.0\\.1:${port}\\b`));
}

/** True when nothing is bound to UDP `host:port`. */
function udpFree(hostPort: string): Promise<boolean> {
  const [host, port] = hostPort.split(":");
  return new Promise((resolve) => {
    const socket = dgram.createSocket("udp4");
    socket.once("error", () => {
      socket.close();
      resolve(false);
    });
    socket.bind(Number(port), host, () => socket.close(() => resolve(true)));
  });
}

/** The contacts Redis holds for `user`: db_redis's per-AOR set, then each contact's hash. */
async function contactsInRedis(redis: Redis, user: string): Promise<Record<string, string>[]> {
  const keys = await redis.smembers(`location:usr::${user}`);
  return await Promise.all(keys.map((key) => redis.hgetall(key)));
}

/** What node B's usrloc finds for `user` (read from Redis in DB-only mode). */
async function lookupThroughB(nodes: Nodes, user: string): Promise<string> {
  return JSON.stringify(await kamailioRpc(nodes.rpcB, "ul.lookup", ["location", user]));
}

async function sharedRegistrationSteps(t: Deno.TestContext, nodes: Nodes) {
  await t.step("a registration through A is kept in Redis, where B finds it", async () => {
    await register(nodes, nodes.a, ALICE);
    const contacts = await contactsInRedis(nodes.redis, ALICE);
    assert.equal(contacts.length, 1, JSON.stringify(contacts));
    assert.equal(contacts[0].username, ALICE);
    assert.match(contacts[0].contact, new RegExp(`:${nodes.phonePort[ALICE]};`));
    // Node A's own socket (its server id is 1, B's 2).
    assert.equal(contacts[0].socket, `udp:${nodes.a}`);
    assert.equal(contacts[0].server_id, "1");
    assert.match(await lookupThroughB(nodes, ALICE), new RegExp(`:${nodes.phonePort[ALICE]};`));
  });

  await t.step("a phone registered through A is reached by a call placed through B", async () => {
    await callReaches(nodes, nodes.b, ALICE);
  });

  await t.step("and one registered through B by a call placed through A", async () => {
    await register(nodes, nodes.b, BOB);
    assert.equal((await contactsInRedis(nodes.redis, BOB))[0]?.server_id, "2");
    await callReaches(nodes, nodes.a, BOB);
  });

  await t.step(
    "the agent's presence resync reads them from Redis, where ul.dump sees none",
    async () => {
      assert.doesNotMatch(await dumpThroughB(nodes), /care4w-/, "usrloc DB-only dumps nothing");
      const locations = await readRedisLocations(nodes.redis);
      assert.deepEqual([...locations.keys()].sort(), [ALICE, BOB]);
      assert.deepEqual(locations.get(ALICE)!.map((c) => c.transport), ["udp"]);
    },
  );
}

async function dumpThroughB(nodes: Nodes): Promise<string> {
  return JSON.stringify(await kamailioRpc(nodes.rpcB, "ul.dump", []));
}

async function nodeDownStep(t: Deno.TestContext, nodes: Nodes) {
  await t.step("with A stopped, B still reaches its own phones and A's", async () => {
    await nodes.stack.stopOne("kamailio");
    // A is really gone, workers and all: nothing holds its SIP socket any more.
    await eventually("node A's SIP socket to be released", () => udpFree(nodes.a));

    assert.equal((await contactsInRedis(nodes.redis, BOB)).length, 1);
    await callReaches(nodes, nodes.b, BOB);
    // A's registration outlived A: still in Redis, and B uses it.
    const alice = await contactsInRedis(nodes.redis, ALICE);
    assert.equal(alice.length, 1, JSON.stringify(alice));
    assert.equal(alice[0].socket, `udp:${nodes.a}`);
    await callReaches(nodes, nodes.b, ALICE);
  });
}

Deno.test({
  name: "WITH_REDIS_USRLOC: two Kamailio nodes share registrations through Redis",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    await requireDbRedis();
    const ports = await freeStackPorts();
    const redisUrl = `redis://${HOST_A}:${ports.redis}`;
    const stack = await startStack({
      host: HOST_A,
      ports,
      sipDomain: DOMAIN,
      kamailioDefines: redisUsrlocDefines(redisUrl, 1),
    });
    // Where the nodes keep registrations (redisUsrlocDefines' database, apart from the agent's).
    const redis = new Redis(`${redisUrl}/1`, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      const own = await freePorts("sip", "ws", "rpc", "evapi");
      const nodeB = await startKamailio({
        agentSecret: stack.kamailioApiSecret,
        host: HOST_B,
        // The same agent and RTPEngine as node A.
        servicesHost: HOST_A,
        ports: { ...own, agent: ports.agent, rtpengineNg: ports.rtpengineNg },
        sipDomain: DOMAIN,
        defines: redisUsrlocDefines(redisUrl, 2),
        workDir: stack.workDir,
        name: "kamailio-b",
      });
      try {
        await redis.connect();
        for (const user of [ALICE, BOB, CAROL]) {
          assert.equal(await putSubscriber(stack, user, PASSWORD[user]), 200);
        }
        const phonePort = await freePorts(ALICE, BOB);
        const nodes: Nodes = {
          stack,
          a: `${HOST_A}:${ports.sip}`,
          b: `${HOST_B}:${own.sip}`,
          rpcB: nodeB.rpc,
          redis,
          phonePort,
        };
        await sharedRegistrationSteps(t, nodes);
        await nodeDownStep(t, nodes);
      } finally {
        await nodeB.stop();
      }
    } finally {
      redis.disconnect();
      await stack.stop();
    }
  },
});
