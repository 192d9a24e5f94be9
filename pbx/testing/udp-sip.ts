/**
 * A bare SIP-over-UDP client for attacker-style tests: it sends exactly the text it is given (a
 * captured request replayed, a retransmission, a forged header) and collects the replies, so a
 * test can tell what Kamailio answered to each.
 */
import dgram from "node:dgram";
import { digestAnswer, header, headers, parseSip, type SipMessage } from "./ws-sip.ts";

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
  /** The body's type (default `application/sdp`). */
  contentType?: string;
}

/**
 * A request inside the dialog the 2xx `answer` to `request` set up (RFC 3261 12.2.1.1): to the
 * callee's Contact along the reversed Record-Route set, with the callee's tag.
 */
function inDialog(request: UdpRequest, answer: SipMessage, method: string, cseq: number) {
  const contact = /<([^>]+)>/.exec(header(answer, "Contact") ?? "")?.[1] ?? request.uri;
  const routes = headers(answer, "Record-Route").flatMap((v) => v.split(/,\s*(?=<)/)).reverse();
  return {
    ...request,
    method,
    uri: contact,
    to: header(answer, "To")!,
    cseq,
    extra: routes.map((r) => `Route: ${r}`),
    body: "",
  };
}

/** A to-tag for the dialog `request` starts, the same for its retransmissions. */
function tagOf(request: SipMessage): string {
  return (header(request, "Call-ID") ?? "").replace(/[^A-Za-z0-9]/g, "").slice(0, 10) || "t";
}

/** A plain phone's SDP offer or answer (PCMU on `port`, no ICE, no encryption). */
export function plainSdp(port: number): string {
  return [
    "v=0",
    `o=- ${Date.now()} 1 IN IP4 127.0.0.1`,
    "s=-",
    "c=IN IP4 127.0.0.1",
    "t=0 0",
    `m=audio ${port} RTP/AVP 0`,
    "a=rtpmap:0 PCMU/8000",
    "",
  ].join("\r\n");
}

/** A UDP socket on a loopback address talking to one SIP server. */
export class UdpSipClient {
  #socket: dgram.Socket;
  #replies: SipMessage[] = [];
  #requests: SipMessage[] = [];
  #waiters: (() => void)[] = [];
  #answering = false;
  /** Requests this phone answered itself (`answerCalls`), in order. */
  readonly answered: SipMessage[] = [];

  private constructor(socket: dgram.Socket, readonly server: number) {
    this.#socket = socket;
    socket.on("message", (data) => {
      const message = parseSip(data.toString());
      if (!message.status && this.#answering) this.#answer(message);
      else (message.status ? this.#replies : this.#requests).push(message);
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }

  /** Binds a socket on a free port of `address` (a loopback address, default 127.0.0.1). */
  static open(serverPort: number, address = "127.0.0.1"): Promise<UdpSipClient> {
    return new Promise((resolve) => {
      const socket = dgram.createSocket("udp4");
      socket.bind(0, address, () => resolve(new UdpSipClient(socket, serverPort)));
    });
  }

  get port(): number {
    return this.#socket.address().port;
  }

  /** The address this socket sends from. */
  get address(): string {
    return this.#socket.address().address;
  }

  /** The text of a request from this socket (a fresh Via branch unless `branch` is given). */
  build(request: UdpRequest, branch = `z9hG4bK${crypto.randomUUID().slice(0, 12)}`): string {
    const body = request.body ?? "";
    return [
      `${request.method} ${request.uri} SIP/2.0`,
      `Via: SIP/2.0/UDP ${this.address}:${this.port};branch=${branch};rport`,
      "Max-Forwards: 70",
      `From: ${request.from}`,
      `To: ${request.to}`,
      `Call-ID: ${request.callId}`,
      `CSeq: ${request.cseq} ${request.method}`,
      `Contact: <sip:probe@${this.address}:${this.port}>`,
      ...(request.extra ?? []),
      ...(body ? [`Content-Type: ${request.contentType ?? "application/sdp"}`] : []),
      `Content-Length: ${new TextEncoder().encode(body).length}`,
      "",
      body,
    ].join("\r\n");
  }

  /**
   * Acts as a phone from now on: every INVITE is answered 200 with a plain SDP, every BYE 200,
   * ACKs are taken; each is kept in `answered`.
   */
  answerCalls(): void {
    this.#answering = true;
  }

  #answer(request: SipMessage): void {
    this.answered.push(request);
    if (request.method === "INVITE") {
      this.respond(request, 200, "OK", { toTag: tagOf(request), body: plainSdp(this.port + 1) });
    } else if (request.method !== "ACK") {
      this.respond(request, 200, "OK");
    }
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
      await this.#wait(left);
    }
  }

  /** The next request of `method` that came in (oldest first), or null after `waitMs`. */
  async request(method: string, waitMs = 5_000): Promise<SipMessage | null> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const i = this.#requests.findIndex((m) => m.method === method);
      if (i >= 0) return this.#requests.splice(i, 1)[0];
      const left = deadline - Date.now();
      if (left <= 0) return null;
      await this.#wait(left);
    }
  }

