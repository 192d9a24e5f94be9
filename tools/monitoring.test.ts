/**
 * The monitoring files stay true to the code: Prometheus's config and alert rules pass promtool
 * (config, rules and the rules' unit tests in ops/monitoring/alerts.*.test.yml), every alert has a
 * firing and a quiet case, and every metric the alerts and the Grafana dashboard name is one the
 * code exports (read from agent/src and web/), so renaming a metric breaks this test instead of
 * silently blanking a panel or disarming an alert. Needs promtool (Debian's `prometheus`).
 */
import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url).pathname;
const MONITORING = `${ROOT}ops/monitoring/`;
const GRAFANA = `${ROOT}ops/grafana/`;

/** Web's metrics as agreed for its /metrics (prom-client); used until web/ names its own. */
const WEB_CONTRACT = [
  "careflow_http_requests_total",
  "careflow_http_request_duration_seconds",
  "careflow_signaling_sockets",
  "careflow_calls_total",
  "careflow_login_failures_total",
  "careflow_ingest_lag_seconds",
];
/** Series from elsewhere: Prometheus itself and node exporter (optional, for disk space). */
const OTHER_METRICS = [
  "up",
  "ALERTS",
  "node_filesystem_avail_bytes",
  "node_filesystem_size_bytes",
  "node_filesystem_readonly",
];
/** prom-client's default process metrics on web (whichever the runtime exposes). */
const DEFAULT_METRICS = /^(process|nodejs)_/;
const HISTOGRAM_SERIES = /_(bucket|sum|count)$/;

interface Run {
  ok: boolean;
  output: string;
}

/** promtool unit tests of alerts.yml, one file per side. */
const ALERT_TESTS = ["alerts.web.test.yml", "alerts.agent.test.yml", "alerts.sip.test.yml"];

/** Runs promtool; a missing promtool is a failure that says how to install it, never a skip. */
async function promtool(...args: string[]): Promise<Run> {
  return await promtoolIn(MONITORING, ...args);
}

async function promtoolIn(cwd: string, ...args: string[]): Promise<Run> {
  let result: Deno.CommandOutput;
  try {
    result = await new Deno.Command("promtool", {
      args,
      cwd,
      stdout: "piped",
      stderr: "piped",
    })
      .output();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Error(
        "promtool is missing: `apt-get install prometheus` (deno task test installs it, " +
          "tools/system-packages.ts). The monitoring checks cannot pass without it.",
      );
    }
    throw error;
  }
  const text = new TextDecoder();
  return { ok: result.success, output: text.decode(result.stdout) + text.decode(result.stderr) };
}

/** TypeScript files under `dir` (relative to the repository), tests and test helpers left out. */
async function sourceFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (path: string) => {
    for await (const entry of Deno.readDir(path)) {
      const full = `${path}/${entry.name}`;
      if (entry.isDirectory) {
        if (!["node_modules", "testing", "e2e", "static"].includes(entry.name)) await walk(full);
      } else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) {
        found.push(full);
      }
    }
  };
  await walk(ROOT + dir);
  return found.sort();
}

/** A source file's text with `${name}` replaced where `const name = "careflow_..."` is set. */
function withPrefixesInlined(text: string): string {
  let inlined = text;
  for (const [, name, value] of text.matchAll(/const (\w+) = "(careflow_[a-z0-9_]+)";/g)) {
    inlined = inlined.replaceAll(`\${${name}}`, value);
  }
  return inlined;
}

/**
 * The agent's metric names: the first argument of every registration (`registry.counter(...)`,
 * `histogram`, `gauge`, `settable`, and presence's labelled gauge). Histograms add their series.
 */
