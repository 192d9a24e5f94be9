/**
 * SIP over one TLS connection for the WITH_TLS tests: REGISTERs from a phone-like client that
 * verifies Kamailio's certificate against the test CA.
 */
import { randomBytes } from "node:crypto";
import { header, parseSip, type SipMessage } from "./ws-sip.ts";

const CRLFCRLF = [13, 10, 13, 10];

function indexOfBytes(haystack: Uint8Array, needle: number[]): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) {
      if (haystack[i + j] !== needle[j]) continue outer;
    }
    return i;
  }
  return -1;
}

/** SIP over one TLS connection (RFC 3261 stream framing: headers, then Content-Length bytes). */
export class TlsSip {
  #buffer = new Uint8Array(0);
  #cseq = 1;

  private constructor(
    readonly conn: Deno.TlsConn,
    readonly localPort: number,
    readonly domain: string,
  ) {}

  /** Connects to Kamailio's TLS port on 127.0.0.1, trusting `caPem`, for users of `domain`. */
  static async connect(port: number, caPem: string, domain: string): Promise<TlsSip> {
    const conn = await Deno.connectTls({ hostname: "127.0.0.1", port, caCerts: [caPem] });
    try {
      await conn.handshake();
    } catch (error) {
      conn.close();
      throw error;
    }
    return new TlsSip(conn, (conn.localAddr as Deno.NetAddr).port, domain);
  }

  async send(text: string): Promise<void> {
    const bytes = new TextEncoder().encode(text);
    for (let written = 0; written < bytes.length;) {
      written += await this.conn.write(bytes.subarray(written));
    }
  }

  /** The next complete message, or an error after `timeoutMs`. */
  async next(timeoutMs = 10_000): Promise<SipMessage> {
    const deadline = Date.now() + timeoutMs;
    while (true) {
      // Skip keep-alive CRLFs between messages.
      let start = 0;
      while (
        start < this.#buffer.length && (this.#buffer[start] === 13 || this.#buffer[start] === 10)
      ) start++;
      this.#buffer = this.#buffer.subarray(start);
      const end = indexOfBytes(this.#buffer, CRLFCRLF);
      if (end >= 0) {
        const head = new TextDecoder().decode(this.#buffer.subarray(0, end));
        const length = Number(/^(?:Content-Length|l)\s*:\s*(\d+)/im.exec(head)?.[1] ?? "0");
        const total = end + 4 + length;
        if (this.#buffer.length >= total) {
          const raw = new TextDecoder().decode(this.#buffer.subarray(0, total));
          this.#buffer = this.#buffer.subarray(total);
          return parseSip(raw);
        }
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no complete SIP message over TLS in ${timeoutMs} ms`);
      const chunk = new Uint8Array(16384);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const n = await Promise.race([
        this.conn.read(chunk),
        new Promise<"timeout">((r) => timer = setTimeout(() => r("timeout"), left)),
      ]).finally(() => clearTimeout(timer));
      if (n === "timeout") throw new Error(`no complete SIP message over TLS in ${timeoutMs} ms`);
      if (n === null) throw new Error("Kamailio closed the TLS connection");
      const joined = new Uint8Array(this.#buffer.length + n);
      joined.set(this.#buffer);
      joined.set(chunk.subarray(0, n), this.#buffer.length);
      this.#buffer = joined;
    }
  }

  /** Sends a REGISTER for `user` and returns the final response (provisional ones skipped). */
  async register(user: string, callId: string, authorization?: string): Promise<SipMessage> {
    const cseq = this.#cseq++;
    const lines = [
      `REGISTER sip:${this.domain} SIP/2.0`,
      `Via: SIP/2.0/TLS 127.0.0.1:${this.localPort};branch=z9hG4bK${
        randomBytes(8).toString("hex")
      };rport`,
      "Max-Forwards: 70",
      `From: <sip:${user}@${this.domain}>;tag=tls${cseq}`,
      `To: <sip:${user}@${this.domain}>`,
      `Call-ID: ${callId}`,
      `CSeq: ${cseq} REGISTER`,
      `Contact: <sip:${user}@127.0.0.1:${this.localPort};transport=tls>`,
      "Expires: 600",
      "User-Agent: careflow-tls-test",
      ...(authorization ? [`Authorization: ${authorization}`] : []),
      "Content-Length: 0",
      "",
      "",
    ];
    await this.send(lines.join("\r\n"));
    while (true) {
      const reply = await this.next();
      if (header(reply, "Call-ID") !== callId || !header(reply, "CSeq")?.startsWith(`${cseq} `)) {
        continue;
      }
      if (reply.status >= 200) return reply;
    }
  }

  close(): void {
    try {
      this.conn.close();
    } catch {
      // already closed
    }
  }
}
