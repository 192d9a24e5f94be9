/**
 * Registration benchmark: REGISTER/s with digest auth through the repository's kamailio.cfg, back
 * to back in one run, for
 *   (a) native: HA1 from Kamailio's own SQLite subscriber table (WITH_SQLITE_AUTH),
 *   (b) agent, cold: HA1 fetched from the agent over http_client (empty htable, one lookup each),
 *   (c) agent, warm: the same users again, HA1 from the htable cache (its hit rate printed),
 *   (d) agent, restart storm: a fresh Kamailio, which asks the agent to refill its cache, and
 *       every user registering at once as soon as it answers,
 * then the agent's `GET /kamailio/auth` latency (p50/p99) under concurrent load.
 *
 * The four variants run in ROUNDS alternating rounds (a fresh Kamailio for native, cold and
 * restart, so the htable really starts empty) and the median of each is reported: this machine is
 * shared,
 * so single runs are noisy.
 *
 * Loopback only, bounded: USERS registrations per run (default 10000), each run capped at 60 s.
 * Pike is off (WITHOUT_PIKE) and the load comes from 127.0.0.1, which the config exempts anyway.
 * Every port (stack, Kamailio, SIPp) is a free one, so it runs beside tests or a dev stack.
 *
 *   deno run -A bench/registration/main.ts [--users=10000] [--rounds=3] [--children=4]
 *     [--lookups=20000] [--concurrency=4] [--keep (keep logs and data)] [--help]
 */
import { DatabaseSync } from "node:sqlite";
import { parseArgs } from "node:util";
import { digestHa1 } from "../../shared/sip-credentials.ts";
import { findProgram } from "../../testing/daemons.ts";
import { eventually } from "../../testing/eventually.ts";
import { freePort, freePortRange } from "../../testing/ports.ts";
import { startProcess } from "../../testing/process.ts";
import {
  freeStackPorts,
  kamailioRpc,
  type KamailioRpcTarget,
  type Stack,
  type StackPorts,
  startKamailio,
  startStack,
} from "../../tools/stack/stack.ts";
import { putSubscriber } from "../../pbx/testing/kit.ts";
import {
  authLookups,
  bucketPercentile,
  lookupLatency,
  median,
  percentile,
} from "./agent-metrics.ts";
import { treeCpuSeconds, udpReceiveBufferErrors } from "./proc.ts";

const USAGE = `deno run -A bench/registration/main.ts [options]
  --users=N        registrations per run (default 10000, at most 50000)
  --rounds=N       alternating rounds of native, cold and warm (default 3, 1 to 5)
  --children=N     Kamailio worker processes (default 4)
  --lookups=N      agent auth lookups for the latency figures (default 20000, at most 200000)
  --concurrency=N  lookups in flight at once (default 4)
  --keep           keep logs and data (their directory is printed)
  --help           this text`;