  /** Answers a request that came in; a 2xx to an INVITE carries `body` (SDP) and a Contact. */
  respond(request: SipMessage, status: number, reason: string, opts: {
    toTag?: string;
    body?: string;
  } = {}): void {
    const to = header(request, "To")!;
    const body = opts.body ?? "";
    this.send([
      `SIP/2.0 ${status} ${reason}`,
      ...headers(request, "Via").map((v) => `Via: ${v}`),
      ...headers(request, "Record-Route").map((v) => `Record-Route: ${v}`),
      `From: ${header(request, "From")}`,
      `To: ${opts.toTag && !/;tag=/.test(to) ? `${to};tag=${opts.toTag}` : to}`,
      `Call-ID: ${header(request, "Call-ID")}`,
      `CSeq: ${header(request, "CSeq")}`,
      ...(status < 300 ? [`Contact: <sip:probe@${this.address}:${this.port}>`] : []),
      ...(body ? ["Content-Type: application/sdp"] : []),
      `Content-Length: ${new TextEncoder().encode(body).length}`,
      "",
      body,
    ].join("\r\n"));
  }

  /**
   * ACKs a 2xx to an INVITE: a new transaction to the callee's Contact along the Record-Route
   * set, through the proxy this socket talks to.
   */
  ackAnswer(request: UdpRequest, answer: SipMessage): void {
    this.send(this.build(inDialog(request, answer, "ACK", request.cseq)));
  }

  /** Hangs up the call `answer` set up: BYE (CSeq `cseq`), and its final reply. */
  bye(
    request: UdpRequest,
    answer: SipMessage,
    cseq = request.cseq + 1,
  ): Promise<SipMessage | null> {
    return this.ask(inDialog(request, answer, "BYE", cseq));
  }

  /**
   * A request from the callee of a call this phone answered (`answerCalls`) back to its caller:
   * to the caller's Contact along the Record-Route set as received, with this phone's tag.
   */
  askCaller(
    invite: SipMessage,
    request: Pick<UdpRequest, "method" | "cseq" | "extra" | "body" | "contentType">,
  ) {
    const to = header(invite, "To")!;
    return this.ask({
      ...request,
      uri: /<([^>]+)>/.exec(header(invite, "Contact") ?? "")?.[1] ?? "",
      from: /;tag=/.test(to) ? to : `${to};tag=${tagOf(invite)}`,
      to: header(invite, "From")!,
      callId: header(invite, "Call-ID")!,
      extra: [
        ...headers(invite, "Record-Route").flatMap((v) => v.split(/,\s*(?=<)/))
          .map((r) => `Route: ${r}`),
        ...(request.extra ?? []),
      ],
    });
  }

  /** Registers `credentials.username` at `domain` for `expires` seconds; the final reply. */
  async register(
    domain: string,
    credentials: { username: string; password: string },
    expires = 600,
  ): Promise<SipMessage | null> {
    const aor = `<sip:${credentials.username}@${domain}>`;
    const { reply } = await this.authed({
      method: "REGISTER",
      uri: `sip:${domain}`,
      from: `${aor};tag=${crypto.randomUUID().slice(0, 8)}`,
      to: aor,
      callId: crypto.randomUUID(),
      cseq: 1,
      extra: [`Expires: ${expires}`],
    }, credentials);
    return reply;
  }

  /**
   * An authenticated call from `credentials.username` to `to` at `domain` (`extra` headers as the
   * phone would add them), acknowledged whatever the answer: the request answered and its reply.
   */
  async call(
    domain: string,
    to: string,
    credentials: { username: string; password: string },
    extra: string[] = [],
  ): Promise<{ sent: UdpRequest; reply: SipMessage | null }> {
    const request: UdpRequest = {
      method: "INVITE",
      uri: `sip:${to}@${domain}`,
      from: `<sip:${credentials.username}@${domain}>;tag=${crypto.randomUUID().slice(0, 8)}`,
      to: `<sip:${to}@${domain}>`,
      callId: crypto.randomUUID(),
      cseq: 1,
      extra,
      body: plainSdp(this.port + 1),
    };
    const { reply, sent } = await this.authed(request, credentials);
    if (reply && reply.status < 300) this.ackAnswer(sent, reply);
    else if (reply) this.ackFailure(sent, reply);
    return { sent, reply };
  }

  /** Transfers the other party of the call `answer` set up to `referTo` (a SIP URI): REFER. */
  refer(
    request: UdpRequest,
    answer: SipMessage,
    referTo: string,
    cseq = request.cseq + 1,
  ): Promise<SipMessage | null> {
    const refer = inDialog(request, answer, "REFER", cseq);
    return this.ask({ ...refer, extra: [...refer.extra, `Refer-To: <${referTo}>`] });
  }

  /**
   * Sends `request`; a 401/407 is acknowledged (INVITE) and answered once with `credentials`,
   * CSeq + 1. Returns the final reply and the request it answers (for its ACK).
   */
  async authed(
    request: UdpRequest,
    credentials: { username: string; password: string },
    waitMs?: number,
  ): Promise<{ reply: SipMessage | null; sent: UdpRequest }> {
    const first = await this.ask(request, waitMs);
    if (!first || (first.status !== 401 && first.status !== 407)) {
      return { reply: first, sent: request };
    }
    if (request.method === "INVITE") this.ackFailure(request, first);
    const challenge = header(
      first,
      first.status === 401 ? "WWW-Authenticate" : "Proxy-Authenticate",
    )!;
    const name = first.status === 401 ? "Authorization" : "Proxy-Authorization";
    const answer = digestAnswer(challenge, {
      ...credentials,
      method: request.method,
      uri: request.uri,
    });
    const sent = {
      ...request,
      cseq: request.cseq + 1,
      extra: [...(request.extra ?? []), `${name}: ${answer}`],
    };
    return { reply: await this.ask(sent, waitMs), sent };
  }

  #wait(ms: number): Promise<void> {
    return new Promise<void>((wake) => {
      const timer = setTimeout(wake, ms);
      this.#waiters.push(() => {
        clearTimeout(timer);
        wake();
      });
    });
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
