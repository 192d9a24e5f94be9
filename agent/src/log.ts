/**
 * The agent logs plain lines prefixed `careflow-agent:`. Warnings go through one injectable
 * function so tests can capture them and assert that no secret ever reaches a log line.
 */

/** Receives one warning line (console.warn in production). */
export type WarnLogger = (line: string) => void;
