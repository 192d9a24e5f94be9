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

/** A logger writing JSON lines through `write` (stdout by default). */
export function createLogger(
  level: LogLevel,
  write: (line: string) => void = (line) => console.log(line),
): Logger {
  const emit = (at: LogLevel, msg: string, fields: LogFields = {}) => {
    if (ORDER[at] < ORDER[level]) return;
    const safe: LogFields = {};
    for (const [name, value] of Object.entries(fields)) {
      if (value !== undefined) safe[name] = SECRET_FIELD.test(name) ? "[redacted]" : value;
    }
    write(JSON.stringify({ time: new Date().toISOString(), level: at, msg, ...safe }));
  };
  return {
    debug: (msg, fields) => emit("debug", msg, fields),
    info: (msg, fields) => emit("info", msg, fields),
    warn: (msg, fields) => emit("warn", msg, fields),
    error: (msg, fields) => emit("error", msg, fields),
  };
}
