import type { ServerMessage, TabMessage } from "../../../shared/signal.ts";

const TAB_KEY = "careflow-tab";

/**
 * This tab's id, kept across reloads in sessionStorage: the server resumes a tab's call when
 * the same id reconnects within its grace period.
 */
export function tabId(): string {
  let id = sessionStorage.getItem(TAB_KEY);
  if (!id || !/^[0-9a-f-]{36}$/.test(id)) {
    id = crypto.randomUUID();
    sessionStorage.setItem(TAB_KEY, id);
  }
  return id;
}

export interface SignalingHandlers {
  message(message: ServerMessage): void;
  /** Socket up (true) or down (false); while down, the phone cannot ring. */
  status(connected: boolean): void;
  /** The socket opened (first time or again). */
  opened?(): void;
}

/**
 * The tab's one WebSocket to `/api/signal`: frames validated on arrival, reconnection with
 * capped exponential backoff, and nothing sent while closed (the caller learns it from `send`).
 */
export class SignalingSocket {
  #socket: WebSocket | null = null;
  #retry = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  /** `url` is asked on every attempt: what it says (a call still held) may change meanwhile. */
  constructor(
    private readonly url: () => string,
    private readonly handlers: SignalingHandlers,
  ) {}

  connect(): void {
    this.#closed = false;
    const socket = new WebSocket(this.url());
    this.#socket = socket;
    socket.onopen = () => {
      this.#retry = 0;
      this.handlers.opened?.();
    };
    socket.onmessage = (event) => {
      const message = readFrame(event.data);
      if (!message) return;
      if (message.type === "presence") this.handlers.status(true);
      this.handlers.message(message);
    };
    socket.onclose = () => {
      if (this.#socket !== socket) return;
      this.#socket = null;
      this.handlers.status(false);
      if (this.#closed) return;
      const delay = Math.min(10_000, 500 * 2 ** this.#retry++);
      this.#timer = setTimeout(() => this.connect(), delay);
    };
  }

  /** Sends a frame (a call's, or the tab's `activity`); false when the socket is not open. */
  send(message: TabMessage): boolean {
    if (this.#socket?.readyState !== WebSocket.OPEN) return false;
    this.#socket.send(JSON.stringify(message));
    return true;
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#socket?.close(1000, "bye");
    this.#socket = null;
  }
}

/** The signaling URL of this page's origin (`resume=1` keeps the tab's call on reconnect). */
export function signalingUrl(): string {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  return `${scheme}://${location.host}/api/signal?tab=${tabId()}`;
}

/**
 * Frames come from our own server, which validates everything it relays with the zod schemas
 * in shared/signal.ts; the browser only checks the shape it dispatches on, keeping zod (and its
 * weight) out of the bundle.
 */
function readFrame(data: unknown): ServerMessage | null {
  if (typeof data !== "string") return null;
  try {
    const value = JSON.parse(data);
    return typeof value?.type === "string" ? value as ServerMessage : null;
  } catch {
    return null;
  }
}
