/** Structured logging: one JSON object per line, so logs can be searched and shipped as they are. */

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Field names whose values are never written, whoever passes them. */
const SECRET_FIELD = /pass|secret|token|cookie|authorization|signature|ha1|key/i;

/**
 * Lines to stdout, written together once the current burst of work yields: one write for many
 * requests instead of one each (a write per request line halved the throughput under load,
 * measured with `deno task bench:web`). Warnings and errors are written at once, with what came
 * before them, so nothing that explains a crash waits for a timer.
 */
export function batchedStdout(): (line: string, at: LogLevel) => void {
  const encoder = new TextEncoder();
  let pending: string[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    const bytes = encoder.encode(pending.join("\n") + "\n");
    pending = [];
    for (let written = 0; written < bytes.length;) {
      written += Deno.stdout.writeSync(bytes.subarray(written));
    }
  };
  globalThis.addEventListener("unload", flush);
  let timer: ReturnType<typeof setTimeout> | undefined;
  return (line, at) => {
    pending.push(line);
    // A long burst still writes in bounded pieces.
    if (ORDER[at] >= ORDER.warn || pending.length >= 512) {
      clearTimeout(timer);
      timer = undefined;
      return flush();
    }
    timer ??= setTimeout(() => {
      timer = undefined;
      flush();
    }, 0);
  };
}

/** A logger writing JSON lines through `write` (batched to stdout by default). */
export function createLogger(
  level: LogLevel,
  write: (line: string, at: LogLevel) => void = batchedStdout(),
): Logger {
  // Field names are few and fixed in code: each is judged once (a line is written per request).
  const secret = new Map<string, boolean>();
  const isSecret = (name: string) => {
    let judged = secret.get(name);
    if (judged === undefined) {
      judged = SECRET_FIELD.test(name);
      if (secret.size < 1000) secret.set(name, judged);
    }
    return judged;
  };
  const emit = (at: LogLevel, msg: string, fields: LogFields = {}) => {
    if (ORDER[at] < ORDER[level]) return;
    const line: LogFields = { time: new Date().toISOString(), level: at, msg };
    for (const name in fields) {
      const value = fields[name];
      if (value !== undefined) line[name] = isSecret(name) ? "[redacted]" : value;
    }
    write(JSON.stringify(line), at);
  };
  return {
    debug: (msg, fields) => emit("debug", msg, fields),
    info: (msg, fields) => emit("info", msg, fields),
    warn: (msg, fields) => emit("warn", msg, fields),
    error: (msg, fields) => emit("error", msg, fields),
  };
}
