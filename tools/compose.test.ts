/**
 * The container stack (docker-compose.yml and the Dockerfiles it builds), checked without a Docker
 * engine: Debian's `docker-compose config` (1.29) validates the file with .env.example's values
 * plus placeholders for the required ones; every host path it mounts or builds from exists; every
 * `${VAR}` it reads is in .env.example; each Dockerfile's COPY sources exist and are not left out
 * of the build context by .dockerignore; and Kamailio's entrypoint renders defines that
 * `kamailio -c` accepts. A missing docker-compose fails loudly (the test command installs it).
 */
import assert from "node:assert/strict";
import { parse } from "yaml";
import { findProgram } from "../testing/daemons.ts";

const ROOT = new URL("../", import.meta.url).pathname.replace(/\/$/, "");
const COMPOSE_FILE = `${ROOT}/docker-compose.yml`;
/** Services that share the host's network (SIP/RTP addresses; loopback-only neighbours). */
const HOST_NETWORK = ["kamailio", "rtpengine", "freeswitch", "agent", "web"];
/** One-shot jobs: no healthcheck, no restart. */
const ONE_SHOT = ["minio-init", "volumes-init"];

interface Service {
  image?: string;
  build?: { context: string; dockerfile?: string };
  command?: string[] | string;
  env_file?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] | string };
  network_mode?: string;
  restart?: string;
  volumes?: string[];
}
interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const composeText = await Deno.readTextFile(COMPOSE_FILE);
const envExample = await Deno.readTextFile(`${ROOT}/.env.example`);

