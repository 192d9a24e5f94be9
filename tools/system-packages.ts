/**
 * The Debian packages CareFlow's tests and local stack run against, installed with apt-get when
 * missing. Tests use the real components, never stand-ins; a test whose component is missing
 * fails loudly.
 */
export const DEBIAN_PACKAGES = [
  "chromium",
  "redis-server",
  "kamailio",
  "kamailio-websocket-modules",
  "kamailio-tls-modules",
  "kamailio-utils-modules",
  "kamailio-extra-modules",
  "kamailio-json-modules",
  "kamailio-redis-modules",
  "kamailio-sqlite-modules",
  "sip-tester",
  "rtpengine-daemon",
  // The TCP front: per-source connection limits before Kamailio (pbx/haproxy).
  "haproxy",
  "ffmpeg",
  "baresip-core",
  "prometheus",
  // Throw-away certificates for the TLS/WSS test.
  "openssl",
  // `docker-compose config` validates docker-compose.yml (tools/compose.test.ts); no engine needed.
  "docker-compose",
];

async function run(command: string, args: string[], env: Record<string, string> = {}) {
  const status = await new Deno.Command(command, {
    args,
    env,
    stdout: "inherit",
    stderr: "inherit",
  })
    .spawn().status;
  return status.success;
}

/** Packages dpkg does not report as installed. */
export async function missingPackages(packages = DEBIAN_PACKAGES): Promise<string[]> {
  const output = await new Deno.Command("dpkg-query", {
    args: ["-W", "-f", "${Package} ${Status}\n", ...packages],
    stdout: "piped",
    stderr: "null",
  }).output();
  const installed = new Set(
    new TextDecoder().decode(output.stdout).split("\n")
      .filter((line) => line.endsWith("install ok installed"))
      .map((line) => line.split(" ")[0]),
  );
  return packages.filter((name) => !installed.has(name));
}

/** Installs what is missing (as root); returns the packages still missing afterwards. */
export async function ensurePackages(packages = DEBIAN_PACKAGES): Promise<string[]> {
  const missing = await missingPackages(packages);
  if (missing.length === 0) return [];
  if (Deno.uid?.() !== 0) {
    console.error(`missing Debian packages (run as root to install): ${missing.join(" ")}`);
    return missing;
  }
  console.log(`installing Debian packages: ${missing.join(" ")}`);
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  await run("apt-get", ["update", "-qq"], env);
  await run("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...missing], env);
  return await missingPackages(packages);
}
