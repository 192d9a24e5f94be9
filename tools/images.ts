/**
 * Builds the compose stack's images with podman (`deno run -A tools/images.ts`), where no registry
 * may be reachable: the base is a Debian bookworm root made with `debootstrap --variant=minbase`
 * and `podman import`ed, and Deno and Bun come from npm (their official Linux binaries) into
 * bases of their own; each Dockerfile then gets that base through its `*_IMAGE` build argument.
 * `--registry` builds on the Dockerfiles' default (registry) bases instead. Builds use
 * `podman build --isolation chroot` (no runtime needed). Without podman it says so and exits 0.
 *
 * Flags: --only=web,agent,kamailio,rtpengine  --registry  --smoke (after building, run each
 * image's entrypoint and HEALTHCHECK from its mounted root filesystem under chroot, as
 * `podman run` may be unavailable, e.g. where setrlimit is refused)
 * --cache=<dir> (default ~/.cache/careflow/images: the debootstrap root).
 * Requires root for debootstrap and podman's storage. Not part of the test command.
 */
import { parseArgs } from "node:util";
import { freePort, freePortRange } from "../testing/ports.ts";
import { type RedisServer, startRedis } from "../testing/redis.ts";

const ROOT = new URL("../", import.meta.url).pathname.replace(/\/$/, "");
const LOCAL = "careflow-local";
const HOST_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

interface Image {
  name: string;
  dockerfile: string;
  tag: string;
  /** The build argument naming the base, and which local base it gets. */
  baseArg: string;
  localBase: "debian" | "deno" | "bun";
}

/** The images docker-compose.yml builds, each tagged `careflow/<name>:local` as it names them. */
const IMAGES: Image[] = ([
  ["web", "web/Dockerfile", "DENO_IMAGE", "deno"],
  ["agent", "agent/Dockerfile", "BUN_IMAGE", "bun"],
  ["kamailio", "pbx/kamailio/Dockerfile", "DEBIAN_IMAGE", "debian"],
  ["rtpengine", "ops/compose/rtpengine.Dockerfile", "DEBIAN_IMAGE", "debian"],
] as const).map(([name, dockerfile, baseArg, localBase]) => ({
  name,
  dockerfile,
  tag: `careflow/${name}:local`,
  baseArg,
  localBase,
}));

/** Runs a command with its output shown; throws when it fails. */
async function run(cmd: string, args: string[], options: { cwd?: string; stdin?: string } = {}) {
  const child = new Deno.Command(cmd, {
    args,
    cwd: options.cwd,
    stdin: options.stdin ? "piped" : "null",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  if (options.stdin) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(options.stdin));
    await writer.close();
  }
  const status = await child.status;
  if (!status.success) throw new Error(`${cmd} ${args.join(" ")}: exit ${status.code}`);
}

/** A command's trimmed stdout, or null when it cannot run or fails. */
async function output(cmd: string, args: string[]): Promise<string | null> {
  try {
    const result = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "null" }).output();
    return result.success ? new TextDecoder().decode(result.stdout).trim() : null;
  } catch {
    return null;
  }
}

const imageExists = async (tag: string) =>
  (await new Deno.Command("podman", { args: ["image", "exists", tag] }).output()).success;

/** The version pinned in a Dockerfile's default base, e.g. 2.9.6 of denoland/deno:debian-2.9.6. */
async function pinnedVersion(dockerfile: string, arg: string): Promise<string> {
  const text = await Deno.readTextFile(`${ROOT}/${dockerfile}`);
  const version = text.match(new RegExp(`^ARG ${arg}=\\S+?(\\d+\\.\\d+\\.\\d+)`, "m"))?.[1];
  if (!version) throw new Error(`${dockerfile}: no pinned version in ARG ${arg}`);
  return version;
}

