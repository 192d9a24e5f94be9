/**
 * A minimal SIP-over-WebSocket user agent (RFC 7118) for tests: it behaves on the wire like sip.js
 * in a browser (`.invalid` Via host and Contact, `transport=ws`, digest auth) without a browser.
 */
import { createHash, randomBytes } from "node:crypto";
import { digestHa1 } from "../../shared/sip-credentials.ts";

/** A parsed SIP message. */
export interface SipMessage {
  /** Status code of a response, 0 for a request. */
  status: number;
  /** Method of a request (from the request line) or of a response (from CSeq). */
  method: string;
  /** Request-URI of a request. */
  uri: string;
  headers: [string, string][];
  body: string;
  raw: string;
}

/** First value of a header (case-insensitive), or undefined. */
export function header(msg: SipMessage, name: string): string | undefined {
  const lower = name.toLowerCase();
  return msg.headers.find(([n]) => n.toLowerCase() === lower)?.[1];
}

/** Every value of a header, in order. */
export function headers(msg: SipMessage, name: string): string[] {
  const lower = name.toLowerCase();
  return msg.headers.filter(([n]) => n.toLowerCase() === lower).map(([, v]) => v);
}

/** Parses one SIP message. */
export function parseSip(raw: string): SipMessage {
  const split = raw.indexOf("\r\n\r\n");
  const head = split >= 0 ? raw.slice(0, split) : raw;
  const body = split >= 0 ? raw.slice(split + 4) : "";
  const [first, ...lines] = head.split("\r\n");
  const parsedHeaders: [string, string][] = lines.map((l) => {
    const i = l.indexOf(":");
    return [l.slice(0, i).trim(), l.slice(i + 1).trim()];
  });
  const msg: SipMessage = { status: 0, method: "", uri: "", headers: parsedHeaders, body, raw };
  if (first.startsWith("SIP/2.0 ")) {
    msg.status = Number(first.split(" ")[1]);
    msg.method = (header(msg, "CSeq") ?? "").split(" ")[1] ?? "";
  } else {
    const [method, uri] = first.split(" ");
    msg.method = method;
    msg.uri = uri;
  }
  return msg;
}

/** How long a reply from the running stack may take by default. */
const REPLY_TIMEOUT_MS = 10_000;

const md5 = (s: string) => createHash("md5").update(s).digest("hex");
const token = () => randomBytes(6).toString("hex");

/** Builds the Authorization value answering a digest challenge. */
export function digestAnswer(
  challenge: string,
  opts: {
    username: string;
    password: string;
    method: string;
    uri: string;
    /** The nonce count (qop=auth), 1 for a nonce's first use; a client caching a nonce counts up. */
    nc?: number;
  },
): string {
  const param = (name: string) => new RegExp(`${name}="?([^",]+)"?`).exec(challenge)?.[1] ?? "";
  const realm = param("realm");
  const nonce = param("nonce");
  const qop = param("qop") ? "auth" : "";
  const ha1 = digestHa1(opts.username, realm, opts.password);
  const ha2 = md5(`${opts.method}:${opts.uri}`);
  const cnonce = token();
  const nc = (opts.nc ?? 1).toString(16).padStart(8, "0");
  const response = qop
    ? md5(`${ha1}:${nonce}:${nc}:${cnonce}:${qop}:${ha2}`)
    : md5(`${ha1}:${nonce}:${ha2}`);
  return `Digest username="${opts.username}", realm="${realm}", nonce="${nonce}", uri="${opts.uri}"` +
    `, response="${response}", algorithm=MD5` +
    (qop ? `, qop=${qop}, nc=${nc}, cnonce="${cnonce}"` : "");
}

/** A WebSocket SIP client for one user. */
export class WsSipClient {
  readonly host = `${token()}.invalid`;
  readonly contactUser = token();
  #ws: WebSocket;
  #httpClient: Deno.HttpClient | null;
  #transport: "WS" | "WSS";
  #queue: SipMessage[] = [];
  #waiters: { match: (m: SipMessage) => boolean; resolve: (m: SipMessage) => void }[] = [];
  #cseq = 1;

  private constructor(
    ws: WebSocket,
    readonly user: string,
    readonly domain: string,
    readonly authUser: string,
    readonly password: string,
    httpClient: Deno.HttpClient | null = null,
  ) {
    this.#ws = ws;
    this.#httpClient = httpClient;
    this.#transport = ws.url.startsWith("wss:") ? "WSS" : "WS";
    ws.onmessage = (event) => {
      const msg = parseSip(String(event.data));
      const i = this.#waiters.findIndex((w) => w.match(msg));
      if (i >= 0) this.#waiters.splice(i, 1)[0].resolve(msg);
      else this.#queue.push(msg);
    };
  }

