/**
 * Checks of what web serves: the bytes a user gets from `/api/recordings/:id/media` (following a
 * redirect to the object store's presigned URL when web answers one), probed by ffprobe.
 */
import { rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import type { KillableWeb, WebPerson } from "../../testing/web.ts";

/** What a user could play. */
export interface Played {
  status: number;
  contentType: string | null;
  /** The media answer redirected (to the object store). */
  redirected: boolean;
  bytes: Uint8Array;
  codec: string | null;
  channels: number;
  durationSeconds: number;
}

/** What ffprobe (the independent judge in tests) finds in a file. */
export interface Probe {
  codec: string | null;
  channels: number;
  durationSeconds: number;
  formatName: string | null;
}

/** ffprobe of bytes (written to a temp file: ffprobe needs to seek in Ogg). */
export async function probeBytes(bytes: Uint8Array): Promise<Probe> {
  const path = `${tmpdir()}/careflow-probe-${crypto.randomUUID()}`;
  writeFileSync(path, bytes);
  try {
    return await probeFile(path);
  } finally {
    rmSync(path, { force: true });
  }
}

/** ffprobe of a file's first audio stream and container. */
export async function probeFile(path: string): Promise<Probe> {
  const child = Bun.spawn([
    "ffprobe",
    "-v",
    "error",
    "-show_entries",
    "stream=codec_name,channels:format=format_name,duration",
    "-of",
    "json",
    path,
  ], { stdout: "pipe", stderr: "ignore" });
  const json = JSON.parse(await new Response(child.stdout).text()) as {
    streams?: { codec_name: string; channels: number }[];
    format?: { duration?: string; format_name?: string };
  };
  await child.exited;
  return {
    codec: json.streams?.[0]?.codec_name ?? null,
    channels: json.streams?.[0]?.channels ?? 0,
    durationSeconds: Number(json.format?.duration ?? NaN),
    formatName: json.format?.format_name ?? null,
  };
}

/** Plays recording `id` as `user`, through web's API. */
export async function play(web: KillableWeb, user: WebPerson, id: string): Promise<Played> {
  let response = await web.media(user, id);
  let redirected = false;
  if (response.status === 302 || response.status === 307) {
    redirected = true;
    const location = response.headers.get("location")!;
    await response.body?.cancel();
    response = await fetch(location);
  }
  const bytes = new Uint8Array(await response.arrayBuffer());
  const probed = response.ok
    ? await probeBytes(bytes)
    : { codec: null, channels: 0, durationSeconds: NaN };
  return {
    status: response.status,
    contentType: response.headers.get("content-type"),
    redirected,
    bytes,
    ...probed,
  };
}