/** Debian bookworm (minbase) as an image, made once with debootstrap and podman import. */
async function debianBase(cacheDir: string): Promise<string> {
  const tag = `${LOCAL}/debian:bookworm`;
  if (await imageExists(tag)) return tag;
  const rootfs = `${cacheDir}/bookworm-minbase`;
  if (!(await Deno.stat(`${rootfs}/etc/debian_version`).then(() => true, () => false))) {
    console.log(`debootstrap --variant=minbase bookworm ${rootfs}`);
    await Deno.mkdir(cacheDir, { recursive: true });
    await run("debootstrap", [
      "--variant=minbase",
      "bookworm",
      rootfs,
      "http://deb.debian.org/debian",
    ]);
  }
  // As Debian's own images: package scripts start no services, updates and security on, and no
  // package cache, lists, documentation or translations in the image.
  await Deno.writeTextFile(`${rootfs}/usr/sbin/policy-rc.d`, "#!/bin/sh\nexit 101\n", {
    mode: 0o755,
  });
  await Deno.writeTextFile(
    `${rootfs}/etc/apt/sources.list.d/debian.sources`,
    "Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm bookworm-updates\n" +
      "Components: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\n" +
      "Types: deb\nURIs: http://deb.debian.org/debian-security\nSuites: bookworm-security\n" +
      "Components: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n",
  );
  await Deno.remove(`${rootfs}/etc/apt/sources.list`).catch(() => {});
  await Deno.writeTextFile(
    `${rootfs}/etc/dpkg/dpkg.cfg.d/careflow-slim`,
    "path-exclude /usr/share/doc/*\npath-exclude /usr/share/man/*\npath-exclude /usr/share/info/*\n" +
      "path-exclude /usr/share/locale/*\npath-include /usr/share/locale/locale.alias\n",
  );
  await Deno.writeTextFile(
    `${rootfs}/etc/apt/apt.conf.d/docker-clean`,
    'DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/*.bin || true"; };\n' +
      'APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/*.bin || true"; };\n' +
      'Dir::Cache::pkgcache ""; Dir::Cache::srcpkgcache "";\n',
  );
  const clean = ["var/cache/apt", "var/lib/apt/lists", "usr/share/doc", "usr/share/man"];
  for (const dir of [...clean, "usr/share/info", "usr/share/locale"]) {
    await run("find", [`${rootfs}/${dir}`, "-mindepth", "1", "-type", "f", "-delete"]);
  }
  console.log(`podman import ${rootfs} ${tag}`);
  await run("sh", ["-c", `tar -C '${rootfs}' -c . | podman import - '${tag}'`]);
  return tag;
}

/** A base with one binary from npm on top of the Debian base (Deno's or Bun's own build). */
async function npmBinaryBase(
  debian: string,
  kind: "deno" | "bun",
  version: string,
): Promise<string> {
  const tag = `${LOCAL}/${kind}:${version}`;
  if (await imageExists(tag)) return tag;
  const arch = Deno.build.arch === "aarch64" ? "arm64" : "x64";
  const pkg = kind === "deno"
    ? `@deno/linux-${arch}-glibc@${version}`
    : `@oven/bun-linux-${arch === "arm64" ? "aarch64" : "x64"}@${version}`;
  const context = await Deno.makeTempDir({ prefix: `careflow-${kind}-base-` });
  try {
    console.log(`npm pack ${pkg}`);
    await run("npm", ["pack", pkg, "--silent", "--pack-destination", context]);
    const tarball = [...Deno.readDirSync(context)].find((e) => e.name.endsWith(".tgz"))!.name;
    await run("tar", ["-xzf", tarball], { cwd: context });
    const binary = kind === "deno" ? "package/deno" : "package/bin/bun";
    // The build host's CA bundle (public certificates), so builds from this base reach npm
    // where egress goes through a TLS-inspecting proxy (as on the machine this was made on);
    // Deno and Bun otherwise trust only their built-in roots. Registry bases need none of it.
    await Deno.copyFile(HOST_CA_BUNDLE, `${context}/ca-certificates.crt`);
    await Deno.writeTextFile(
      `${context}/Containerfile`,
      `FROM ${debian}\nCOPY ${binary} /usr/local/bin/${kind}\n` +
        `COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt\n` +
        `ENV DENO_TLS_CA_STORE=mozilla,system NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt\n` +
        `RUN chmod 0755 /usr/local/bin/${kind} && ${kind} --version\n`,
    );
    await run("podman", ["build", "--isolation", "chroot", "-t", tag, context]);
  } finally {
    await Deno.remove(context, { recursive: true });
  }
  return tag;
}

/** An image's run configuration, as `podman run` would use it. */
interface RunConfig {
  User?: string;
  Env?: string[];
  Entrypoint?: string[];
  Cmd?: string[];
  WorkingDir?: string;
  Healthcheck?: { Test?: string[] };
}