  /**
   * Opens the WebSocket with the `sip` subprotocol. For `wss:` URLs `caCerts` (PEM) are the
   * certificate authorities to trust in addition to the system's; the server certificate is
   * verified as usual.
   */
  static async connect(
    url: string,
    user: string,
    domain: string,
    authUser: string,
    password: string,
    opts: { caCerts?: string[] } = {},
  ): Promise<WsSipClient> {
    // Deno's WebSocket takes an HttpClient (and so custom CAs) in its options object; there
    // the subprotocols must be an array. The DOM typings in the compiler options hide that
    // overload, hence the constructor type.
    const httpClient = opts.caCerts ? Deno.createHttpClient({ caCerts: opts.caCerts }) : null;
    const DenoWebSocket = WebSocket as unknown as new (
      url: string,
      init: string | WebSocketOptions,
    ) => WebSocket;
    const ws = new DenoWebSocket(
      url,
      httpClient ? { protocols: ["sip"], client: httpClient } : "sip",
    );
    try {
      await new Promise<void>((resolve, reject) => {
        ws.onopen = () => resolve();
        ws.onerror = (event) => {
          const detail = event instanceof ErrorEvent ? `: ${event.message}` : "";
          reject(new Error(`WebSocket to ${url} failed${detail}`));
        };
      });
    } catch (error) {
      httpClient?.close();
      throw error;
    }
    return new WsSipClient(ws, user, domain, authUser, password, httpClient);
  }

  get contact(): string {
    return `<sip:${this.contactUser}@${this.host};transport=ws>`;
  }

  send(text: string): void {
    this.#ws.send(text);
  }

