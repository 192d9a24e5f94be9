/**
 * Finds the programs tests and the local stack run. Debian puts daemons (kamailio, rtpengine) in
 * /usr/sbin, which a non-login shell's PATH often lacks, so the sbin folders are always searched.
 */
import { accessSync, constants } from "node:fs";
import process from "node:process";

const ALWAYS_SEARCHED = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin"];

/** The Debian package that brings each program, for the error message. */
const PACKAGES: Record<string, string> = {
  "redis-server": "redis-server",
  kamailio: "kamailio",
  rtpengine: "rtpengine-daemon",
  sipp: "sip-tester",
  baresip: "baresip-core",
  ffmpeg: "ffmpeg",
  chromium: "chromium",
  openssl: "openssl",
};

/** The absolute path of `name`, or a loud error naming the package to install. */
export function findProgram(name: string): string {
  const path = (process.env.PATH ?? "").split(":").filter(Boolean);
  for (const dir of [...path, ...ALWAYS_SEARCHED]) {
    const candidate = `${dir}/${name}`;
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch { /* not here */ }
  }
  const pkg = PACKAGES[name];
  throw new Error(
    `${name} is not installed${
      pkg ? ` (Debian package ${pkg}; the test command installs it)` : ""
    }`,
  );
}