/** Variables .env.example names, set (`NAME=value`) or shown commented (`# NAME=value`). */
function namedInEnvExample(): Set<string> {
  return new Set([...envExample.matchAll(/^(?:# ?)?([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));
}

/** Every `${NAME...}` the compose file interpolates (`$$` is an escaped dollar, not a read). */
function composeVariables(): { name: string; required: boolean }[] {
  const text = composeText.replaceAll("$$", "");
  return [...text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)(:?[-?])?/g)].map((m) => ({
    name: m[1],
    required: m[2]?.endsWith("?") ?? false,
  }));
}

/** .env.example plus a placeholder for each required variable it leaves empty. */
async function placeholderEnvFile(omit: string[] = []): Promise<string> {
  const required = new Set(composeVariables().filter((v) => v.required).map((v) => v.name));
  const placeholders: Record<string, string> = {
    FREESWITCH_IMAGE: "registry.example.org/careflow/freeswitch:1.10.12",
    PBX_IP: "192.0.2.10",
    SIP_DOMAIN: "careflow.example.org",
  };
  const lines = envExample.split("\n").filter((line) => {
    const name = line.match(/^([A-Z][A-Z0-9_]*)=/)?.[1];
    return !name || !(omit.includes(name) || required.has(name));
  });
  for (const name of required) {
    if (!omit.includes(name)) lines.push(`${name}=${placeholders[name] ?? `placeholder-${name}`}`);
  }
  const file = await Deno.makeTempFile({ prefix: "careflow-compose-", suffix: ".env" });
  await Deno.writeTextFile(file, lines.join("\n") + "\n");
  return file;
}

/** `docker-compose config` on the repository's file with `envFile`, in a clean environment. */
async function composeConfig(envFile: string) {
  let program: string;
  try {
    program = findProgram("docker-compose");
  } catch {
    throw new Error(
      "docker-compose is not installed (Debian package docker-compose; the test command " +
        "installs it: apt-get install -y docker-compose)",
    );
  }
  const output = await new Deno.Command(program, {
    args: ["--project-directory", ROOT, "-f", COMPOSE_FILE, "--env-file", envFile, "config"],
    cwd: ROOT,
    clearEnv: true,
    env: { PATH: "/usr/bin:/bin", HOME: "/tmp", CAREFLOW_ENV_FILE: envFile },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { ok: output.success, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

async function resolvedCompose(): Promise<{ config: Compose; envFile: string }> {
  const envFile = await placeholderEnvFile();
  const result = await composeConfig(envFile);
  assert.ok(result.ok, `docker-compose config refused docker-compose.yml:\n${result.stderr}`);
  return { config: parse(result.stdout) as Compose, envFile };
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

/** Instructions of a Dockerfile, continuation lines joined, comments dropped. */
function instructions(text: string): string[] {
  return text.replace(/\\\n/g, " ").split("\n").map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"));
}

/** Sources of each COPY/ADD that reads the build context (not `--from` another stage). */
function copySources(dockerfile: string): string[] {
  const sources: string[] = [];
  for (const line of instructions(dockerfile)) {
    const match = line.match(/^(COPY|ADD)\s+(.*)$/i);
    if (!match) continue;
    if (/(?:^|\s)--from=/.test(match[2])) continue;
    const rest = match[2].replace(/^(?:--[a-z-]+(?:=\S+)?\s+)+/, "");
    const args = rest.startsWith("[") ? JSON.parse(rest) as string[] : rest.split(/\s+/);
    sources.push(...args.slice(0, -1));
  }
  return sources;
}

/** .dockerignore as Docker reads it: the last matching pattern decides, `!` re-includes. */
function dockerignore(text: string): (path: string) => boolean {
  const rules = text.split("\n").map((line) => line.trim()).filter((l) => l && !l.startsWith("#"))
    .map((line) => {
      const include = line.startsWith("!");
      const pattern = (include ? line.slice(1) : line).replace(/^\/+|\/+$/g, "");
      const source = pattern.split("/").map((part) =>
        part === "**" ? ".*" : part.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*")
          .replace(/\?/g, "[^/]")
      ).join("/").replace(/\.\*\//g, "(?:.*/)?");
      return { include, regex: new RegExp(`^${source}(?:/.*)?$`) };
    });
  return (path) => {
    let excluded = false;
    for (const rule of rules) if (rule.regex.test(path)) excluded = !rule.include;
    return excluded;
  };
}

Deno.test("docker-compose config validates docker-compose.yml with .env.example", async () => {
  const { config, envFile } = await resolvedCompose();
  const services = config.services;
  for (
    const name of [
      ...["web", "agent", "kamailio", "rtpengine", "freeswitch", "redis", "mongo", "minio"],
      ...["prometheus", "grafana"],
    ]
  ) assert.ok(services[name], `no service ${name}`);
  for (const [name, service] of Object.entries(services)) {
    if (ONE_SHOT.includes(name)) {
      assert.equal(service.restart, "no", `${name}: one-shot jobs are not restarted`);
      continue;
    }
    assert.equal(service.restart, "unless-stopped", `${name}: restart policy`);
    assert.ok(service.healthcheck?.test, `${name}: no healthcheck`);
  }
  for (const name of HOST_NETWORK) {
    assert.equal(services[name].network_mode, "host", `${name} must use the host's network`);
  }
  const redisCommand = [services.redis.command ?? []].flat().join(" ");
  assert.match(redisCommand, /--appendonly yes/, "Redis keeps an AOF (the agent's outbox)");
  assert.equal(services.freeswitch.image, "registry.example.org/careflow/freeswitch:1.10.12");
  assert.ok(
    services.freeswitch.volumes?.includes(`${ROOT}/pbx/freeswitch:/etc/careflow/freeswitch:ro`),
    "FreeSWITCH runs pbx/freeswitch",
  );
  assert.equal(services.web.environment?.CALL_MODE, "sip");
  // Secrets come from the env file (.env unless CAREFLOW_ENV_FILE says otherwise), which
  // docker-compose config inlines into each service's environment.
  const raw = parse(composeText) as Compose;
  for (const name of ["web", "agent", "freeswitch"]) {
    assert.deepEqual(raw.services[name].env_file, ["${CAREFLOW_ENV_FILE:-.env}"], name);
    assert.equal(services[name].environment?.PBX_IP, "192.0.2.10", `${name} gets the env file`);
  }
  await Deno.remove(envFile);
});

Deno.test("a required variable left unset stops docker-compose with its name", async () => {
  for (const name of ["FREESWITCH_IMAGE", "PBX_IP"]) {
    const envFile = await placeholderEnvFile([name]);
    const result = await composeConfig(envFile);
    await Deno.remove(envFile);
    assert.ok(!result.ok, `docker-compose config accepted the file without ${name}`);
    assert.match(result.stderr, new RegExp(`set ${name} in \\.env`));
  }
});

Deno.test("every host path docker-compose.yml mounts or builds from exists", async () => {
  const { config, envFile } = await resolvedCompose();
  const missing: string[] = [];
  for (const [name, service] of Object.entries(config.services)) {
    const paths: string[] = [];
    if (service.build) {
      paths.push(service.build.context, `${service.build.context}/${service.build.dockerfile}`);
    }
    for (const volume of service.volumes ?? []) {
      const source = volume.split(":")[0];
      if (source.startsWith("/")) paths.push(source);
      else assert.ok(config.volumes && source in config.volumes, `${name}: volume ${source}`);
    }
    // The env file itself is the operator's (.env, never committed): here the temporary one.
    paths.push(...(service.env_file ?? []).filter((file) => file !== envFile));
    for (const path of paths) {
      assert.ok(path === ROOT || path.startsWith(`${ROOT}/`), `${name}: ${path} is outside`);
      if (!await exists(path)) missing.push(`${name}: ${path.slice(ROOT.length + 1)}`);
    }
  }
  await Deno.remove(envFile);
  assert.deepEqual(missing, [], "paths docker-compose.yml names but the repository lacks");
});

Deno.test("every ${VAR} docker-compose.yml reads is named in .env.example", () => {
  const named = namedInEnvExample();
  const unnamed = [...new Set(composeVariables().map((v) => v.name))].filter((n) => !named.has(n));
  assert.deepEqual(unnamed, [], "add them to the Compose stack section of .env.example");
});

Deno.test("each Dockerfile's COPY sources exist and are in the build context", async () => {
  const { config, envFile } = await resolvedCompose();
  await Deno.remove(envFile);
  const ignored = dockerignore(await Deno.readTextFile(`${ROOT}/.dockerignore`));
  const dockerfiles = new Set(
    Object.values(config.services).filter((s) => s.build).map((s) =>
      `${s.build!.context}/${s.build!.dockerfile}`
    ),
  );
  for (const dockerfile of ["web/Dockerfile", "agent/Dockerfile", "pbx/kamailio/Dockerfile"]) {
    assert.ok(dockerfiles.has(`${ROOT}/${dockerfile}`), `docker-compose.yml builds ${dockerfile}`);
  }
  const problems: string[] = [];
  for (const dockerfile of dockerfiles) {
    const text = await Deno.readTextFile(dockerfile);
    const name = dockerfile.slice(ROOT.length + 1);
    const sources = copySources(text);
    assert.ok(sources.length > 0, `${name}: no COPY`);
    for (const source of sources) {
      const path = source.replace(/^\.?\/+/, "").replace(/\/+$/, "");
      if (!await exists(`${ROOT}/${path}`)) problems.push(`${name}: COPY ${source} does not exist`);
      else if (ignored(path)) problems.push(`${name}: COPY ${source} is in .dockerignore`);
    }
    assert.match(text, /^USER (?!root)\S+/m, `${name}: runs as a non-root user`);
    assert.match(text, /^ARG [A-Z_]+_IMAGE=\S+:\S+$/m, `${name}: a pinned base image argument`);
  }
  assert.deepEqual(problems, []);
  for (const path of [".env", "node_modules/x", "web/static/build/x.js", "web/app.test.ts"]) {
    assert.ok(ignored(path), `.dockerignore keeps ${path} out`);
  }
  for (const path of ["ops/monitoring/alerts.yml", "ops/compose/certs/privkey.pem", "testing/x"]) {
    assert.ok(ignored(path), `.dockerignore keeps ${path} out`);
  }
});

Deno.test("the Kamailio image copies every file kamailio.cfg includes", async () => {
  const sources = copySources(await Deno.readTextFile(`${ROOT}/pbx/kamailio/Dockerfile`));
  const cfg = await Deno.readTextFile(`${ROOT}/pbx/kamailio/kamailio.cfg`);
  const included = [...cfg.matchAll(/^(?:include_file|import_file)\s+"([^"]+)"/gm)].map((m) =>
    m[1]
  );
  assert.ok(included.length > 0);
  for (const file of ["kamailio.cfg", "tls.cfg", ...included]) {
    assert.ok(sources.includes(`pbx/kamailio/${file}`), `pbx/kamailio/Dockerfile lacks ${file}`);
  }
});

Deno.test("Kamailio's entrypoint renders defines kamailio -c accepts", async () => {
  const { config, envFile } = await resolvedCompose();
  await Deno.remove(envFile);
  const runDir = await Deno.makeTempDir({ prefix: "careflow-kamailio-" });
  const kamailio = findProgram("kamailio");
  const check = (env: Record<string, string>) =>
    new Deno.Command("sh", {
      args: [`${ROOT}/ops/compose/kamailio-entrypoint.sh`, "check"],
      clearEnv: true,
      env: {
        ...config.services.kamailio.environment,
        // The placeholder PBX_IP is not this machine's: the check binds nothing but wants a
        // local address.
        KAMAILIO_SIP_IP: "127.0.0.1",
        FREESWITCH_NODES: "127.0.0.1:5080",
        KAMAILIO_CFG: `${ROOT}/pbx/kamailio/kamailio.cfg`,
        KAMAILIO_RUN_DIR: runDir,
        PATH: `${kamailio.slice(0, kamailio.lastIndexOf("/"))}:/usr/bin:/bin`,
        ...env,
      },
      stdout: "piped",
      stderr: "piped",
    }).output();
  try {
    const variants: Record<string, string>[] = [
      {},
      { KAMAILIO_TLS: "yes", KAMAILIO_TRUNK_URI: "sip:192.0.2.1:5060" },
    ];
    for (const env of variants) {
      const result = await check(env);
      assert.ok(result.success, new TextDecoder().decode(result.stderr));
    }
    const list = await Deno.readTextFile(`${runDir}/freeswitch.list`);
    assert.equal(list, "1 sip:127.0.0.1:5080 0 0\n");
    const bad = await check({ SIP_DOMAIN: 'careflow"local' });
    assert.equal(bad.code, 64);
    assert.match(new TextDecoder().decode(bad.stderr), /SIP_DOMAIN must be a domain name/);
  } finally {
    await Deno.remove(runDir, { recursive: true });
  }
});