  /** Next message matching `match` (already received or arriving within `timeoutMs`). */
  next(match: (m: SipMessage) => boolean, timeoutMs = REPLY_TIMEOUT_MS): Promise<SipMessage> {
    const i = this.#queue.findIndex(match);
    if (i >= 0) return Promise.resolve(this.#queue.splice(i, 1)[0]);
    return new Promise((resolve, reject) => {
      const waiter = { match, resolve: (m: SipMessage) => (clearTimeout(timer), resolve(m)) };
      const timer = setTimeout(() => {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        reject(new Error(`no matching SIP message in ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiters.push(waiter);
    });
  }

  /** Final response (>= 200) to the request with this Call-ID and CSeq number. */
  final(callId: string, cseq: number, timeoutMs = REPLY_TIMEOUT_MS): Promise<SipMessage> {
    return this.next(
      (m) =>
        m.status >= 200 && header(m, "Call-ID") === callId &&
        (header(m, "CSeq") ?? "").startsWith(`${cseq} `),
      timeoutMs,
    );
  }

  /** Builds a request from this user. */
  request(opts: {
    method: string;
    uri: string;
    to: string;
    callId: string;
    fromTag: string;
    toTag?: string;
    cseq?: number;
    extra?: string[];
    body?: string;
    contentType?: string;
  }): { text: string; cseq: number; branch: string } {
    const cseq = opts.cseq ?? this.#cseq++;
    const branch = `z9hG4bK${token()}`;
    const body = opts.body ?? "";
    const lines = [
      `${opts.method} ${opts.uri} SIP/2.0`,
      `Via: SIP/2.0/${this.#transport} ${this.host};branch=${branch}`,
      "Max-Forwards: 70",
      `From: <sip:${this.user}@${this.domain}>;tag=${opts.fromTag}`,
      `To: ${opts.to}${opts.toTag ? `;tag=${opts.toTag}` : ""}`,
      `Call-ID: ${opts.callId}`,
      `CSeq: ${cseq} ${opts.method}`,
      `Contact: ${this.contact}`,
      "User-Agent: careflow-ws-test",
      ...(opts.extra ?? []),
      ...(body ? [`Content-Type: ${opts.contentType ?? "application/sdp"}`] : []),
      `Content-Length: ${new TextEncoder().encode(body).length}`,
      "",
      body,
    ];
    return { text: lines.join("\r\n"), cseq, branch };
  }

  /**
   * Sends a request; answers one digest challenge (401/407) with the client's credentials.
   * Returns the final response.
   */
  async authed(opts: Parameters<WsSipClient["request"]>[0]): Promise<SipMessage> {
    const first = this.request(opts);
    this.send(first.text);
    let reply = await this.final(opts.callId, first.cseq);
    if (reply.status !== 401 && reply.status !== 407) return reply;
    if (opts.method === "INVITE") this.ack(opts, reply, first.cseq);
    const challenge = header(
      reply,
      reply.status === 401 ? "WWW-Authenticate" : "Proxy-Authenticate",
    )!;
    const auth = digestAnswer(challenge, {
      username: this.authUser,
      password: this.password,
      method: opts.method,
      uri: opts.uri,
    });
    const hdr = reply.status === 401 ? "Authorization" : "Proxy-Authorization";
    const second = this.request({ ...opts, extra: [...(opts.extra ?? []), `${hdr}: ${auth}`] });
    this.send(second.text);
    reply = await this.final(opts.callId, second.cseq);
    return reply;
  }

  /** REGISTERs this user for 600 s (digest-authenticated); returns the final response. */
  register(fromTag: string): Promise<SipMessage> {
    return this.authed({
      method: "REGISTER",
      uri: `sip:${this.domain}`,
      to: `<sip:${this.user}@${this.domain}>`,
      callId: crypto.randomUUID(),
      fromTag,
      extra: ["Expires: 600"],
    });
  }

  /** ACK for a non-2xx final response (same transaction). */
  ack(opts: Parameters<WsSipClient["request"]>[0], reply: SipMessage, cseq: number): void {
    const toTag = /;tag=([^;>\s]+)/.exec(header(reply, "To") ?? "")?.[1];
    const ack = this.request({ ...opts, method: "ACK", cseq, toTag, body: "", extra: [] });
    // A non-2xx ACK reuses the INVITE's branch: take it from the reply's Via.
    const via = header(reply, "Via")!;
    this.send(ack.text.replace(/^Via: .*$/m, `Via: ${via}`));
  }

  /** Answers an incoming request with `status` (copying the dialog headers). */
  respond(req: SipMessage, status: number, reason: string, opts: {
    toTag?: string;
    body?: string;
  } = {}): void {
    const to = header(req, "To")!;
    const lines = [
      `SIP/2.0 ${status} ${reason}`,
      ...headers(req, "Via").map((v) => `Via: ${v}`),
      ...headers(req, "Record-Route").map((v) => `Record-Route: ${v}`),
      `From: ${header(req, "From")}`,
      `To: ${opts.toTag && !/;tag=/.test(to) ? `${to};tag=${opts.toTag}` : to}`,
      `Call-ID: ${header(req, "Call-ID")}`,
      `CSeq: ${header(req, "CSeq")}`,
      ...(status >= 200 && status < 300 ? [`Contact: ${this.contact}`] : []),
      ...(opts.body ? ["Content-Type: application/sdp"] : []),
      `Content-Length: ${new TextEncoder().encode(opts.body ?? "").length}`,
      "",
      opts.body ?? "",
    ];
    this.send(lines.join("\r\n"));
  }

  close(): void {
    this.#ws.close();
    this.#httpClient?.close();
  }
}

/**
 * An SDP offer/answer shaped like a browser's (ICE, DTLS-SRTP fingerprint, rtcp-mux). Its one
 * host candidate is `127.0.0.1:candidatePort`: a port from the allocator that nothing binds, so
 * RTPEngine's connectivity checks reach no other process.
 */
export function webrtcSdp(setup: "actpass" | "active", candidatePort: number): string {
  const fingerprint = Array.from(randomBytes(32), (b) => b.toString(16).padStart(2, "0"))
    .join(":").toUpperCase();
  return [
    "v=0",
    `o=- ${Date.now()} 2 IN IP4 127.0.0.1`,
    "s=-",
    "t=0 0",
    "a=group:BUNDLE 0",
    "a=msid-semantic: WMS",
    "m=audio 9 UDP/TLS/RTP/SAVPF 0 8",
    "c=IN IP4 0.0.0.0",
    "a=rtcp:9 IN IP4 0.0.0.0",
    `a=candidate:1 1 udp 2122260223 127.0.0.1 ${candidatePort} typ host generation 0`,
    `a=ice-ufrag:${token().slice(0, 4)}`,
    `a=ice-pwd:${token()}${token()}`,
    "a=ice-options:trickle",
    `a=fingerprint:sha-256 ${fingerprint}`,
    `a=setup:${setup}`,
    "a=mid:0",
    "a=sendrecv",
    "a=rtcp-mux",
    "a=rtpmap:0 PCMU/8000",
    "a=rtpmap:8 PCMA/8000",
    "",
  ].join("\r\n");
}
