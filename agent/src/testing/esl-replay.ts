/**
 * Test helper: a stand-in FreeSWITCH event socket on 127.0.0.1 that replays a real capture
 * (`/work/shared/fixtures/freeswitch/esl-*.txt`) byte for byte. It greets with the capture's
 * `auth/request`, answers `auth <password>` with the capture's reply, and after the first
 * `event ...` command writes the rest of the capture, whole or in chunks (every byte boundary a
 * possible split), optionally cut off mid-frame. It can also "restart": drop every connection,
 * refuse new ones for a while, then listen on the same port again.
 *
 * It parses only what it must (command lines, and frame boundaries so replies to commands it gets
 * while replaying go between frames, never inside one); it shares no code with the client under
 * test, so a framing bug there cannot hide here.
 */
import net from "node:net";
import { freePort } from "../../../testing/ports.ts";

/** What one connection plays. */
export interface ReplaySession {
  /** The capture's bytes, from its `auth/request` to its end. */
  capture: Uint8Array;
  /** Write the replayed part in pieces of this many bytes (1 = every byte boundary split). */
  chunkSize?: number;
  /** Also end a write at each of these byte offsets of the capture. */
  splitAt?: number[];
  /** Cut the connection once the capture was written up to this offset (mid-frame cut). */
  cutAt?: number;
  /** Keep the connection open after the last byte (FreeSWITCH closes after its goodbye). */
  holdOpen?: boolean;
  /**
   * Leave out the capture's ending (the reply to its client's `exit` and the disconnect notice),
   * as when FreeSWITCH is killed rather than asked to say goodbye.
   */
  withoutGoodbye?: boolean;
}

/** Options of {@link startEslReplay}. */
export interface EslReplayOptions {
  /** The password `auth` must carry (the captures used `ClueCon`). */
  password?: string;
  /**
   * What each connection plays, in connection order. A connection beyond the list is accepted,
   * subscribed and then left quiet (FreeSWITCH up, no calls).
   */
  sessions: ReplaySession[];
  /** A fixed port (default: a free one), kept across restarts. */
  port?: number;
}

/** A running replay server. */
export interface EslReplay {
  host: string;
  port: number;
  /** The commands each connection sent (`auth ***` with the password masked), by connection. */
  commands: string[][];
  /** Connections accepted so far. */
  readonly connections: number;
  /** Resolves once connection `index` (0-based) has written all it was to write. */
  replayed(index: number): Promise<void>;
  /** Drops every connection, refuses new ones for `downMs`, then listens on the same port. */
  restart(downMs?: number): Promise<void>;
  close(): Promise<void>;
}

const HOST = "127.0.0.1";
const AUTH_FAILED = "Content-Type: command/reply\nReply-Text: -ERR invalid\n\n";
const GOODBYE = "Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n";
const encoder = new TextEncoder();

/** Byte offsets where each frame of a capture ends (header block, then Content-Length bytes). */
export function frameEnds(capture: Uint8Array): number[] {
  const ends: number[] = [];
  let at = 0;
  while (at < capture.length) {
    let headEnd = -1;
    for (let i = at; i + 1 < capture.length; i++) {
      if (capture[i] === 10 && capture[i + 1] === 10) {
        headEnd = i;
        break;
      }
    }
    if (headEnd < 0) break;
    const head = new TextDecoder().decode(capture.subarray(at, headEnd));
    const length = Number(/^Content-Length: (\d+)$/m.exec(head)?.[1] ?? 0);
    at = Math.min(headEnd + 2 + length, capture.length);
    ends.push(at);
  }
  return ends;
}