async function agentMetrics(): Promise<Set<string>> {
  const names = new Set<string>();
  const registration =
    /\b(counter|histogram|settable|gauge|labelledGauge)\(\s*(?:\w+,\s*)?["'`](careflow_[a-z0-9_]+)["'`]/g;
  for (const file of await sourceFiles("agent/src")) {
    const text = withPrefixesInlined(await Deno.readTextFile(file));
    for (const [, kind, name] of text.matchAll(registration)) {
      names.add(name);
      if (kind === "histogram") {
        for (const s of ["bucket", "sum", "count"]) names.add(`${name}_${s}`);
      }
    }
    // Series declared in a table and registered in a loop (Kamailio's figures, kamailio/stats.ts).
    for (const [, name] of text.matchAll(/\bname:\s*["'`](careflow_[a-z0-9_]+)["'`]/g)) {
      names.add(name);
    }
  }
  return names;
}

/**
 * Web's metric names: the `careflow_*` names its sources spell out, once web has a /metrics;
 * before that, the agreed contract. Either way a name the dashboard uses must be in it.
 */
async function webMetrics(): Promise<{ names: Set<string>; from: string }> {
  const names = new Set<string>();
  for (const file of await sourceFiles("web")) {
    const text = withPrefixesInlined(await Deno.readTextFile(file));
    for (const [, name] of text.matchAll(/["'`](careflow_[a-z0-9_]+)["'`]/g)) names.add(name);
  }
  if (names.size > 0) return { names, from: "web/ sources" };
  return { names: new Set(WEB_CONTRACT), from: "the agreed web contract (web/ names none yet)" };
}

const PROMQL_WORDS = new Set([
  "and",
  "or",
  "unless",
  "bool",
  "offset",
  "by",
  "without",
  "on",
  "ignoring",
  "group_left",
  "group_right",
  "inf",
  "nan",
]);

/** The metric names a PromQL expression selects (functions, keywords and labels left out). */
export function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/\$\{?__?\w+\}?/g, "1m") // Grafana variables ($__rate_interval)
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, "")
    .replace(/\[[^\]]*\]/g, "")
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, "");
  const names: string[] = [];
  for (const match of bare.matchAll(/(?<![\w.])[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const rest = bare.slice(match.index! + match[0].length).trimStart();
    if (rest.startsWith("(") || PROMQL_WORDS.has(match[0].toLowerCase())) continue;
    names.push(match[0]);
  }
  return names;
}

interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  gridPos: { h: number; w: number; x: number; y: number };
  targets?: { expr: string; refId: string; datasource?: { uid: string } }[];
}

async function dashboard(): Promise<{ schemaVersion: number; uid: string; panels: Panel[] }> {
  return JSON.parse(await Deno.readTextFile(`${GRAFANA}dashboards/careflow.json`));
}

/** Every PromQL expression in alerts.yml (folded `>-` blocks and one-line `expr:`). */
async function alertExprs(): Promise<Map<string, string>> {
  const text = await Deno.readTextFile(`${MONITORING}alerts.yml`);
  const exprs = new Map<string, string>();
  for (const block of text.split(/^\s+- alert: /m).slice(1)) {
    const name = block.slice(0, block.indexOf("\n")).trim();
    const folded = block.match(/expr: >-\n((?:\s{10,}.*\n)+)/);
    const line = block.match(/expr: (?!>)(.+)/);
    const expr = folded ? folded[1].replace(/\s+/g, " ").trim() : line?.[1].trim();
    assert.ok(expr, `no expr found for ${name}`);
    exprs.set(name, expr);
  }
  return exprs;
}

Deno.test("prometheus.yml passes promtool check config (with its rule file)", async () => {
  // The bearer token file exists only in the running stack: a copy points at a stand-in for it.
  const dir = await Deno.makeTempDir({ prefix: "careflow-prometheus-" });
  try {
    const config = await Deno.readTextFile(`${MONITORING}prometheus.yml`);
    assert.match(config, /credentials_file: \/prometheus\/metrics-token/);
    await Deno.writeTextFile(`${dir}/metrics-token`, "a-token-for-the-check-only-0000");
    await Deno.writeTextFile(
      `${dir}/prometheus.yml`,
      config.replace("/prometheus/metrics-token", `${dir}/metrics-token`),
    );
    await Deno.copyFile(`${MONITORING}alerts.yml`, `${dir}/alerts.yml`);
    const { ok, output } = await promtoolIn(dir, "check", "config", "prometheus.yml");
    assert.ok(ok, output);
    assert.match(output, /SUCCESS: 1 rule files found/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("alerts.yml passes promtool check rules", async () => {
  const { ok, output } = await promtool("check", "rules", "alerts.yml");
  assert.ok(ok, output);
});

Deno.test("the alert unit tests pass promtool test rules", async () => {
  const { ok, output } = await promtool("test", "rules", ...ALERT_TESTS);
  assert.ok(ok, output);
});

Deno.test("every alert has a severity, a summary, a description, and a firing and a quiet test", async () => {
  const rules = await Deno.readTextFile(`${MONITORING}alerts.yml`);
  const tests = (await Promise.all(
    ALERT_TESTS.map((file) => Deno.readTextFile(`${MONITORING}${file}`)),
  )).join("\n");
  const firing = new Set<string>();
  const quiet = new Set<string>();
  for (const [, name, none] of tests.matchAll(/alertname: (\w+)\n\s+exp_alerts:( \[\])?/g)) {
    (none ? quiet : firing).add(name);
  }
  const names = [...(await alertExprs()).keys()];
  assert.ok(names.length >= 10, `only ${names.length} alerts found in alerts.yml`);
  const problems: string[] = [];
  for (const block of rules.split(/^\s+- alert: /m).slice(1)) {
    const name = block.slice(0, block.indexOf("\n")).trim();
    if (!/severity: (critical|warning)\n/.test(block)) problems.push(`${name}: severity`);
    if (!/summary: /.test(block) || !/description: /.test(block)) {
      problems.push(`${name}: summary and description`);
    }
    if (!firing.has(name)) problems.push(`${name}: no firing test`);
    if (!quiet.has(name)) problems.push(`${name}: no quiet test`);
  }
  assert.deepEqual(problems, []);
  for (const name of [...firing, ...quiet]) {
    assert.ok(names.includes(name), `${name} is tested but not defined`);
  }
});

Deno.test("prometheus.yml scrapes the agent's /metrics on its default port", async () => {
  const config = await Deno.readTextFile(`${MONITORING}prometheus.yml`);
  const agentConfig = await Deno.readTextFile(`${ROOT}agent/src/config.ts`);
  const port = agentConfig.match(/AGENT_PORT: .*\.default\((\d+)\)/)?.[1];
  assert.ok(port, "AGENT_PORT's default not found in agent/src/config.ts");
  const agentJob = config.slice(config.indexOf("job_name: careflow-agent"));
  assert.match(agentJob, new RegExp(`targets: \\["[\\w.-]+:${port}"\\]`));
  assert.match(agentJob, /metrics_path: \/metrics/);
  const ops = await Deno.readTextFile(`${ROOT}agent/src/routes/ops.ts`);
  assert.match(ops, /app\.get\(\s*"\/metrics"/, "the agent no longer serves GET /metrics");
  // On the host's network with web (docker-compose.yml), which answers only with the token.
  assert.match(config, /job_name: careflow-web[\s\S]*?targets: \["127\.0\.0\.1:8000"\]/);
});

Deno.test("the dashboard is valid and uses the provisioned datasource", async () => {
  const datasources = await Deno.readTextFile(`${GRAFANA}provisioning/datasources/prometheus.yml`);
  const uid = datasources.match(/^\s+uid: (\S+)$/m)?.[1];
  assert.ok(uid, "no datasource uid provisioned");
  const provider = await Deno.readTextFile(`${GRAFANA}provisioning/dashboards/careflow.yml`);
  assert.match(provider, /path: \/var\/lib\/grafana\/dashboards\n/);
  const board = await dashboard();
  assert.ok(
    board.schemaVersion >= 36 && board.schemaVersion <= 41,
    `schemaVersion ${board.schemaVersion}`,
  );
  assert.ok(board.uid, "the dashboard needs a uid");
  const ids = board.panels.map((p) => p.id);
  assert.equal(new Set(ids).size, ids.length, "panel ids must be unique");
  const problems: string[] = [];
  for (const panel of board.panels) {
    const { x, w } = panel.gridPos;
    if (x < 0 || w < 1 || x + w > 24) problems.push(`${panel.title}: outside the 24-column grid`);
    if (panel.type === "row") continue;
    if (panel.datasource?.uid !== uid) problems.push(`${panel.title}: datasource`);
    if (!panel.targets?.length) problems.push(`${panel.title}: no query`);
    for (const target of panel.targets ?? []) {
      if (target.datasource?.uid !== uid) {
        problems.push(`${panel.title} ${target.refId}: datasource`);
      }
      if (!target.expr?.trim()) problems.push(`${panel.title} ${target.refId}: empty expr`);
    }
  }
  assert.deepEqual(problems, []);
});

Deno.test("every dashboard query is valid PromQL", async () => {
  // As recording rules, which `promtool check rules` parses; JSON is YAML.
  const rules = (await dashboard()).panels.flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({
      record: `careflow_dashboard:panel_${panel.id}_${target.refId}`,
      expr: target.expr.replace(/\$\{?__rate_interval\}?/g, "1m"),
    }))
  );
  const dir = await Deno.makeTempDir({ prefix: "careflow-dashboard-" });
  try {
    const file = `${dir}/dashboard-rules.yml`;
    await Deno.writeTextFile(file, JSON.stringify({ groups: [{ name: "dashboard", rules }] }));
    const { ok, output } = await promtool("check", "rules", file);
    assert.ok(ok, output);
    assert.match(output, new RegExp(`SUCCESS: ${rules.length} rules found`));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("alerts and dashboard name only metrics the code exports", async () => {
  const agent = await agentMetrics();
  // A sanity floor: a broken extraction must not pass by knowing nothing.
  for (const name of ["careflow_agent_esl_connected", "careflow_agent_outbox_depth"]) {
    assert.ok(agent.has(name), `${name} not found among the agent's registrations`);
  }
  assert.ok(agent.size >= 30, `only ${agent.size} agent metrics found`);
  const web = await webMetrics();
  const known = new Set([...agent, ...web.names, ...OTHER_METRICS]);
  const isKnown = (name: string) =>
    known.has(name) || known.has(name.replace(HISTOGRAM_SERIES, "")) || DEFAULT_METRICS.test(name);

  const unknown: string[] = [];
  for (const [alert, expr] of await alertExprs()) {
    for (const name of metricNames(expr)) {
      if (!isKnown(name)) unknown.push(`alert ${alert}: ${name}`);
    }
  }
  for (const panel of (await dashboard()).panels) {
    for (const target of panel.targets ?? []) {
      const names = metricNames(target.expr);
      if (names.length === 0) unknown.push(`panel ${panel.title}: selects no metric`);
      for (const name of names) if (!isKnown(name)) unknown.push(`panel ${panel.title}: ${name}`);
    }
  }
  assert.deepEqual(unknown, [], `web names taken from ${web.from}`);
});

Deno.test("metricNames finds selectors, not functions, labels or Grafana variables", () => {
  assert.deepEqual(
    metricNames(
      'histogram_quantile(0.99, sum by (route, le) (rate(a_bucket{route=~"/x"}[$__rate_interval])))' +
        " > 0.5 and on (job) b_total * 1e3 or vector(0)",
    ),
    ["a_bucket", "b_total"],
  );
});