const { values } = parseArgs({
  args: Deno.args,
  options: {
    users: { type: "string", default: "10000" },
    rounds: { type: "string", default: "3" },
    children: { type: "string", default: "4" },
    lookups: { type: "string", default: "20000" },
    // As many lookups in flight as Kamailio has workers waiting on them.
    concurrency: { type: "string", default: "4" },
    keep: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});
const USERS = Math.min(Number(values.users), 50_000);
const CHILDREN = Number(values.children);
const LOOKUPS = Math.min(Number(values.lookups), 200_000);
const CONCURRENCY = Number(values.concurrency);
const ROUNDS = Math.min(Math.max(Number(values.rounds), 1), 5);

const DOMAIN = "bench.careflow.test";
const HOST = "127.0.0.1";
const SCENARIO = new URL("../../pbx/sipp/register-200.xml", import.meta.url).pathname;

const ids = Array.from({ length: USERS }, (_, i) => `care4w-${2_000_001 + i}`);
const password = (id: string) => `pw-${id}`;

/** Kamailio's count of accepted REGISTERs (registrar:accepted_regs). */
async function acceptedRegs(rpc: KamailioRpcTarget): Promise<number> {
  const result = await kamailioRpc(rpc, "stats.get_statistics", ["accepted_regs"]) as string[];
  return Number(/= (\d+)/.exec(result[0] ?? "")?.[1] ?? NaN);
}

/** Where everything runs: the work dir and the ports (all free ones) Kamailio listens on. */
interface Bench {
  workDir: string;
  ports: StackPorts;
  stack: Stack;
}

/** SIPp registering every user once, as fast as Kamailio takes them, on free local ports. */
async function startSipp(bench: Bench, label: string, csv: string) {
  const { workDir, ports } = bench;
  return startProcess(`sipp-${label}`, findProgram("sipp"), [
    `${HOST}:${ports.sip}`,
    ...["-sf", SCENARIO, "-inf", csv, "-m", String(USERS)],
    ...["-r", "100000", "-rp", "1000", "-l", "200"],
    ...["-i", HOST, "-p", String(await freePort())],
    // SIPp's control socket (default 8888) and RTP echo sockets (6000 and 6002) too.
    ...["-cp", String(await freePort()), "-mp", String(await freePortRange(4))],
    ...["-key", "domain", DOMAIN, "-key", "expires", "3600", "-default_behaviors", "all,-bye"],
    // SIPp's own sockets default to 64 KB; a dropped 200 OK would stall a call 500 ms.
    ...["-buff_size", "4194304", "-max_recv_loops", "10000"],
    ...["-timeout", "60s", "-nostdin", "-trace_err"],
    ...["-error_file", `${workDir}/sipp-${label}-errors.log`],
  ], { cwd: workDir });
}

/**
 * Runs SIPp against Kamailio for every user once; returns REGISTERs per second. The clock stops
 * when Kamailio has accepted all of them (its own counter, polled every 10 ms), not when SIPp
 * exits: SIPp's shutdown takes up to half a second, which would swamp a 1-2 s run.
 */
async function registerRun(
  bench: Bench,
  label: string,
  rpc: KamailioRpcTarget,
  cpuRoots: Record<string, number>,
): Promise<RunResult> {
  const base = await acceptedRegs(rpc);
  const csv = `${bench.workDir}/users-${label}.csv`;
  const lines = ids.map((id) => `${id};[authentication username=${id} password=${password(id)}]`);
  await Deno.writeTextFile(csv, ["SEQUENTIAL", ...lines].join("\n") + "\n");
  const cpuBefore = treeCpuSeconds(cpuRoots);
  const dropsBefore = udpReceiveBufferErrors();
  const started = performance.now();
  const sipp = await startSipp(bench, label, csv);
  let seconds = NaN;
  let cpuAfter: Record<string, number> = {};
  try {
    await eventually(`${label}: ${USERS} registrations (or SIPp's end)`, async () => {
      // Checked once more after SIPp exits: a fast run can finish between two polls.
      const wasExited = sipp.exited;
      if (await acceptedRegs(rpc) - base >= USERS) {
        seconds = (performance.now() - started) / 1000;
        // SIPp is normally still alive here (it shuts down afterwards): its time is read too.
        cpuAfter = treeCpuSeconds({ ...cpuRoots, sipp: sipp.pid });
        if (wasExited) cpuAfter.sipp = NaN;
        return true;
      }
      return wasExited;
    }, { timeoutMs: 70_000, intervalMs: 10 });
    await sipp.exit;
  } finally {
    await sipp.stop();
  }
  const text = sipp.output(256 * 1024);
  const ok = Number(/Successful call\s*\|\s*\d+\s*\|\s*(\d+)/.exec(text)?.[1] ?? 0);
  const failed = Number(/Failed call\s*\|\s*\d+\s*\|\s*(\d+)/.exec(text)?.[1] ?? 0);
  if (ok < USERS || Number.isNaN(seconds)) {
    throw new Error(`${label}: only ${ok}/${USERS} registrations succeeded (${failed} failed)`);
  }
  const cpuMsPerThousand: Record<string, number> = {};
  for (const [name, after] of Object.entries(cpuAfter)) {
    cpuMsPerThousand[name] = ((after - (cpuBefore[name] ?? 0)) * 1000 * 1000) / USERS;
  }
  return {
    rate: USERS / seconds,
    cpuMsPerThousand,
    udpDrops: udpReceiveBufferErrors() - dropsBefore,
  };
}

/** One run: REGISTER/s, CPU milliseconds per 1000 REGISTERs by process, UDP drops on the host. */
interface RunResult {
  rate: number;
  cpuMsPerThousand: Record<string, number>;
  udpDrops: number;
}

const VARIANTS = ["native", "cold", "warm", "restart"] as const;
type Variant = typeof VARIANTS[number];

/** Subscribers through the agent's signed API, and the same ones in a SQLite table. */
async function provisionAll(bench: Bench): Promise<string> {
  // Kamailio is not up yet: no RPC to wait for.
  for (let i = 0; i < ids.length; i += 100) {
    await Promise.all(
      ids.slice(i, i + 100).map(async (id) => {
        const status = await putSubscriber(bench.stack, id, password(id));
        if (status !== 200) throw new Error(`provisioning ${id}: ${status}`);
      }),
    );
  }
  // The same subscribers in a SQLite table for the native baseline.
  const dbPath = `${bench.workDir}/subscriber.sqlite`;
  const db = new DatabaseSync(dbPath);
  db.exec(await Deno.readTextFile("/usr/share/kamailio/db_sqlite/standard-create.sql"));
  db.exec(await Deno.readTextFile("/usr/share/kamailio/db_sqlite/auth_db-create.sql"));
  const insert = db.prepare("INSERT INTO subscriber (username, domain, ha1) VALUES (?, ?, ?)");
  db.exec("BEGIN");
  for (const id of ids) insert.run(id, DOMAIN, digestHa1(id, DOMAIN, password(id)));
  db.exec("COMMIT");
  db.close();
  return dbPath;
}

/** Starts Kamailio on the bench's ports, runs `body` against it, stops it again. */
async function withKamailio<T>(
  bench: Bench,
  name: string,
  defines: string[],
  body: (kamailio: { pid: number; rpc: KamailioRpcTarget }) => Promise<T>,
): Promise<T> {
  const { workDir, ports } = bench;
  const kamailio = await startKamailio({
    host: HOST,
    ports,
    sipDomain: DOMAIN,
    children: CHILDREN,
    workDir,
    name,
    defines: ["WITHOUT_PIKE", ...defines],
    agentSecret: bench.stack.kamailioApiSecret,
  });
  try {
    return await body(kamailio);
  } finally {
    await kamailio.stop();
  }
}

/** One round: (a) native, then (b) cold and (c) warm on one Kamailio asking the agent. */
async function runRound(
  bench: Bench,
  round: number,
  dbPath: string,
  runs: Record<Variant, RunResult[]>,
  hitRates: number[],
) {
  const { urls, processes } = bench.stack;
  const native = await withKamailio(bench, `kamailio-native-${round}`, [
    "WITH_SQLITE_AUTH",
    `SQLITE_DB="sqlite://${dbPath}"`,
  ], (k) => registerRun(bench, `native-${round}`, k.rpc, { kamailio: k.pid }));
  runs.native.push(native);

  // (b) and (c): the agent path, first with an empty htable, then with every HA1 cached.
  const pidOf = (name: string) => processes.find((p) => p.name === name)!.pid;
  // The cold figure is information only: a starting Kamailio has its cache refilled (d).
  await withKamailio(bench, `kamailio-agent-${round}`, ["WITHOUT_CACHE_REFILL"], async (k) => {
    const roots = { kamailio: k.pid, agent: pidOf("agent"), redis: pidOf("redis") };
    const before = await authLookups(urls.agent);
    runs.cold.push(await registerRun(bench, `cold-${round}`, k.rpc, roots));
    const afterCold = await authLookups(urls.agent);
    runs.warm.push(await registerRun(bench, `warm-${round}`, k.rpc, roots));
    const afterWarm = await authLookups(urls.agent);
    // Proof that cold asked the agent for every user; warm's re-registrations are a
    // realistic round (the cache lifetime covers the registration interval): its hit rate.
    if (afterCold - before < USERS) {
      throw new Error(`agent lookups: cold ${afterCold - before} (want ${USERS})`);
    }
    hitRates.push(1 - (afterWarm - afterCold) / USERS);
  });
  // (d) Kamailio restarts and every phone re-registers at once: the storm starts as soon as
  // Kamailio answers, while the agent refills its cache.
  await withKamailio(bench, `kamailio-restart-${round}`, [], async (k) => {
    const roots = { kamailio: k.pid, agent: pidOf("agent"), redis: pidOf("redis") };
    runs.restart.push(await registerRun(bench, `restart-${round}`, k.rpc, roots));
  });
  const line = VARIANTS.map((v) => {
    const run = runs[v].at(-1)!;
    return `${v} ${run.rate.toFixed(0)}${run.udpDrops ? ` (${run.udpDrops} UDP drops)` : ""}`;
  });
  console.log(`round ${round}: ${line.join(", ")} REGISTER/s`);
}

/** Median of the runs' CPU figures for one process; "?" when no run could measure it. */
function cpuMedian(runs: RunResult[], name: string): string {
  const measured = runs.map((r) => r.cpuMsPerThousand[name]).filter((n) => !isNaN(n));
  return measured.length ? median(measured).toFixed(0) : "?";
}

/** Prints the medians, the lookup latency and where the CPU time goes. */
function report(
  runs: Record<Variant, RunResult[]>,
  lookups: Awaited<ReturnType<typeof lookupLatency>>,
  hitRates: number[],
) {
  const rate = (v: Variant) => median(runs[v].map((r) => r.rate));
  const fmt = (n: number) => n.toFixed(0).padStart(6);
  const ratio = (v: Variant) => (rate(v) / rate("native")).toFixed(2);
  const { latencies, served } = lookups;
  console.log("");
  console.log(`medians of ${ROUNDS} rounds, ${USERS} REGISTERs each:`);
  console.log(`(a) native SQLite subscriber table  ${fmt(rate("native"))} REGISTER/s  1.00x`);
  console.log(
    `(b) agent, cold htable              ${fmt(rate("cold"))} REGISTER/s  ${ratio("cold")}x`,
  );
  console.log(
    `(c) agent, warm htable              ${fmt(rate("warm"))} REGISTER/s  ${ratio("warm")}x`,
  );
  console.log(
    `(d) agent, storm after a restart    ${fmt(rate("restart"))} REGISTER/s  ${
      ratio("restart")
    }x: ${USERS} phones in ${(USERS / rate("restart")).toFixed(2)} s against native's ${
      (USERS / rate("native")).toFixed(2)
    } s (${(rate("native") / rate("restart")).toFixed(2)}x the time; target <= 1.5x)`,
  );
  console.log(
    `re-registration round on a warm cache: ${
      (Math.min(...hitRates) * 100).toFixed(2)
    }% cache hits at worst (target >= 99%); the cold figure (b) is information only`,
  );
  console.log(
    `agent GET /kamailio/auth: ${LOOKUPS} lookups, ${CONCURRENCY} concurrent, ${
      lookups.rate.toFixed(0)
    }/s, p50 ${percentile(latencies, 50).toFixed(3)} ms, p99 ${
      percentile(latencies, 99).toFixed(3)
    } ms (client-observed)`,
  );
  console.log(
    `agent-side (its own histogram): p50 <= ${bucketPercentile(served, 50)} ms, p99 <= ${
      bucketPercentile(served, 99)
    } ms`,
  );
  console.log("");
  console.log("CPU ms per 1000 REGISTERs (median of rounds), where the time goes:");
  for (const variant of VARIANTS) {
    const names = Object.keys(runs[variant][0].cpuMsPerThousand);
    const parts = names.map((name) => `${name} ${cpuMedian(runs[variant], name)}`);
    console.log(`  ${variant.padEnd(7)} ${parts.join(", ")}`);
  }
}

async function main() {
  const workDir = await Deno.makeTempDir({ prefix: "careflow-bench-" });
  console.log(`registration benchmark: ${USERS} users, ${CHILDREN} kamailio workers, loopback`);
  if (values.keep) console.log(`logs in ${workDir}`);
  // Free ports for everything; Kamailio (started per variant below) takes the stack's sip, ws
  // and rpc ports, which the stack leaves unused.
  const ports = await freeStackPorts();
  // Redis + agent only.
  const stack = await startStack({
    ports,
    sipDomain: DOMAIN,
    workDir,
    skip: { rtpengine: true, kamailio: true },
  });
  const bench: Bench = { workDir, ports, stack };
  try {
    const dbPath = await provisionAll(bench);
    const runs: Record<Variant, RunResult[]> = { native: [], cold: [], warm: [], restart: [] };
    const hitRates: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      await runRound(bench, round, dbPath, runs, hitRates);
    }
    const lookups = await lookupLatency(stack.urls.agent, {
      ids,
      domain: DOMAIN,
      lookups: LOOKUPS,
      concurrency: CONCURRENCY,
      secret: stack.kamailioApiSecret,
    });
    report(runs, lookups, hitRates);
  } finally {
    await stack.stop();
    if (!values.keep) await Deno.remove(workDir, { recursive: true }).catch(() => {});
  }
}

if (values.help) console.log(USAGE);
else await main();