function frame(contentType: string, headers: string, body = ""): Uint8Array {
  const length = body ? `Content-Length: ${encoder.encode(body).length}\n` : "";
  return encoder.encode(`Content-Type: ${contentType}\n${headers}${length}\n${body}`);
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

function reply(text: string): Uint8Array {
  return frame("command/reply", `Reply-Text: ${text}\n`);
}

/** Starts the server; it listens before this resolves. */
export async function startEslReplay(options: EslReplayOptions): Promise<EslReplay> {
  const password = options.password ?? "ClueCon";
  const port = options.port ?? await freePort();
  const commands: string[][] = [];
  const finished: Array<{ promise: Promise<void>; resolve: () => void }> = [];
  const sockets = new Set<net.Socket>();
  let connections = 0;
  let server: net.Server | null = null;

  const done = (index: number) => (finished[index] ??= deferred());

  function serve(socket: net.Socket): void {
    const index = connections++;
    const session = options.sessions[index] ?? null;
    const log: string[] = (commands[index] = []);
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on("close", () => {
      sockets.delete(socket);
      done(index).resolve();
    });
    socket.on("error", () => {}); // the client may go first; nothing to report
    const play = new Player(socket, session?.capture ?? null, session);
    play.greet();
    let pending = "";
    socket.on("data", (data: Buffer) => {
      pending += data.toString("latin1");
      let end: number;
      while ((end = pending.indexOf("\n\n")) >= 0) {
        const command = pending.slice(0, end).trim();
        pending = pending.slice(end + 2);
        log.push(command.startsWith("auth ") ? "auth ***" : command);
        play.command(command, password).then(() => {
          if (play.over) done(index).resolve();
        }, () => socket.destroy());
      }
    });
  }

  async function listen(): Promise<void> {
    server = net.createServer(serve);
    await new Promise<void>((resolve, reject) => {
      server!.once("error", reject);
      server!.listen({ host: HOST, port, exclusive: true }, () => resolve());
    });
  }

  async function shut(): Promise<void> {
    for (const socket of sockets) socket.destroy();
    const closing = server;
    server = null;
    if (closing) await new Promise<void>((resolve) => closing.close(() => resolve()));
  }

  await listen();
  return {
    host: HOST,
    port,
    commands,
    get connections() {
      return connections;
    },
    replayed: (index) => done(index).promise,
    async restart(downMs = 200) {
      await shut();
      await Bun.sleep(downMs);
      await listen();
    },
    close: shut,
  };
}

/** Plays one connection: the capture's frames in answer to the client's commands. */
class Player {
  /** Everything this connection had to write is written (or it was cut). */
  over = false;
  #ends: number[];
  #endSet: Set<number>;
  #written = 0;
  #streaming: Promise<void> | null = null;
  /** Replies owed to commands that came while the capture streams; sent between frames. */
  #owed: Uint8Array[] = [];

  constructor(
    private socket: net.Socket,
    private capture: Uint8Array | null,
    private session: ReplaySession | null,
  ) {
    this.#ends = capture ? frameEnds(capture) : [];
    this.#endSet = new Set(this.#ends);
  }

  greet(): void {
    if (this.capture) this.#write(this.capture.subarray(0, this.#ends[0]));
    else this.#write(frame("auth/request", ""));
    this.#written = this.capture ? this.#ends[0] : 0;
  }

  async command(command: string, password: string): Promise<void> {
    if (command.startsWith("auth ")) return this.#auth(command.slice(5) === password);
    if (command === "exit") {
      await this.#streaming;
      this.#write(reply("+OK bye"));
      this.#write(frame("text/disconnect-notice", "", GOODBYE));
      this.socket.end();
      return;
    }
    if (command.startsWith("event ") && !this.#streaming) {
      this.#streaming = this.#stream();
      return this.#streaming;
    }
    // Anything else (a second subscription, nixevent, filter): FreeSWITCH says +OK.
    const answer = reply(command.startsWith("event ") ? "+OK event listener enabled" : "+OK");
    if (this.#streaming && !this.over) this.#owed.push(answer);
    else this.#write(answer);
  }

  #auth(ok: boolean): void {
    const capture = this.capture;
    const authReply = capture
      ? capture.subarray(this.#ends[0], this.#ends[1])
      : reply("+OK accepted");
    const refused = new TextDecoder().decode(authReply).includes("-ERR");
    if (capture && refused) {
      // A capture of a refused login (esl-auth-fail.txt) is played to its end, whatever was sent.
      this.#write(capture.subarray(this.#ends[0]));
      this.#finish();
    } else if (!ok) {
      this.#write(encoder.encode(AUTH_FAILED));
      this.#write(frame("text/disconnect-notice", "", GOODBYE));
      this.#finish();
    } else {
      this.#write(authReply);
      this.#written = capture ? this.#ends[1] : 0;
    }
  }

  /** Writes the capture from after the auth reply to its end (or its cut), in pieces. */
  async #stream(): Promise<void> {
    const capture = this.capture;
    if (!capture) {
      this.#write(reply("+OK event listener enabled plain"));
      return;
    }
    // Let commands sent with this one (a second subscription) be read first, so their replies
    // come right after the subscription's, as FreeSWITCH would answer them.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const end = this.session?.withoutGoodbye ? this.#goodbyeStart() : capture.length;
    const stop = Math.min(this.session?.cutAt ?? end, end);
    while (this.#written < stop && !this.socket.destroyed) {
      const cut = this.#nextCut(this.#written, stop);
      await this.#send(capture.subarray(this.#written, cut));
      this.#written = cut;
      if (this.#endSet.has(cut)) this.#payOwed();
    }
    this.#payOwed();
    if (stop < end) this.socket.destroy();
    else if (!this.session?.holdOpen) this.socket.end();
    this.over = true;
  }

  /** Where the next write ends: a chunk, a requested split, or a frame end when replies are owed. */
  #nextCut(from: number, to: number): number {
    let cut = to;
    const size = this.session?.chunkSize;
    if (size && size > 0) cut = Math.min(cut, from + size);
    for (const at of this.session?.splitAt ?? []) if (at > from && at < cut) cut = at;
    if (this.#owed.length > 0) {
      const end = this.#ends.find((e) => e > from);
      if (end !== undefined && end < cut) cut = end;
    }
    return cut;
  }

  /** Where the capture's goodbye starts: its `+OK bye` reply, else its disconnect notice. */
  #goodbyeStart(): number {
    const capture = this.capture!;
    const text = (i: number) =>
      new TextDecoder().decode(capture.subarray(i === 0 ? 0 : this.#ends[i - 1], this.#ends[i]));
    for (let i = 1; i < this.#ends.length; i++) {
      const frame = text(i);
      if (
        frame.includes("Reply-Text: +OK bye") ||
        frame.startsWith("Content-Type: text/disconnect-notice")
      ) {
        return this.#ends[i - 1];
      }
    }
    return capture.length;
  }

  #payOwed(): void {
    for (const answer of this.#owed.splice(0)) this.#write(answer);
  }

  #finish(): void {
    this.socket.end();
    this.over = true;
  }

  #write(bytes: Uint8Array): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  /** One write, then a turn of the event loop, so pieces tend to reach the client apart. */
  async #send(bytes: Uint8Array): Promise<void> {
    if (this.socket.destroyed) return;
    await new Promise<void>((resolve) => this.socket.write(bytes, () => resolve()));
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
