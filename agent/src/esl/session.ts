/**
 * One inbound event-socket connection to FreeSWITCH, from TCP connect to close: wait for
 * `auth/request`, send the password, subscribe, then hand on every event. It ends exactly once,
 * saying why; reconnecting is the client's business (`client.ts`).
 */
import net from "node:net";
import { decodeEventFrame } from "./decode.ts";
import type { EslEvent } from "./event.ts";
import { type EslFrame, EslFrameParser, type FrameProblem } from "./frame-parser.ts";

/** Why a session ended. */
export type SessionEnd =
  | "connect_failed"
  | "auth_refused"
  | "subscription_refused"
  | "refused"
  | "goodbye"
  | "timeout"
  | "lost"
  | "stopped";

/** What a session reports. */
export interface SessionHandlers {
  subscribed(): void;
  event(event: EslEvent): void;
  malformed(problem: FrameProblem | "undecodable-event"): void;
  /** Called once; `notice` is FreeSWITCH's goodbye text when it sent one. */
  ended(why: SessionEnd, notice: string | null): void;
}

/** Where and how to connect. */
export interface SessionOptions {
  host: string;
  port: number;
  password: string;
  /** The subscription command, e.g. `event json CHANNEL_HANGUP_COMPLETE CUSTOM vm::maintenance`. */
  subscription: string;
  /** Longest wait for each step of the handshake. */
  handshakeTimeoutMs: number;
  /** Silence after which a subscribed connection counts as dead (HEARTBEAT comes every 20 s). */
  idleTimeoutMs: number;
}

/** A running session. */
export interface EslSession {
  /** Says `exit`, closes, and ends the session as `stopped`. */
  close(): void;
}

type Step = "connecting" | "auth_request" | "auth_reply" | "subscribe_reply" | "subscribed";

/** Opens a session; it reports through `handlers` until `ended`. */
export function openSession(options: SessionOptions, handlers: SessionHandlers): EslSession {
  let step: Step = "connecting";
  let ended = false;
  let notice: string | null = null;
  let endReason: SessionEnd | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const socket = net.connect({ host: options.host, port: options.port });
  socket.setKeepAlive(true, 10_000);
  socket.setNoDelay(true);

  function arm(ms: number, why: SessionEnd): void {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => finish(why), ms);
  }

  function finish(why: SessionEnd): void {
    endReason ??= why;
    socket.destroy();
  }

  function send(command: string): void {
    if (!socket.destroyed) socket.write(`${command}\n\n`);
  }

  function onFrame(frame: EslFrame): void {
    const type = frame.headers["Content-Type"];
    const replyText = frame.headers["Reply-Text"] ?? "";
    if (type === "text/disconnect-notice") {
      notice = frame.body ? new TextDecoder().decode(frame.body).trim() : "";
      endReason ??= "goodbye";
      return; // FreeSWITCH closes the socket next
    }
    if (type === "text/rude-rejection") return finish("refused");
    if (step === "auth_request" && type === "auth/request") {
      step = "auth_reply";
      arm(options.handshakeTimeoutMs, "timeout");
      return send(`auth ${options.password}`);
    }
    if (step === "auth_reply" && type === "command/reply") {
      if (!replyText.startsWith("+OK")) return finish("auth_refused");
      step = "subscribe_reply";
      return send(options.subscription);
    }
    if (step === "subscribe_reply" && type === "command/reply") {
      if (!replyText.startsWith("+OK")) return finish("subscription_refused");
      step = "subscribed";
      arm(options.idleTimeoutMs, "timeout");
      return handlers.subscribed();
    }
    if (step === "subscribed" && (type === "text/event-plain" || type === "text/event-json")) {
      const event = decodeEventFrame(frame);
      if (event) handlers.event(event);
      else handlers.malformed("undecodable-event");
    }
    // Anything else (api/response, log/data, replies to nothing) is not ours to act on.
  }

  const parser = new EslFrameParser({ frame: onFrame, problem: handlers.malformed });

  socket.on("connect", () => {
    step = "auth_request";
    arm(options.handshakeTimeoutMs, "timeout");
  });
  socket.on("data", (data: Buffer) => {
    if (step === "subscribed") arm(options.idleTimeoutMs, "timeout");
    parser.push(data);
  });
  socket.on("error", () => {
    // The reason is kept by "close"; the error text may name addresses, so it is not passed on.
    endReason ??= step === "connecting" ? "connect_failed" : "lost";
  });
  socket.on("close", () => {
    if (timer) clearTimeout(timer);
    if (ended) return;
    ended = true;
    handlers.ended(endReason ?? "lost", notice);
  });
  arm(options.handshakeTimeoutMs, "connect_failed");

  return {
    close() {
      if (socket.destroyed) return;
      endReason ??= "stopped";
      if (step === "subscribed") send("exit");
      socket.end();
      // FreeSWITCH answers exit and closes; do not wait on it for long.
      setTimeout(() => socket.destroy(), 1000).unref?.();
    },
  };
}