/** The image's run configuration (a Docker-format image keeps its healthcheck beside it). */
async function runConfig(tag: string): Promise<RunConfig> {
  const [info] = JSON.parse(await output("podman", ["image", "inspect", tag]) ?? "[{}]");
  return { ...info.Config, Healthcheck: info.Config?.Healthcheck ?? info.Healthcheck };
}

/** `user` (a name or uid, optionally :group) as uid:gid, from the image's own /etc/passwd. */
async function numericUser(root: string, user = "0"): Promise<string> {
  const [name, group] = user.split(":");
  const passwd = await Deno.readTextFile(`${root}/etc/passwd`);
  const entry = passwd.split("\n").map((line) => line.split(":"))
    .find((fields) => fields[0] === name || fields[2] === name);
  if (!entry) throw new Error(`user ${name} is not in the image`);
  return `${entry[2]}:${group ?? entry[3]}`;
}

/**
 * What each smoke run needs: extra environment and entrypoint arguments, and a probe from the
 * host (the chroot shares the host's network, as the stack's host-network services do).
 */
interface Smoke {
  env: () => Promise<Record<string, string>>;
  args?: string[];
  /** A one-shot run: success is its exit status. */
  oneShot?: boolean;
  probe?: (env: Record<string, string>) => Promise<boolean>;
}

const httpProbe = (path: string) => async (env: Record<string, string>) => {
  const port = env.PORT ?? env.AGENT_PORT;
  const response = await fetch(`http://127.0.0.1:${port}${path}`).catch(() => null);
  await response?.body?.cancel();
  return response !== null && response.status < 500;
};

const SMOKE: Record<string, (redisUrl: () => Promise<string>) => Smoke> = {
  web: () => ({
    env: async () => ({ HOST: "127.0.0.1", PORT: String(await freePort()) }),
    probe: httpProbe("/"),
  }),
  agent: (redisUrl) => ({
    env: async () => ({
      AGENT_PORT: String(await freePort()),
      REDIS_URL: await redisUrl(),
      SIP_CREDENTIAL_SECRET: crypto.randomUUID(),
      INTERNAL_API_SECRET: crypto.randomUUID(),
    }),
    probe: httpProbe("/healthz"),
  }),
  kamailio: () => ({
    env: () =>
      Promise.resolve({
        KAMAILIO_SIP_IP: "127.0.0.1",
        SIP_DOMAIN: "careflow.local",
        FREESWITCH_NODES: "127.0.0.1:5080",
      }),
    args: ["check"],
    oneShot: true,
  }),
  rtpengine: () => ({
    env: async () => {
      const min = await freePortRange(10);
      return {
        RTPENGINE_IP: "127.0.0.1",
        RTPENGINE_NG: `127.0.0.1:${await freePort()}`,
        RTPENGINE_PORT_MIN: String(min),
        RTPENGINE_PORT_MAX: String(min + 9),
      };
    },
  }),
};

/**
 * Runs an image's entrypoint from its root filesystem: a container is created (not started),
 * mounted, given /proc and /dev, and the entrypoint runs there under chroot as the image's user,
 * with the image's environment and working directory; then the image's HEALTHCHECK command runs
 * the same way. Everything started is ended by PID and unmounted again.
 */
