/**
 * A bare SIP-over-UDP client for attacker-style tests: it sends exactly the text it is given (a
 * captured request replayed, a retransmission, a forged header) and collects the replies, so a
 * test can tell what Kamailio answered to each.
 */
import dgram from "node:dgram";
import { header, parseSip, type SipMessage } from "./ws-sip.ts";

/** The parts of a request a test varies. */
export interface UdpRequest {
  method: string;
  uri: string;
  from: string;
  to: string;
  callId: string;
  cseq: number;
  extra?: string[];
  body?: string;
}

/** A UDP socket on 127.0.0.1 talking to one SIP server. */
export class UdpSipClient {
  #socket: dgram.Socket;
  #replies: SipMessage[] = [];
  #waiters: (() => void)[] = [];

  private constructor(socket: dgram.Socket, readonly server: number) {
    this.#socket = socket;
    socket.on("message", (data) => {
      this.#replies.push(parseSip(data.toString()));
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }

  /** Binds a socket on a free loopback port. */
  static open(serverPort: number): Promise<UdpSipClient> {
    return new Promise((resolve) => {
      const socket = dgram.createSocket("udp4");
      socket.bind(0, "127.0.0.1", () => resolve(new UdpSipClient(socket, serverPort)));
    });
  }

  get port(): number {
    return this.#socket.address().port;
  }

  /** The text of a request from this socket (a fresh Via branch unless `branch` is given). */
  build(request: UdpRequest, branch = `z9hG4bK${crypto.randomUUID().slice(0, 12)}`): string {
    const body = request.body ?? "";
    return [
      `${request.method} ${request.uri} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${this.port};branch=${branch};rport`,
      "Max-Forwards: 70",
      `From: ${request.from}`,
      `To: ${request.to}`,
      `Call-ID: ${request.callId}`,
      `CSeq: ${request.cseq} ${request.method}`,
      `Contact: <sip:probe@127.0.0.1:${this.port}>`,
      ...(request.extra ?? []),
      ...(body ? ["Content-Type: application/sdp"] : []),
      `Content-Length: ${new TextEncoder().encode(body).length}`,
      "",
      body,
    ].join("\r\n");
  }

  /** Sends raw text. */
  send(text: string): void {
    this.#socket.send(text, this.server, "127.0.0.1");
  }

  /**
   * The first final (>= 200) reply to `callId` / `cseq` not taken yet, or null after `waitMs`.
   * Provisional replies are skipped.
   */
  async final(callId: string, cseq: number, waitMs = 5_000): Promise<SipMessage | null> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const i = this.#replies.findIndex((m) =>
        m.status >= 200 && header(m, "Call-ID") === callId &&
        Number((header(m, "CSeq") ?? "").split(" ")[0]) === cseq
      );
      if (i >= 0) return this.#replies.splice(i, 1)[0];
      const left = deadline - Date.now();
      if (left <= 0) return null;
      await new Promise<void>((wake) => {
        const timer = setTimeout(wake, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          wake();
        });
      });
    }
  }

  /** Sends `request` and waits for its final reply. */
  async ask(request: UdpRequest, waitMs?: number): Promise<SipMessage | null> {
    this.send(this.build(request));
    return await this.final(request.callId, request.cseq, waitMs);
  }

  /** ACKs a non-2xx final reply to an INVITE (its own Via branch, as RFC 3261 17.1.1.3 says). */
  ackFailure(request: UdpRequest, reply: SipMessage): void {
    const lines = this.build({ ...request, method: "ACK", to: header(reply, "To")!, extra: [] })
      .split("\r\n");
    lines[1] = `Via: ${header(reply, "Via")}`;
    this.send(lines.join("\r\n"));
  }

  close(): void {
    this.#socket.close();
  }
}