async function smokeRun(tag: string, smoke: Smoke): Promise<void> {
  const config = await runConfig(tag);
  const ctr = await output("podman", ["create", tag]);
  if (!ctr) throw new Error(`podman create ${tag} failed`);
  const root = await output("podman", ["mount", ctr]);
  const mounted: string[] = [];
  let child: Deno.ChildProcess | undefined;
  try {
    if (!root) throw new Error(`podman mount ${ctr} failed`);
    for (const dir of ["proc", "dev"]) {
      await run("mount", ["--bind", `/${dir}`, `${root}/${dir}`]);
      mounted.unshift(`${root}/${dir}`);
    }
    const env = {
      ...Object.fromEntries((config.Env ?? []).map((e) => e.split(/=(.*)/s).slice(0, 2))),
      ...await smoke.env(),
    };
    const user = await numericUser(root, config.User || "0");
    const inRoot = (argv: string[], quiet = false) =>
      new Deno.Command("chroot", {
        args: [
          `--userspec=${user}`,
          root,
          "/usr/bin/env",
          "-i",
          ...Object.entries(env).map(([k, v]) => `${k}=${v}`),
          "/bin/sh",
          "-c",
          `cd '${config.WorkingDir || "/"}' && exec "$@"`,
          "sh",
          ...argv,
        ],
        stdout: quiet ? "null" : "inherit",
        stderr: quiet ? "null" : "inherit",
      });
    const entrypoint = [...(config.Entrypoint ?? []), ...(smoke.args ?? config.Cmd ?? [])];
    console.log(`smoke: ${tag}: ${entrypoint.join(" ")} as ${user}`);
    if (smoke.oneShot) {
      const status = await inRoot(entrypoint).spawn().status;
      if (!status.success) throw new Error(`${tag}: entrypoint exited ${status.code}`);
      return;
    }
    child = inRoot(entrypoint).spawn();
    const health = config.Healthcheck?.Test ?? [];
    const healthArgv = health[0] === "CMD-SHELL" ? ["/bin/sh", "-c", health[1]] : health.slice(1);
    const deadline = Date.now() + 60_000;
    let exited = false;
    child.status.then(() => exited = true);
    for (;;) {
      const probed = smoke.probe ? await smoke.probe(env) : true;
      const healthy = healthArgv.length === 0 || (await inRoot(healthArgv, true).output()).success;
      if (probed && healthy) break;
      if (exited) throw new Error(`${tag}: the entrypoint exited`);
      if (Date.now() > deadline) {
        if (healthArgv.length) await inRoot(healthArgv).output(); // shows why
        throw new Error(`${tag}: not healthy within 60 s`);
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    console.log(`smoke: ${tag}: up${healthArgv.length ? ", and its HEALTHCHECK passes" : ""}`);
  } finally {
    if (child) {
      try {
        Deno.kill(child.pid, "SIGTERM");
      } catch { /* already gone */ }
      await child.status;
    }
    for (const dir of mounted) await output("umount", [dir]);
    await output("podman", ["umount", ctr]);
    await output("podman", ["rm", ctr]);
  }
}

async function main() {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      only: { type: "string" },
      registry: { type: "boolean", default: false },
      smoke: { type: "boolean", default: false },
      cache: { type: "string" },
    },
  });
  if (!(await output("podman", ["--version"]))) {
    console.log("podman is not installed: image build skipped (apt-get install -y podman)");
    return;
  }
  const wanted = values.only?.split(",") ?? IMAGES.map((image) => image.name);
  const images = IMAGES.filter((image) => wanted.includes(image.name));
  const cacheDir = values.cache ?? `${Deno.env.get("HOME") ?? "/tmp"}/.cache/careflow/images`;
  const bases: Record<string, string> = {};
  if (!values.registry) {
    if (!(await output("debootstrap", ["--version"]))) {
      throw new Error("debootstrap is not installed (apt-get install -y debootstrap)");
    }
    bases.debian = await debianBase(cacheDir);
    for (const kind of ["deno", "bun"] as const) {
      const image = images.find((i) => i.localBase === kind);
      if (image) {
        const version = await pinnedVersion(image.dockerfile, image.baseArg);
        bases[kind] = await npmBinaryBase(bases.debian, kind, version);
      }
    }
  }
  const built: string[] = [];
  for (const image of images) {
    const started = performance.now();
    const baseArgs = values.registry
      ? []
      : ["--build-arg", `${image.baseArg}=${bases[image.localBase]}`];
    console.log(`\n=== ${image.name}: podman build -f ${image.dockerfile}`);
    // Docker's format: OCI images have no HEALTHCHECK.
    const build = ["build", "--isolation", "chroot", "--format", "docker", "-f", image.dockerfile];
    await run("podman", [...build, ...baseArgs, "-t", image.tag, "."], { cwd: ROOT });
    const size = Number(
      await output("podman", ["image", "inspect", "--format", "{{.Size}}", image.tag]),
    );
    const seconds = ((performance.now() - started) / 1000).toFixed(0);
    built.push(`${image.tag}  ${(size / 1e6).toFixed(0)} MB  (${seconds} s)`);
  }
  console.log(`\nbuilt:\n  ${built.join("\n  ")}`);
  if (!values.smoke) return;
  // The agent's smoke run needs a Redis: a throw-away one, started on first use.
  let redis: RedisServer | undefined;
  const redisUrl = async () => (redis ??= await startRedis()).url;
  try {
    for (const image of images) await smokeRun(image.tag, SMOKE[image.name](redisUrl));
  } finally {
    await redis?.stop();
  }
}

if (import.meta.main) await main();
